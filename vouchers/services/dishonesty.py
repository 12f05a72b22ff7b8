"""The dishonesty (失信) list: an officer imports the CSV the credit authority publishes
(columns credit_code, listed_from, listed_until; dates as YYYY-MM-DD). The whole file is
checked first and every bad row reported by its line and column; a file with any bad
row stores nothing. A good file becomes a new dated version, which replaces the earlier
ones as the source of the `no_dishonesty` rule."""

import csv
import io
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Subquery

from accounts.validators import normalise_credit_code, validate_credit_code
from audit import actions
from audit import services as audit
from config.errors import DomainError, refuse_all
from vouchers.models import DishonestyList, DishonestyListing

COLUMNS = ("credit_code", "listed_from", "listed_until")
COLUMN_NAMES = {
    "credit_code": "统一社会信用代码",
    "listed_from": "列入日期",
    "listed_until": "移出日期",
}
MAX_BYTES = 20 * 1024 * 1024


def import_dishonesty_list(*, upload, by) -> DishonestyList:
    """Store the file as the newest version of the list, or refuse it whole."""
    listings = parse_listings(_text_of(upload))
    with transaction.atomic():
        version = DishonestyList.objects.create(imported_by=by, source_name=upload.name[:200])
        for listing in listings:
            listing.version = version
        DishonestyListing.objects.bulk_create(listings, batch_size=2000)
        audit.record(
            actor=by,
            action=actions.DISHONESTY_LIST_IMPORT,
            obj=version,
            after={"source_name": version.source_name, "listings": len(listings)},
        )
    return version


def listed_until(*, credit_code: str) -> date | None:
    """The end of the code's latest listing in the newest version (None if not listed,
    or if no list was ever imported)."""
    newest = DishonestyList.objects.order_by("-imported_at", "-pk").values("pk")[:1]
    found = DishonestyListing.objects.filter(version_id=Subquery(newest), credit_code=credit_code)
    return found.aggregate(until=Max("ends_on"))["until"]


def listed_until_by_code(*, credit_codes) -> dict[str, date]:
    """`listed_until` for many codes in one query (a queryset of codes is a subquery):
    code -> the end of its latest listing, for the codes listed at all."""
    newest = DishonestyList.objects.order_by("-imported_at", "-pk").values("pk")[:1]
    found = DishonestyListing.objects.filter(
        version_id=Subquery(newest), credit_code__in=credit_codes
    )
    latest = found.order_by().values("credit_code").annotate(until=Max("ends_on"))
    return dict(latest.values_list("credit_code", "until"))


def _text_of(upload) -> str:
    if upload.size > MAX_BYTES:
        raise DomainError(
            "file", "文件超过 20 MB", "the file is larger than 20 MB", code="too_large"
        )
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            "file", "文件不是 UTF-8 编码的 CSV", "the file is not a UTF-8 CSV", code="encoding"
        ) from exc


def parse_listings(text: str) -> list[DishonestyListing]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or ())]
    if missing:
        names = ", ".join(missing)
        raise DomainError("file", f"缺少列：{names}", f"missing columns: {names}", code="columns")
    listings, errors = [], []
    for row in reader:
        line = reader.line_num
        listing, refusals = _listing(row)
        listings.append(listing)
        errors += [_at(line, column, zh, en) for column, zh, en in refusals]
    if not listings and not errors:
        raise DomainError("file", "文件没有数据行", "the file has no rows", code="empty")
    refuse_all(errors)
    return listings


def _listing(row: dict) -> tuple[DishonestyListing, list[tuple[str, str, str]]]:
    refusals = []
    code = normalise_credit_code(row["credit_code"] or "")
    try:
        validate_credit_code(code)
    except ValidationError:
        refusals.append(("credit_code", "不是有效的统一社会信用代码", "is not a valid credit code"))
    starts, ends = (_date(row[column], column, refusals) for column in COLUMNS[1:])
    if starts and ends and ends < starts:
        refusals.append(("listed_until", "早于列入日期", "is before listed_from"))
    return DishonestyListing(credit_code=code, starts_on=starts, ends_on=ends), refusals


def _date(value, column: str, refusals: list) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        refusals.append((column, "应为 YYYY-MM-DD 格式的日期", "must be a date as YYYY-MM-DD"))
        return None


def _at(line: int, column: str, zh: str, en: str) -> DomainError:
    return DomainError(
        "file",
        f"第 {line} 行 {COLUMN_NAMES[column]}（{column}）{zh}",
        f"line {line}, {column}: {en}",
        code="row",
    )
