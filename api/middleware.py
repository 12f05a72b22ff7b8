"""For every request under /api/: a request id and the language the client asked for.

Runs before web.middleware.ChineseFirstMiddleware, which drops Accept-Language so that
the site stays Chinese for browsers; an API client asks for its language on purpose, so
the header is read here first. The API's views answer in `request.api_language`:
"en" or "zh-hans" as asked, Chinese when the header asks for neither (see api/errors.py).

`X-Request-Id` echoes a sane incoming id (a proxy's or the client's, up to 64 letters,
digits and ._:-) or a new one, on every answer; error bodies carry it too, so a provider
quoting it lets the operator find the request in the logs.
"""

import re
import uuid

from django.utils.translation.trans_real import parse_accept_lang_header

SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# The platform's own language: a client that asks for neither English nor Chinese reads
# Chinese, like every page of the site.
DEFAULT_LANGUAGE = "zh-hans"


class ApiRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        asked = language_asked(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        request.api_language = asked or DEFAULT_LANGUAGE
        response = self.get_response(request)
        response["X-Request-Id"] = request.request_id
        return response


def language_asked(header: str) -> str | None:
    """ "en" or "zh-hans", whichever the header prefers first; None if it names neither."""
    for language, _quality in parse_accept_lang_header(header):
        tag = language.lower()
        if tag == "en" or tag.startswith("en-"):
            return "en"
        if tag == "zh" or tag.startswith("zh-"):
            return "zh-hans"
    return None
