"""Recent authentication: a money action needs a password typed a few minutes ago.

A login (or a password confirmation) stamps the session with the time; views that move
money or change a status are wrapped in `recent_login_required`, which sends anyone whose
stamp is older than `settings.WEB_RECENT_LOGIN_MINUTES` to confirm their password first,
then back to the page they came from. An htmx request is redirected with `HX-Redirect`
so the whole page changes rather than a fragment.

A password typed again (the confirmation, the password change) is checked like a
sign-in, through `authenticate`, so django-axes counts a wrong one against the same
(username, address) pair and refuses a pair that is locked out.
"""

from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode, urlsplit

from axes.helpers import get_client_ip_address
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "web_authenticated_at"


def mark_authenticated(request) -> None:
    request.session[SESSION_KEY] = timezone.now().timestamp()


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_authenticated(request)


def password_is_right(request, password: str) -> bool:
    """Whether `password` is the signed-in user's, counted by axes like a sign-in (a
    locked-out pair gets False, and the lock-out page from AxesMiddleware); the right
    one clears the pair's count, as a successful sign-in does (AXES_RESET_ON_SUCCESS)."""
    username = request.user.get_username()
    user = authenticate(request, username=username, password=password)
    if user is None or user.pk != request.user.pk:
        return False
    axes_reset(ip=get_client_ip_address(request), username=username)
    return True


def is_recent(request) -> bool:
    stamp = request.session.get(SESSION_KEY)
    if stamp is None:
        return False
    age = timezone.now().timestamp() - stamp
    return age <= timedelta(minutes=settings.WEB_RECENT_LOGIN_MINUTES).total_seconds()


def safe_next(request, candidate: str | None, fallback: str = "/") -> str:
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if candidate and allowed else fallback


def _return_to(request) -> str:
    # A POST cannot be replayed after the detour: return to the page the form was on.
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = safe_next(request, request.headers.get("referer"))
    page = urlsplit(referer)
    return f"{page.path}?{page.query}" if page.query else page.path


def recent_login_required(view):
    """Wrap a view (function) so it runs only after a recent password entry."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if is_recent(request):
            return view(request, *args, **kwargs)
        url = f"{reverse('confirm_password')}?{urlencode({'next': _return_to(request)})}"
        if getattr(request, "htmx", False):
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return HttpResponseRedirect(url)

    return wrapper


class RecentLoginRequiredMixin:
    """The same guard for class-based views."""

    @classmethod
    def as_view(cls, **initkwargs):
        return recent_login_required(super().as_view(**initkwargs))
