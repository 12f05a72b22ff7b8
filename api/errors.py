"""Every API error as `{"error": {"code", "message", "field"}}` with its HTTP status.

DRF's own errors (401, 403, 404, 405, 406, 415, 429, parse errors), serializer
validation errors, the services' `DomainError` and Django's `ValidationError` all come
out in this one shape; `field` is null when no single field is to blame.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "请求体过大 / the request body is too large"
    default_code = "payload_too_large"


class ApiError(exceptions.APIException):
    """An error whose code, field and status the view chooses."""

    def __init__(self, code: str, message: str, *, field=None, status_code=400):
        self.status_code, self.field = status_code, field
        super().__init__(message, code)


def body(code: str, message: str, field=None) -> dict:
    return {"error": {"code": code, "message": str(message), "field": field}}


def handle(exc, context):
    """The REST_FRAMEWORK EXCEPTION_HANDLER."""
    if isinstance(exc, DomainError):
        return Response(body(exc.code, exc.message, exc.field), status=400)
    if isinstance(exc, DjangoValidationError):
        return _validation(exceptions.ValidationError(_django_detail(exc)))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到 / not found")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.ValidationError):
        return _validation(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    field = getattr(exc, "field", None)
    response.data = body(getattr(exc.detail, "code", None) or exc.default_code, detail, field)
    return response


def _validation(exc: exceptions.ValidationError) -> Response:
    field, detail = _first_error(exc.detail)
    return Response(body(getattr(detail, "code", "invalid"), detail, field), status=400)


def _first_error(detail, path=()):
    """The first error of a (nested) serializer's detail, with the dotted field path."""
    if isinstance(detail, dict):
        name, inner = next(iter(detail.items()))
        if name == "non_field_errors":
            return _first_error(inner, path)
        return _first_error(inner, (*path, str(name)))
    if isinstance(detail, list):
        for index, inner in enumerate(detail):
            if inner:
                nested = (*path, str(index)) if isinstance(inner, dict | list) else path
                return _first_error(inner, nested)
    return (".".join(path) or None), detail


def _django_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            field: [e.message % (e.params or {}) for e in errs]
            for field, errs in exc.error_dict.items()
        }
    return list(exc.messages)


def not_found(request, *args, **kwargs):
    """Any unknown address under /api/v1/ answers in the API's shape, not an HTML page."""
    return JsonResponse(body("not_found", "未找到 / not found"), status=404)
