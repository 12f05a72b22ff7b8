"""OpenAPI pieces that no serializer describes: the bearer scheme, the usage batch (read
without serializers at run time, described here for the docs) and the CSV upload."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, inline_serializer
from rest_framework import serializers


class ProviderKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ProviderKeyAuthentication"
    name = "providerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A provider API key (`python manage.py create_provider_key <credit code>`). "
                "Providers with signing on also send `X-Signature: t=<unix seconds>,"
                "v2=<hex HMAC-SHA256(secret, canonical)>`, canonical being "
                '`t + "\\n" + METHOD + "\\n" + path + "\\n" + query + "\\n" + raw body` '
                "(method in capitals; path as sent, percent-encoded; the raw query string "
                "without `?`, empty if none; body byte for byte, empty for a GET). "
                "300 s tolerance; a signature is taken once (sign every request anew); "
                "`v1` is refused."
            ),
        }


_ERROR = inline_serializer(
    "RecordError",
    {
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "field": serializers.CharField(allow_null=True),
    },
    allow_null=True,
)

BATCH_REQUEST = inline_serializer(
    "UsageRecordBatch",
    {
        "records": inline_serializer(
            "UsageRecordIn",
            {
                "record_id": serializers.CharField(max_length=128),
                "contract_number": serializers.CharField(max_length=128),
                "period_start": serializers.DateTimeField(),
                "period_end": serializers.DateTimeField(),
                "sku": serializers.CharField(required=False, max_length=128),
                "description": serializers.CharField(required=False, max_length=500),
                "quantity": serializers.CharField(required=False, help_text='decimal, "12.5"'),
                "unit": serializers.CharField(required=False, max_length=32),
                "amount": serializers.CharField(
                    help_text="yuan before subsidy, up to 6 places, >= 0 (a FOCUS delta may be"
                    ' negative): "123.45"'
                ),
                "currency": serializers.ChoiceField(choices=["CNY"]),
                "corrects": serializers.CharField(
                    required=False, help_text="record_id of the record this one corrects"
                ),
                "ChargeClass": serializers.CharField(
                    required=False,
                    help_text="FOCUS: `Correction` makes a record naming `corrects` a delta of"
                    " that line's amount; without `corrects`, late usage (a new line)",
                ),
            },
            many=True,
        ),
    },
)

BATCH_RESPONSE = inline_serializer(
    "UsageRecordResults",
    {
        "results": inline_serializer(
            "UsageRecordResult",
            {
                "record_id": serializers.CharField(allow_null=True),
                "status": serializers.ChoiceField(choices=["accepted", "duplicate", "rejected"]),
                "error": _ERROR,
            },
            many=True,
        )
    },
)

IDEMPOTENCY = (
    "Any string up to 255 characters; a retry with the same key and body gets the first answer"
    " for at least 7 days."
)

USAGE_FILE_REQUEST = {
    "text/csv": OpenApiTypes.BINARY,
    "multipart/form-data": inline_serializer("UsageFileUpload", {"file": serializers.FileField()}),
}
USAGE_FILE_EXAMPLE = OpenApiExample(
    "A CSV of two records (the platform's column names)",
    request_only=True,
    media_type="text/csv",
    value=(
        "record_id,contract_number,period_start,period_end,sku,quantity,unit,amount,currency\n"
        "bill-2024-06-0001,HT-2024-001,2024-06-01T00:00:00+08:00,2024-06-01T23:59:59+08:00,"
        "gpu-a800-hour,24,hour,1234.50,CNY\n"
        "bill-2024-06-0002,HT-2024-001,2024-06-02T00:00:00+08:00,2024-06-02T23:59:59+08:00,"
        "gpu-a800-hour,12,hour,617.25,CNY\n"
    ),
)

BATCH_EXAMPLES = [
    OpenApiExample(
        "Two records",
        request_only=True,
        value={
            "records": [
                {
                    "record_id": "bill-2024-06-0001",
                    "contract_number": "HT-2024-001",
                    "period_start": "2024-06-01T00:00:00+08:00",
                    "period_end": "2024-06-01T23:59:59+08:00",
                    "sku": "gpu-a800-hour",
                    "description": "A800 GPU hours",
                    "quantity": "24",
                    "unit": "hour",
                    "amount": "1234.50",
                    "currency": "CNY",
                },
                {
                    "record_id": "bill-2024-06-0002",
                    "contract_number": "HT-2024-001",
                    "period_start": "2024-06-02T00:00:00+08:00",
                    "period_end": "2024-06-02T23:59:59+08:00",
                    "sku": "gpu-a800-hour",
                    "quantity": "24",
                    "unit": "hour",
                    "amount": "-5",
                    "currency": "CNY",
                },
            ]
        },
    ),
    OpenApiExample(
        "One accepted, one rejected",
        response_only=True,
        value={
            "results": [
                {"record_id": "bill-2024-06-0001", "status": "accepted", "error": None},
                {
                    "record_id": "bill-2024-06-0002",
                    "status": "rejected",
                    "error": {
                        "code": "out_of_range",
                        "message": "amount 不能为负数 / amount must be zero or more",
                        "field": "amount",
                    },
                },
            ]
        },
    ),
]


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "field"],
            "properties": {
                "code": {"type": "string", "example": "invalid_code"},
                "message": {
                    "type": "string",
                    "description": "in the language of Accept-Language (en or zh), else Chinese",
                    "example": "券码校验位不符",
                },
                "field": {"type": "string", "nullable": True, "example": "code"},
                "request_id": {
                    "type": "string",
                    "description": "the answer's X-Request-Id: quote it when asking for help",
                    "example": "4f1c2a9e0b7d4e55a3c8f6d2b1e09a77",
                },
            },
        }
    },
}


def add_error_responses(result, generator, request, public):
    """Every provider operation may answer 4XX in the one error shape (a spectacular
    postprocessing hook): providers code their error handling against it."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {
        "description": "error: 400 bad input, 401 key or signature, 404 not found or not "
        "yours, 405, 406, 413 too large, 415 media type, 422 idempotency key reused, "
        "429 throttled (with Retry-After). Every answer to a key carries RateLimit-Limit, "
        "RateLimit-Remaining and RateLimit-Reset (seconds).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for path, operations in result.get("paths", {}).items():
        if path.startswith("/api/v1/"):
            for operation in operations.values():
                operation["responses"].setdefault("4XX", error)
    return result
