"""The site's own pages: home, sign-in and password pages, language, public board.

Auth URL names are Django's own (`login`, `logout`, `password_change`, …) without a
namespace, so Django's views and e-mails find them; the board is `public:`.
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from web.forms import LoginForm
from web.views import account, home


def _auth(view, template, **kwargs):
    return view.as_view(template_name=f"web/auth/{template}.html", **kwargs)


urlpatterns = [
    path("", home.home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "accounts/login/",
        _auth(auth_views.LoginView, "login", authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/confirm/", account.confirm_password, name="confirm_password"),
    path(
        "accounts/password/change/",
        account.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        _auth(auth_views.PasswordChangeDoneView, "password_change_done"),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        _auth(
            auth_views.PasswordResetView,
            "password_reset",
            email_template_name="web/auth/password_reset_email.txt",
            subject_template_name="web/auth/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        _auth(auth_views.PasswordResetDoneView, "password_reset_done"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        _auth(auth_views.PasswordResetConfirmView, "password_reset_confirm"),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        _auth(auth_views.PasswordResetCompleteView, "password_reset_complete"),
        name="password_reset_complete",
    ),
    path("public/", include("web.urls_public")),
]
