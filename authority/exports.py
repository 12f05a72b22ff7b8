"""CSV and XLSX exports of the review queue and the vouchers: the rows the officer's
filters select (one query, read in chunks, whatever the number of rows), every cell
escaped against formula injection (config.csv_safe). CSV is streamed as UTF-8 with a BOM
for Excel; XLSX is written row by row in xlsxwriter's constant-memory mode to a temporary
file, which is then streamed (a zip's directory is written last, so it cannot go out as
it is made)."""

import json
import tempfile

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from config import csv_safe

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Every cell is text exactly as given: xlsxwriter must not turn a string into a formula,
# a number or a link on its own (safe_cell is the second lock on that door).
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
QUEUE_COLUMNS = (
    "application",
    "status",
    "entity",
    "credit_code",
    "programme",
    "provider",
    "contract_number",
    "contract_value",
    "entitlement",
    "industry",
    "region",
    "submitted_at",
)
VOUCHER_COLUMNS = (
    "code",
    "status",
    "entity",
    "credit_code",
    "programme",
    "provider",
    "face_value",
    "redeemed",
    "released",
    "remaining",
    "issued_on",
    "expires_on",
)


def queue_rows(applications):
    for row in applications.iterator(chunk_size=2000):
        yield {
            "application": row.pk,
            "status": row.status,
            "entity": row.entity.name,
            "credit_code": row.entity.credit_code,
            "programme": row.programme.code,
            "provider": row.contract.provider.name,
            "contract_number": row.contract.number,
            "contract_value": f"{row.contract.value:.2f}",
            "entitlement": f"{row.entitlement:.2f}",
            "industry": row.declaration.industry,
            "region": row.declaration.registered_region,
            "submitted_at": _moment(row.submitted_at),
        }


def voucher_rows(vouchers):
    for row in vouchers.iterator(chunk_size=2000):
        yield {
            "code": row.code,
            "status": row.status,
            "entity": row.entity.name,
            "credit_code": row.entity.credit_code,
            "programme": row.programme.code,
            "provider": row.provider.name,
            "face_value": f"{row.face_value:.2f}",
            "redeemed": f"{row.redeemed:.2f}",
            "released": f"{row.released:.2f}",
            "remaining": f"{row.remaining:.2f}",
            "issued_on": timezone.localtime(row.issued_at).date().isoformat(),
            "expires_on": row.expires_on.isoformat(),
        }


AUDIT_COLUMNS = (
    "event",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "programme",
    "before",
    "after",
)


def audit_rows(events):
    for row in events.iterator(chunk_size=2000):
        yield {
            "event": row.pk,
            "at": _moment(row.at),
            "actor": row.actor.get_username() if row.actor else "",
            "action": row.action,
            "object_type": row.object_type,
            "object_id": row.object_id,
            "programme": row.programme.code if row.programme else "",
            "before": _json(row.before),
            "after": _json(row.after),
        }


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


def _moment(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


class _Echo:
    """csv.writer writes into this and the stream gets each line back."""

    def write(self, value):
        return value


def streamed_csv(rows, *, columns, filename: str) -> StreamingHttpResponse:
    writer = csv_safe.DictWriter(_Echo(), fieldnames=columns)

    def lines():
        yield "\ufeff" + writer.writeheader()
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def streamed_xlsx(rows, *, columns, filename: str) -> FileResponse:
    # An anonymous temporary file, gone from the disk once closed: the response closes
    # it after the last byte is sent, so no `with` here.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook = xlsxwriter.Workbook(handle, XLSX_OPTIONS)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, columns)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, [csv_safe.safe_cell(row[column]) for column in columns])
    workbook.close()
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
