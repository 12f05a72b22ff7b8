from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from web.auth import password_is_right

WIDGET_SELECTS = {"select", "selectmultiple", "nullbooleanselect"}


class DateInput(forms.DateInput):
    """A browser date picker. It reads and writes ISO dates whatever the page's
    language, so the value is rendered as one: in the language's own format (2026/12/06)
    the picker would show an initial or re-shown value as empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


WIDGET_CHECKS = {"checkbox", "radioselect", "checkboxselectmultiple"}


class LoginForm(AuthenticationForm):
    """Django's login form with labels of our own wording (and translations)."""

    error_messages = {
        "invalid_login": _("The username or the password is not correct."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The old password is checked through `authenticate` (web.auth.password_is_right),
    so guessing it here is throttled like guessing it at the sign-in page."""

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not password_is_right(self.request, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class SiteBoundField(BoundField):
    """Bootstrap classes and error wiring on every widget, so `{{ form }}` needs nothing."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        kind = self.widget_type
        css = "form-select" if kind in WIDGET_SELECTS else "form-control"
        if kind in WIDGET_CHECKS:
            css = "form-check-input"
        # Django itself adds aria-invalid and points aria-describedby at "<id>_error".
        if self.form.is_bound and self.errors:
            css += " is-invalid"
        attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        return attrs


class SiteFormRenderer(TemplatesSetting):
    """The project's form layout (templates/web/forms/): label, widget, help, errors."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"
    bound_field_class = SiteBoundField
