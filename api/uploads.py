"""A usage file's bytes, streamed from the request to billing's store in chunks: as the
raw body (`Content-Type: text/csv`) or as the multipart field `file`. Never held whole.

When the provider signs its requests, the HMAC is fed the raw body as it streams by (for
multipart, the whole multipart body, as sent) and checked before the file is queued.
"""

from collections.abc import Iterator

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser, MultiPartParserError

from api.errors import ApiError, PayloadTooLarge
from config.errors import bilingual

CHUNK = 64 * 1024
CSV_TYPES = ("text/csv", "application/csv")


class _Tap:
    """A read()-able stream that counts the bytes it passes and feeds the signature."""

    def __init__(self, stream, signature):
        self.stream, self.signature, self.size = stream, signature, 0

    def read(self, size=-1) -> bytes:
        chunk = self.stream.read(size)
        self.size += len(chunk)
        if self.size > settings.API_MAX_USAGE_FILE_BYTES:
            raise PayloadTooLarge()
        if self.signature is not None:
            self.signature.update(chunk)
        return chunk

    def drain(self) -> None:
        while self.read(CHUNK):
            pass


def upload_chunks(request, signature) -> tuple[Iterator[bytes], str]:
    """(the file's chunks, its name) from a DRF request; 415 for another content type."""
    django_request = request._request
    # WSGI bodies come with their length: refuse an oversized one before writing a byte.
    if _declared_length(django_request) > settings.API_MAX_USAGE_FILE_BYTES:
        raise PayloadTooLarge()
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    tap = _Tap(django_request, signature)
    if content_type in CSV_TYPES:
        return _raw(tap), ""
    if content_type == "multipart/form-data":
        return _multipart(django_request, tap)
    raise ApiError(
        "unsupported_media_type",
        "请以 text/csv 或 multipart/form-data（字段 file）上传 / "
        "send text/csv or multipart/form-data with a field named file",
        status_code=415,
    )


def _declared_length(django_request) -> int:
    try:
        return int(django_request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _raw(tap: _Tap) -> Iterator[bytes]:
    while chunk := tap.read(CHUNK):
        yield chunk


def _multipart(django_request, tap: _Tap) -> tuple[Iterator[bytes], str]:
    # On disk from the first byte: no in-memory handler, whatever the file's size.
    handlers = [TemporaryFileUploadHandler(django_request)]
    try:
        _, files = MultiPartParser(
            django_request.META, tap, handlers, django_request.encoding
        ).parse()
    except MultiPartParserError as exc:
        raise ApiError(
            "invalid_multipart", bilingual(f"multipart 格式错误：{exc}", f"bad multipart: {exc}")
        ) from exc
    tap.drain()
    upload = files.get("file")
    if upload is None:
        raise ApiError(
            "required", bilingual("缺少文件字段 file", "the field file is missing"), field="file"
        )
    # Only for display; a control character (NUL above all) has no place in it.
    return upload.chunks(CHUNK), "".join(ch for ch in upload.name or "" if ch.isprintable())
