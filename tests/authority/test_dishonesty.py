"""The dishonesty (失信) list: an officer's import is a dated version, whole or refused
whole with every bad row named by line and column; the newest version is what the
`no_dishonesty` rule reads."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit import actions
from audit.models import AuditEvent
from config.errors import DomainError, DomainErrors
from tests import builders
from vouchers.demo.world import CHENGDU_RULES
from vouchers.models import DishonestyList, DishonestyListing
from vouchers.services.dishonesty import import_dishonesty_list, listed_until
from vouchers.services.evaluation import evaluate_application

HEADER = "credit_code,listed_from,listed_until"
NO_DISHONESTY = {"kind": "no_dishonesty", "years": 3}


def upload(*lines: str, name="list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join((HEADER, *lines)).encode("utf-8-sig"))


@pytest.fixture
def listed(db):
    return builders.entity(name="成都失信科技有限公司")


def test_a_good_file_is_a_new_version_with_its_listings(listed, carol):
    version = import_dishonesty_list(
        upload=upload(f"{listed.credit_code},2024-01-01,2025-06-30"), by=carol
    )
    assert list(version.listings.values_list("credit_code", "starts_on", "ends_on")) == [
        (listed.credit_code, date(2024, 1, 1), date(2025, 6, 30))
    ]
    assert listed_until(credit_code=listed.credit_code) == date(2025, 6, 30)
    event = AuditEvent.objects.get(action=actions.DISHONESTY_LIST_IMPORT)
    assert (event.actor, event.after["listings"]) == (carol, 1)


def test_bad_rows_are_named_by_line_and_column_and_nothing_is_stored(listed, carol):
    bad = upload(
        f"{listed.credit_code},2024-01-01,2025-06-30",
        "91510100MA000000X0,2024-01-01,2025-06-30",
        f"{listed.credit_code},2024-13-01,2025-06-30",
        f"{listed.credit_code},2025-01-01,2024-06-30",
    )
    with pytest.raises(DomainErrors) as refused:
        import_dishonesty_list(upload=bad, by=carol)
    messages = [error.en for error in refused.value.errors]
    assert messages == [
        "line 3, credit_code: is not a valid credit code",
        "line 4, listed_from: must be a date as YYYY-MM-DD",
        "line 5, listed_until: is before listed_from",
    ]
    assert refused.value.errors[0].zh.startswith("第 3 行 统一社会信用代码")
    assert not DishonestyList.objects.exists()
    assert not DishonestyListing.objects.exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"code,from,until\n1,2,3", "columns"),
        (HEADER.encode(), "empty"),
        ("credit_code,listed_from,listed_until\n失信".encode("gbk"), "encoding"),
    ],
)
def test_a_file_that_is_not_the_list_is_refused(carol, content, code):
    with pytest.raises(DomainError) as refused:
        import_dishonesty_list(upload=SimpleUploadedFile("list.csv", content), by=carol)
    assert (refused.value.field, refused.value.code) == ("file", code)
    assert not DishonestyList.objects.exists()


def test_a_re_import_replaces_the_earlier_version(listed, carol):
    other = builders.entity(name="成都守信科技有限公司")
    import_dishonesty_list(upload=upload(f"{listed.credit_code},2024-01-01,2030-12-31"), by=carol)
    import_dishonesty_list(upload=upload(f"{other.credit_code},2024-01-01,2030-12-31"), by=carol)
    assert DishonestyList.objects.count() == 2
    assert listed_until(credit_code=listed.credit_code) is None
    assert listed_until(credit_code=other.credit_code) == date(2030, 12, 31)


def test_no_list_imported_means_nobody_is_listed(listed):
    assert listed_until(credit_code=listed.credit_code) is None


def judged(application) -> bool:
    """The no_dishonesty rule's verdict on the application as its facts are read now."""
    evaluation = evaluate_application(application, today=timezone.localdate())
    (result,) = [r for r in evaluation.results if r.kind == "no_dishonesty"]
    return result.passed


@pytest.fixture
def beijing_like(chengdu, alice, centre):
    """A programme that refuses anyone listed in the last 3 years, as Beijing's does."""
    rules = {**CHENGDU_RULES, "rules": [*CHENGDU_RULES["rules"], NO_DISHONESTY]}
    return builders.programme(authority=chengdu, manager=alice, providers=[centre], rules=rules)


def test_the_rule_reads_the_newest_version(beijing_like, listed, centre, carol):
    application = builders.submitted_application(
        programme=beijing_like, entity=listed, provider=centre
    )
    other = builders.entity(name="成都另一科技有限公司")
    last_year = timezone.localdate() - timedelta(days=365)
    assert judged(application)
    import_dishonesty_list(upload=upload(f"{listed.credit_code},2020-01-01,{last_year}"), by=carol)
    assert not judged(application)
    import_dishonesty_list(upload=upload(f"{other.credit_code},2020-01-01,{last_year}"), by=carol)
    assert judged(application)
