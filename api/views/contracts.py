"""GET /api/v1/contracts and POST /api/v1/contracts/{contract_number}/confirmation."""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.response import Response

from api.selectors import contract_for_provider, contracts_for_provider
from api.views.base import PAGE_PARAMETERS, Money, ProviderView, paginated, paginated_schema
from vouchers.models import Contract
from vouchers.services.contracts import answer_contract

STATUSES = [choice.value for choice in Contract.ProviderStatus]


class VoucherSummary(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    remaining = Money()


class ContractOutput(serializers.Serializer):
    contract_number = serializers.CharField(source="number")
    entity_name = serializers.CharField(source="entity.name")
    value = Money()
    service_start = serializers.DateField()
    service_end = serializers.DateField()
    status = serializers.ChoiceField(source="provider_status", choices=STATUSES)
    vouchers = serializers.SerializerMethodField()
    confirmed_value = Money(allow_null=True)
    confirmed_start = serializers.DateField(allow_null=True)
    confirmed_end = serializers.DateField(allow_null=True)
    note = serializers.CharField(source="provider_note")
    answered_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    @extend_schema_field(VoucherSummary(many=True))
    def get_vouchers(self, contract) -> list[dict]:
        voucher = getattr(contract, "voucher", None)
        return [] if voucher is None else [VoucherSummary(voucher).data]


CONTRACT_EXAMPLE = {
    "contract_number": "HT-2024-001",
    "entity_name": "成都星河智能科技有限公司",
    "value": "100000.00",
    "service_start": "2024-03-01",
    "service_end": "2024-12-31",
    "status": "confirmed",
    "vouchers": [{"code": "K7QM2XDP9RT4WB3N0", "status": "active", "remaining": "48765.50"}],
    "confirmed_value": "100000.00",
    "confirmed_start": "2024-03-01",
    "confirmed_end": "2024-12-31",
    "note": "",
    "answered_at": "2024-03-05T10:00:00+08:00",
    "updated_at": "2024-03-05T10:00:00+08:00",
}


class ContractList(ProviderView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=STATUSES, required=False)
        updated_since = serializers.DateTimeField(required=False)

    @extend_schema(
        operation_id="contracts_list",
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses=paginated_schema("PaginatedContracts", ContractOutput),
        examples=[
            OpenApiExample("A confirmed contract", value=CONTRACT_EXAMPLE, response_only=True)
        ],
    )
    def get(self, request):
        """The contracts applicants declared with this provider, least recently changed first.

        Filter by `status` (`declared`: waiting for your answer; `confirmed`; `disputed`) and by
        `updated_since` (an ISO 8601 time with its offset) to fetch only what changed since the
        last poll, or subscribe to the `contract.declared` webhook. Each contract lists its
        vouchers and what they have left.
        """
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        contracts = contracts_for_provider(self.provider)
        if "status" in filters.validated_data:
            contracts = contracts.filter(provider_status=filters.validated_data["status"])
        if "updated_since" in filters.validated_data:
            contracts = contracts.filter(updated_at__gte=filters.validated_data["updated_since"])
        return paginated(self, contracts, ContractOutput)


class ContractConfirmation(ProviderView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ContractConfirmation"

        confirmed = serializers.BooleanField()
        value = Money(required=False, allow_null=True, min_value=0)
        service_start = serializers.DateField(required=False, allow_null=True)
        service_end = serializers.DateField(required=False, allow_null=True)
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    @extend_schema(
        operation_id="contract_confirmation_create",
        request=InputSerializer,
        responses=ContractOutput,
        parameters=[OpenApiParameter("contract_number", str, OpenApiParameter.PATH)],
        examples=[
            OpenApiExample(
                "Confirm with the declared figures",
                value={"confirmed": True, "value": "100000.00", "note": ""},
                request_only=True,
            ),
            OpenApiExample(
                "Dispute",
                value={"confirmed": False, "note": "合同金额应为 80000 元 / the value is 80,000"},
                request_only=True,
            ),
            OpenApiExample("The contract, confirmed", value=CONTRACT_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request, contract_number):
        """Confirm or dispute a contract an applicant declared.

        `confirmed: true` with your own figures (`value`, `service_start`, `service_end`; left
        out, the applicant's stand): figures that differ are highlighted to the reviewers.
        `confirmed: false` disputes it; a `note` says why. A disputed contract is never
        subsidised. The contract number is matched however it was typed (case, full-width
        characters, look-alike dashes and letters). Answering again replaces the answer.
        """
        contract = contract_for_provider(self.provider, contract_number)
        answer = self.InputSerializer(data=request.data)
        answer.is_valid(raise_exception=True)
        contract = answer_contract(contract=contract, by=request.user, **_answer(answer))
        return Response(
            ContractOutput(contracts_for_provider(self.provider).get(pk=contract.pk)).data
        )


def _answer(answer) -> dict:
    data = answer.validated_data
    return {
        "confirmed": data["confirmed"],
        "value": data.get("value"),
        "service_start": data.get("service_start"),
        "service_end": data.get("service_end"),
        "note": data.get("note", ""),
    }
