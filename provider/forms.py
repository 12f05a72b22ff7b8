"""Forms of the provider portal: they parse and show errors; services decide."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from authority.builder.fields import CheckboxList
from web.forms import DateInput
from webhooks.events import TYPES


class KeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("Where the key is used, e.g. billing system (production)."),
    )


class SigningForm(forms.Form):
    required = forms.BooleanField(
        label=_("Require a signature on every request"),
        required=False,
        help_text=_("Requests without a valid HMAC signature are refused while this is on."),
    )


class AnswerForm(forms.Form):
    """The provider's own figures for a declared contract; empty means as declared. The
    answer itself is the button pressed (`answer=confirm|dispute`), not a field."""

    ANSWERS = ("confirm", "dispute")
    value = forms.DecimalField(
        label=_("Contract value in your records (yuan)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )
    service_start = forms.DateField(
        label=_("Service start in your records"),
        required=False,
        widget=DateInput(),
    )
    service_end = forms.DateField(
        label=_("Service end in your records"),
        required=False,
        widget=DateInput(),
    )
    note = forms.CharField(
        label=_("Note (required for a dispute; the reviewer reads it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, answer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer = answer

    def clean(self):
        cleaned = super().clean()
        if self.answer not in self.ANSWERS:
            raise forms.ValidationError(_("Press Confirm or Dispute."))
        if self.answer == "dispute" and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why you dispute the contract."))
        return cleaned


class UsageFileForm(forms.Form):
    file = forms.FileField(
        label=_("Usage file (CSV, UTF-8)"),
        help_text=_("The same columns as the API's usage file: one usage record a row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        sent = self.cleaned_data["file"]
        # The API's limit: a file the API would refuse is refused here too.
        limit = settings.API_MAX_USAGE_FILE_BYTES
        if sent.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s bytes, the most accepted: split it."),
                params={"limit": limit},
            )
        return sent


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("HTTPS, reachable from the internet; each delivery is POSTed to it, signed."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/vouchers"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        required=False,
        choices=[(name, name) for name in TYPES],
        widget=CheckboxList(),
        help_text=_("None ticked: every event, including ones added later."),
    )
