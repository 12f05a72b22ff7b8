"""The docs hold: every operation has a description and an example, every example
voucher code passes its own check, and the guide lists every exception reason."""

import json
import re
from pathlib import Path

import pytest

from billing.models import ReconciliationException
from vouchers.services import codes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
# A compact code (16 + check) or the grouped form people read out.
CODE = re.compile(r"\b(?:[0-9A-Z]{17}|[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}-[0-9A-Z*])(?![0-9A-Za-z-])")


def operations(client):
    schema = json.loads(client.get("/api/v1/schema/?format=json").content)
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method} {path}", operation


def has_example(operation) -> bool:
    contents = [*operation.get("requestBody", {}).get("content", {}).values()]
    for answer in operation["responses"].values():
        contents += answer.get("content", {}).values()
    return any("examples" in c or "example" in c for c in contents)


def test_every_operation_has_a_description_and_an_example(client):
    found = dict(operations(client))
    assert len(found) == 9
    assert [name for name, op in found.items() if len(op.get("description", "")) < 40] == []
    assert [name for name, op in found.items() if not has_example(op)] == []


def example_codes(text: str) -> set[str]:
    # Credit codes are 18 characters, so never match; a 17-character word of capitals
    # and digits with at least one digit is taken for a voucher code.
    return {c for c in CODE.findall(text) if any(ch.isdigit() for ch in c)}


def test_every_example_voucher_code_passes_its_own_check(client):
    texts = [
        client.get("/api/v1/schema/?format=json").content.decode(),
        (ROOT / "docs" / "api.md").read_text(),
        (ROOT / "README.md").read_text(),
        Path(codes.__file__).read_text(),
    ]
    found = set().union(*(example_codes(text) for text in texts))
    assert found  # the docs do show a code
    for code in found:
        codes.parse(code)  # raises on a code that fails its check


def test_the_guide_lists_every_exception_reason():
    guide = (ROOT / "docs" / "api.md").read_text()
    missing = [r for r in ReconciliationException.Reason.values if f"`{r}`" not in guide]
    assert missing == []
