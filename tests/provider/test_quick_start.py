"""The quick start of docs/api.md, run as written against a live server, so the docs
cannot rot: the operator's command makes a test key, the shell steps (curl) check a
sandbox voucher, send a record and read it back, then the Python snippet does the same
with signing switched on. Each ends with a record redeemed for 617.25."""

import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from api.services.keys import set_signing
from api.services.sandbox import sandbox_of
from billing.models import UsageRecord
from tests import builders

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"```(sh|python)\n(.*?)```", re.DOTALL)
COMMAND = ".venv/bin/python manage.py "


@pytest.fixture(autouse=True)
def fixed_today():
    """The sandbox and the snippets use the real date: the server must too."""
    yield


def quick_start() -> dict[str, list[str]]:
    """The quick start's code blocks by language, in order."""
    text = GUIDE.read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = {"sh": [], "python": []}
    for language, code in BLOCK.findall(section):
        blocks[language].append(code)
    return blocks


def make_test_key(setup: str) -> str:
    """Runs the block's manage.py line (the operator's command) and returns the key it
    printed; the block's `export` line is what the test's environment does instead."""
    [line] = [line for line in setup.splitlines() if line.startswith(COMMAND)]
    out = io.StringIO()
    call_command(*shlex.split(line.removeprefix(COMMAND)), stdout=out)
    return re.search(r"^sk_test_\S+$", out.getvalue(), re.MULTILINE).group(0)


def run(command: list[str], env: dict) -> str:
    done = subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def redeemed(provider, record_id: str) -> tuple:
    record = UsageRecord.objects.get(provider=provider, record_id=record_id)
    return record.status, record.subsidy


@pytest.mark.skipif(shutil.which("curl") is None, reason="the quick start's shell steps use curl")
def test_the_quick_start_gets_a_first_subsidised_record(live_server):
    centre = builders.provider(slug="cd-icc")
    blocks = quick_start()
    setup, *steps = blocks["sh"]
    assert len(steps) == 3 and len(blocks["python"]) == 1
    env = {"BASE": live_server.url, "KEY": make_test_key(setup)}
    sandbox = sandbox_of(centre)

    outputs = [run(["bash", "-euo", "pipefail", "-c", step], env) for step in steps]

    assert '"status":"active"' in outputs[0] and '"remaining":"50000.00"' in outputs[0]
    assert '"status":"accepted"' in outputs[1]
    assert '"subsidy":"617.25"' in outputs[2] and '"status":"redeemed"' in outputs[2]
    assert redeemed(sandbox, "quickstart-1") == ("redeemed", Decimal("617.25"))

    _, secret = set_signing(provider=centre, required=True, by=None)
    python = run([sys.executable, "-c", blocks["python"][0]], {**env, "SIGNING_SECRET": secret})

    assert python.splitlines()[0] == "active 49382.75"
    assert python.splitlines()[-1] == "redeemed 617.25"
    assert redeemed(sandbox, "quickstart-python-1") == ("redeemed", Decimal("617.25"))
    assert not UsageRecord.objects.filter(provider=centre).exists()
