"""What every provider endpoint shares: the key, the throttle, the error shape, JSON."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from api import errors
from api.authentication import ProviderKeyAuthentication, raw_body
from api.throttle import ProviderKeyThrottle


class ProviderView(APIView):
    authentication_classes = [ProviderKeyAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [ProviderKeyThrottle]
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self):
        return errors.handle

    @errors.in_language_asked
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def handle_exception(self, exc):
        # Errors are JSON whatever the client asked for (a CSV of an error helps nobody).
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        rate_limit = getattr(request, "rate_limit", None)  # set by the throttle
        if rate_limit is not None:
            for name, value in rate_limit.headers().items():
                response[name] = value
        return response

    @property
    def provider(self):
        return self.request.user.provider

    def raw_body(self) -> bytes:
        return raw_body(self.request)


class Page(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="page number, from 1"),
    OpenApiParameter("page_size", int, description=f"at most {Page.max_page_size}; default 100"),
]


def paginated_schema(name: str, output):
    """The OpenAPI shape of `paginated(...)`: {"count", "next", "previous", "results"}."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": output(many=True),
        },
    )


def paginated(view: ProviderView, queryset, output):
    paginator = Page()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(output(page, many=True).data)


class Money(serializers.DecimalField):
    """Yuan as a decimal string with two places: "1234.50"."""

    # Translated when raised, in the language the client asked for (api/errors.py).
    default_error_messages = {
        "float": _('money is a decimal string such as "1234.50", not a JSON number')
    }

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
