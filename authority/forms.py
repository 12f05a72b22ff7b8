"""Forms of the government portal: they parse and show errors; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("Six digits from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
