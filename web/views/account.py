"""Confirming one's password before a money action, and changing it (see web.auth)."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from web.auth import mark_authenticated, password_is_right, safe_next
from web.forms import PasswordChangeForm


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not password_is_right(self.request, password):
            raise forms.ValidationError(_("The password is not correct."), code="wrong_password")
        return password


@login_required
def confirm_password(request):
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = ConfirmPasswordForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        mark_authenticated(request)
        return redirect(next_url)
    return render(request, "web/auth/confirm_password.html", {"form": form, "next": next_url})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, with the old password checked like a sign-in (throttled)."""

    form_class = PasswordChangeForm
    template_name = "web/auth/password_change.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
