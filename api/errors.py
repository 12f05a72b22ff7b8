"""Every API error as `{"error": {"code", "message", "field"}}` with its HTTP status.

DRF's own errors (401, 403, 404, 405, 406, 415, 429, parse errors), serializer
validation errors, the services' `DomainError` and Django's `ValidationError` all come
out in this one shape; `field` is null when no single field is to blame, and
`request_id` repeats the answer's X-Request-Id header (api/middleware.py).

Language: the message is in the language the client asked for with `Accept-Language`
(en or zh), Chinese when it asks for neither (api/middleware.py): DRF's own messages
(401, 403, 405, 406, 415, 429, field and filter errors) through its translations, the
API's own field messages through the site's, and the platform's bilingual messages
(`Bilingual`: DomainError, ApiError, the key and signature refusals) by their half.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import translation
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import Bilingual, DomainError, bilingual

NOT_FOUND = bilingual("未找到", "not found")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    bilingual = bilingual("请求体过大", "the request body is too large")
    default_detail = str(bilingual)
    default_code = "payload_too_large"


class ApiError(exceptions.APIException):
    """An error whose code, field and status the view chooses. A `Bilingual` message
    answers in the language asked (DRF keeps only the text, so it is kept here)."""

    def __init__(self, code: str, message: str, *, field=None, status_code=400):
        self.status_code, self.field = status_code, field
        if isinstance(message, Bilingual):
            self.bilingual = message
        super().__init__(message, code)


def say(message, request=None) -> str:
    """The message in the language the request asked for (see the module's docstring)."""
    if not isinstance(message, Bilingual):
        return str(message)
    return message.en if getattr(request, "api_language", None) == "en" else message.zh


def body(code: str, message: str, field=None, request=None) -> dict:
    error = {"code": code, "message": say(message, request), "field": field}
    error["request_id"] = getattr(request, "request_id", None)
    return {"error": error}


def authentication_failed(message: Bilingual, code: str) -> exceptions.AuthenticationFailed:
    """A 401 that keeps both halves of its message (DRF keeps only the text)."""
    exc = exceptions.AuthenticationFailed(message, code=code)
    exc.bilingual = message
    return exc


def handle(exc, context):
    """The REST_FRAMEWORK EXCEPTION_HANDLER."""
    request = context.get("request")
    if isinstance(exc, DomainError):
        return Response(body(exc.code, exc.message, exc.field, request), status=400)
    if isinstance(exc, DjangoValidationError):
        return _validation(exceptions.ValidationError(_django_detail(exc)), request)
    if isinstance(exc, RequestDataTooBig):  # a parser read past DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = ApiError("not_found", NOT_FOUND, status_code=404)
    elif isinstance(exc, DjangoPermissionDenied):
        message = exc.args[0] if exc.args else None
        exc = exceptions.PermissionDenied(str(message) if message else None)
        exc.bilingual = message if isinstance(message, Bilingual) else None
    if isinstance(exc, exceptions.ValidationError):
        return _validation(exc, request)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "bilingual", None) or (
        exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    )
    code = getattr(exc.detail, "code", None) or exc.default_code
    response.data = body(code, detail, getattr(exc, "field", None), request)
    return response


def _validation(exc: exceptions.ValidationError, request) -> Response:
    field, detail = _first_error(exc.detail)
    return Response(body(getattr(detail, "code", "invalid"), detail, field, request), status=400)


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
    return JsonResponse(body("not_found", NOT_FOUND, request=request), status=404)


def in_language_asked(dispatch):
    """Wraps a view's dispatch: DRF's own messages (built inside it) in the language the
    client asked for; LocaleMiddleware has set the site's language by then."""

    def wrapped(view, request, *args, **kwargs):
        with translation.override(getattr(request, "api_language", None) or "zh-hans"):
            return dispatch(view, request, *args, **kwargs)

    return wrapped
