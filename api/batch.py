"""POST /api/v1/usage-records: a batch of at most MAX_RECORDS records, answered one
result per record, in order.

The hot path of the API: the body is decoded once (msgspec), validated in bulk
(billing.records) and stored set-wise (billing.ingest), with no serializer per record.
Only a body that is not a JSON object with a `records` list of at most MAX_RECORDS is
refused whole; otherwise good records are kept whatever their neighbours.
"""

import msgspec
from django.db import transaction

from api.errors import ApiError
from billing.ingest import CONFLICT, ingest_records
from billing.records import parse_records
from config.errors import bilingual

MAX_RECORDS = 1000
# The largest body of a batch: MAX_RECORDS valid records, every text field at its longest
# in Chinese sent as json.dumps writes it by default (each character a six-byte escape
# such as \u4e2d), take about 6.7 MB; the site-wide 2.5 MB (DATA_UPLOAD_MAX_MEMORY_SIZE) would
# refuse a valid batch.
MAX_BATCH_BYTES = 8 * 1024 * 1024
REJECTED = "rejected"
_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()
CONFLICT_ERROR = {
    "code": CONFLICT,
    "message": "记录编号已存在且内容不同，原记录保留 / "
    "a known record_id with different content: the original stands",
    "field": "record_id",
}


def records_of(body: bytes) -> list:
    try:
        document = _decoder.decode(body)
    except msgspec.DecodeError as exc:
        raise ApiError(
            "invalid_json", bilingual(f"请求体不是 JSON：{exc}", f"the body is not JSON: {exc}")
        ) from exc
    records = document.get("records") if isinstance(document, dict) else None
    if not isinstance(records, list):
        raise ApiError(
            "required",
            bilingual('请求体须为 {"records": [...]}', 'the body must be {"records": [...]}'),
            field="records",
        )
    if len(records) > MAX_RECORDS:
        raise ApiError(
            "too_many_records",
            bilingual(
                f"每批最多 {MAX_RECORDS} 条记录，本批 {len(records)} 条",
                f"at most {MAX_RECORDS} records a batch, this one has {len(records)}",
            ),
            field="records",
        )
    return records


def ingest_batch(*, provider, body: bytes) -> tuple[int, bytes]:
    """(200, the encoded results) for a batch; raises ApiError if refused whole."""
    raw = records_of(body)
    records, errors = parse_records(raw)
    with transaction.atomic():
        statuses = iter(
            ingest_records(provider=provider, records=[r for r in records if r is not None])
        )
    results = [
        _result(item, record, error, statuses)
        for item, record, error in zip(raw, records, errors, strict=True)
    ]
    return 200, _encoder.encode({"results": results})


def _result(item, record, error, statuses) -> dict:
    if record is None:
        record_id = item.get("record_id") if isinstance(item, dict) else None
        return {
            "record_id": record_id if isinstance(record_id, str) else None,
            "status": REJECTED,
            "error": {"code": error.code, "message": error.message, "field": error.field},
        }
    status = next(statuses)
    if status == CONFLICT:
        return {"record_id": record.record_id, "status": REJECTED, "error": CONFLICT_ERROR}
    return {"record_id": record.record_id, "status": status, "error": None}
