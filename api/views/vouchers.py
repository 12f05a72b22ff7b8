"""GET /api/v1/vouchers/{code}: a provider checks a voucher before it sells."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.errors import ApiError
from api.selectors import voucher_for_provider
from api.views.base import Money, ProviderView, Rate
from config.errors import DomainError
from vouchers.services import codes

EXAMPLE = {
    "code": "K7QM2XDP9RT4WB3N0",
    "status": "active",
    "entity_name": "成都星河智能科技有限公司",
    "entity_credit_code": "91510100MA6CGUT70D",
    "programme": "chengdu-2024",
    "face_value": "50000.00",
    "redeemed": "1234.50",
    "remaining": "48765.50",
    "subsidy_rate": "0.50",
    "valid_from": "2024-06-01",
    "valid_until": "2025-05-31",
    "contract_numbers": ["HT-2024-001"],
}


class VoucherDetail(ProviderView):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "Voucher"

        code = serializers.CharField()
        status = serializers.ChoiceField(
            choices=["public_notice", "active", "exhausted", "expired", "revoked"]
        )
        entity_name = serializers.CharField(source="entity.name")
        entity_credit_code = serializers.CharField(source="entity.credit_code")
        programme = serializers.CharField(source="programme.code")
        face_value = Money()
        redeemed = Money()
        remaining = Money()
        subsidy_rate = Rate(source="rate")
        valid_from = serializers.DateField()
        valid_until = serializers.DateField(source="expires_on")
        contract_numbers = serializers.SerializerMethodField()

        def get_contract_numbers(self, voucher) -> list[str]:
            return [voucher.contract.number]

    @extend_schema(
        operation_id="voucher_retrieve",
        responses=OutputSerializer,
        examples=[OpenApiExample("An active voucher", value=EXAMPLE, response_only=True)],
    )
    def get(self, request, code):
        """Check a voucher before selling compute against it.

        The code is checked (16 letters or digits and an ISO 7064 MOD 37-2 check character;
        spaces, hyphens and lower case are accepted) before any lookup: a mistyped code is
        400 `invalid` on field `code`. A voucher of another provider is 404, as is an unknown
        one. `remaining` is what the voucher can still subsidise; sell against it only while
        `status` is `active` and today is within `valid_from`..`valid_until`.
        """
        try:
            # Checked before any lookup: a mistyped code never reaches the database.
            code = codes.parse(code)
        except DomainError as exc:
            raise ApiError("invalid_code", exc.message, field="code") from exc
        voucher = voucher_for_provider(self.provider, code)
        return Response(self.OutputSerializer(voucher).data)
