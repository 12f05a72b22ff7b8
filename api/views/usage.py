"""Usage in: POST /api/v1/usage-records (JSON batches), POST /api/v1/usage-files (CSV);
and what became of it: GET /api/v1/usage-records, GET /api/v1/usage-files/{id}."""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from api import schema
from api.authentication import invalid_signature, verify_once
from api.batch import MAX_BATCH_BYTES, ingest_batch
from api.services import sandbox
from api.services.idempotency import first_answer, request_hash
from api.signing import SignatureError
from api.tasks import process_sandbox_file
from api.uploads import upload_chunks
from api.views.base import PAGE_PARAMETERS, Money, ProviderView, paginated, paginated_schema
from billing.models import UsageFile, UsageRecord
from billing.tasks import process_usage_file
from billing.usage_files import store_upload
from vouchers.contract_numbers import number_key

RECORD_EXAMPLE = {
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {
            "record_id": "bill-2024-06-0001",
            "contract_number": "HT-2024-001",
            "amount": "1234.50",
            "status": "redeemed",
            "voucher_code": "K7QM2XDP9RT4WB3N0",
            "subsidy": "617.25",
            "exception": None,
            "period_start": "2024-06-01T00:00:00+08:00",
            "period_end": "2024-06-01T23:59:59+08:00",
            "received_at": "2024-06-02T01:00:00+08:00",
            "reconciled_at": "2024-06-02T01:10:00+08:00",
        }
    ],
}
FILE_EXAMPLE = {
    "id": 42,
    "status": "done",
    "rows_total": 3,
    "rows_accepted": 2,
    "rows_rejected": 1,
    "errors": [
        {
            "row": 3,
            "field": "amount",
            "code": "out_of_range",
            "message": "amount 不能为负数 / amount must be zero or more",
        }
    ],
    "created_at": "2024-06-02T01:00:00+08:00",
    "finished_at": "2024-06-02T01:00:04+08:00",
}


class UsageRecords(ProviderView):
    # The batch reads its body itself, once: no DRF parser, no serializer per record.
    parser_classes = []
    max_body_bytes = MAX_BATCH_BYTES

    class FilterSerializer(serializers.Serializer):
        contract_number = serializers.CharField(required=False, max_length=128)
        since = serializers.DateTimeField(required=False)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "UsageRecord"

        record_id = serializers.CharField()
        contract_number = serializers.CharField()
        amount = Money()
        status = serializers.ChoiceField(choices=UsageRecord.Status.values)
        voucher_code = serializers.CharField(source="voucher.code", allow_null=True, default=None)
        subsidy = Money(allow_null=True)
        exception = serializers.CharField(allow_null=True)
        period_start = serializers.DateTimeField()
        period_end = serializers.DateTimeField()
        received_at = serializers.DateTimeField()
        reconciled_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(
        operation_id="usage_records_list",
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses=paginated_schema("PaginatedUsageRecords", OutputSerializer),
        examples=[OpenApiExample("A redeemed record", value=RECORD_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        """What became of your usage records: `status` is `pending` (not yet reconciled),
        `redeemed` (with the `subsidy` it earned and the `voucher_code`), `exception` (the
        `exception` reason, waiting for a reviewer) or `rejected`.

        Filter by `contract_number` (matched however it was typed) and by `since` (records
        received or reconciled at or after that time). Reconciliation runs every 10 minutes;
        records sent with a test key (`sk_test_...`, the sandbox) are reconciled at once.
        """
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        records = UsageRecord.objects.filter(provider=self.provider).select_related("voucher")
        if number := filters.validated_data.get("contract_number"):
            records = records.filter(contract_key=number_key(number))
        if since := filters.validated_data.get("since"):
            records = records.filter(Q(received_at__gte=since) | Q(reconciled_at__gte=since))
        return paginated(self, records.order_by("pk"), self.OutputSerializer)

    @extend_schema(
        operation_id="usage_records_create",
        request={"application/json": schema.BATCH_REQUEST},
        responses={200: schema.BATCH_RESPONSE},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key", str, OpenApiParameter.HEADER, description=schema.IDEMPOTENCY
            )
        ],
        examples=schema.BATCH_EXAMPLES,
    )
    def post(self, request):
        """Send a batch of up to 1,000 usage records (a JSON body of at most 8 MiB).

        Each record gets its own result, in order: `accepted`, `duplicate` (the same record_id
        with the same content: nothing changes), `conflict` (the same record_id with other
        content: the original stands) or `rejected` with the field and reason. Good records are
        kept whatever their neighbours. A correction names the record it corrects in
        `corrects` and carries the new total amount; with `ChargeClass` `Correction` (FOCUS)
        it carries the change instead, negative or positive. Amounts take up to six places.
        Send an `Idempotency-Key` to retry a batch safely: the first answer is replayed for
        7 days.
        """
        if (request.content_type or "").split(";")[0].strip().lower() != "application/json":
            raise exceptions.UnsupportedMediaType(request.content_type or "")
        body = self.raw_body()
        status, answer, replayed = first_answer(
            provider=self.provider,
            key=request.META.get("HTTP_IDEMPOTENCY_KEY"),
            fingerprint=request_hash(b"POST", request.path.encode(), body),
            run=lambda: ingest_batch(provider=self.provider, body=body),
        )
        if request.user.is_test:
            # The sandbox reconciles at once, so a first record's subsidy reads back now.
            sandbox.reconcile_now(self.provider)
        response = HttpResponse(answer, status=status, content_type="application/json")
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class UsageFiles(ProviderView):
    # The file is streamed to disk by api.uploads; the request's signature, if any, is
    # checked as it streams (api.authentication).
    parser_classes = []
    streams_body = True

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "UsageFileQueued"

        id = serializers.IntegerField()
        status = serializers.ChoiceField(choices=UsageFile.Status.values)

    @extend_schema(
        operation_id="usage_files_create",
        request=schema.USAGE_FILE_REQUEST,
        responses={202: OutputSerializer},
        examples=[
            schema.USAGE_FILE_EXAMPLE,
            OpenApiExample(
                "Queued",
                value={"id": 42, "status": "queued"},
                response_only=True,
                status_codes=["202"],
            ),
        ],
    )
    def post(self, request):
        """Upload a CSV of usage records (`text/csv` as the body, or multipart field `file`),
        up to 2 GiB; answered 202 with the job to poll, or wait for the
        `usage_file.finished` webhook.

        The first line names the columns (the platform's names or FOCUS's, see the guide);
        each row is one record, checked like a batch record. Row errors are listed on the
        job with their line number; good rows are kept.
        """
        signature = getattr(request, "body_signature", None)
        with transaction.atomic():
            chunks, name = upload_chunks(request, signature)
            usage_file = store_upload(
                provider=self.provider, chunks=chunks, original_name=name, by=request.user
            )
            if signature is not None:
                _verify_or_discard(signature, usage_file)
            # A test key's file is reconciled as soon as it is read (the sandbox's promise).
            task = process_sandbox_file if request.user.is_test else process_usage_file
            transaction.on_commit(lambda: task.delay(usage_file.pk))
        return Response(self.OutputSerializer(usage_file).data, status=202)


def _verify_or_discard(signature, usage_file: UsageFile) -> None:
    try:
        verify_once(signature)
    except SignatureError as exc:
        (Path(settings.USAGE_FILE_ROOT) / usage_file.path).unlink(missing_ok=True)
        raise invalid_signature(exc) from exc


class UsageFileDetail(ProviderView):
    class OutputSerializer(serializers.Serializer):
        class RowError(serializers.Serializer):
            class Meta:
                ref_name = "UsageFileRowError"

            row = serializers.IntegerField(allow_null=True)
            field = serializers.CharField(allow_null=True)
            code = serializers.CharField()
            message = serializers.CharField()

        class Meta:
            ref_name = "UsageFile"

        id = serializers.IntegerField()
        status = serializers.ChoiceField(choices=UsageFile.Status.values)
        rows_total = serializers.IntegerField()
        rows_accepted = serializers.IntegerField()
        rows_rejected = serializers.IntegerField()
        errors = RowError(many=True)
        created_at = serializers.DateTimeField()
        finished_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(
        operation_id="usage_file_retrieve",
        responses=OutputSerializer,
        examples=[OpenApiExample("Done, one row refused", value=FILE_EXAMPLE, response_only=True)],
    )
    def get(self, request, file_id: int):
        """A usage file's job: `queued`, `running`, then `done` (with the counts of rows
        accepted and rejected, and each rejected row's line, field, code and message) or
        `failed` (the file could not be read at all: its error is the one row-less entry)."""
        usage_file = UsageFile.objects.filter(provider=self.provider, pk=file_id).first()
        if usage_file is None:
            raise Http404("no such usage file")
        return Response(self.OutputSerializer(usage_file).data)
