"""Chinese first: the site speaks zh-hans until the visitor picks English.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a government
officer on an English-language browser would land on an English site. The platform's
default is Chinese (issue 8); the visitor's own choice, remembered in the language cookie
by the switch in the menu, is the only thing that changes it. Django has no setting to
ignore the header, so this drops it before LocaleMiddleware reads the request.
"""


class ChineseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
