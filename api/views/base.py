"""What every provider endpoint shares: the key, the throttle, the error shape, JSON."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from api import errors
from api.authentication import ProviderKeyAuthentication, ProviderKeyThrottle, raw_body


class ProviderView(APIView):
    authentication_classes = [ProviderKeyAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [ProviderKeyThrottle]
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self):
        return errors.handle

    @property
    def provider(self):
        return self.request.user.provider

    def raw_body(self) -> bytes:
        return raw_body(self.request)


class Page(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def paginated(view: ProviderView, queryset, output):
    paginator = Page()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(output(page, many=True).data)


class Money(serializers.DecimalField):
    """Yuan as a decimal string with two places: "1234.50"."""

    default_error_messages = {"float": '金额须为字符串，如 "1234.50" / money is a decimal string'}

    def __init__(self, **kwargs):
        super().__init__(max_digits=16, decimal_places=2, coerce_to_string=True, **kwargs)

    def to_internal_value(self, data):
        # A JSON number is a float to most clients: the exact fen may already be lost.
        if isinstance(data, float | bool):
            self.fail("float")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "example": "0.50"})
class Rate(serializers.Field):
    """A fraction as a string with at least two places: "0.50", "0.125"."""

    def to_representation(self, value: Decimal) -> str:
        value = value.normalize()
        return str(value.quantize(Decimal("0.01")) if value.as_tuple().exponent > -2 else value)
