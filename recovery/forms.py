from django import forms
from django.utils.translation import gettext_lazy as _

from company.uploads import validate_document
from web.forms import DateInput


class FindingForm(forms.Form):
    """A claw-back finding: on a paid claim (its number) or on a redemption (the usage
    record ID the provider sent), with the amount, the reason and the evidence."""

    claim = forms.IntegerField(label=_("Claim number"), required=False, min_value=1)
    record = forms.CharField(
        label=_("Usage record ID"),
        help_text=_("As the provider sent it; the redemption must be on a paid statement."),
        required=False,
        max_length=128,
    )
    amount = forms.CharField(label=_("Amount to claw back (yuan)"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(
        label=_("Evidence"),
        help_text=_("PDF, JPEG or PNG: an audit report, the corrected invoice."),
        validators=[validate_document],
    )
    exception = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("claim")) == bool(data.get("record")):
            raise forms.ValidationError(_("Give either a claim number or a usage record ID."))
        return data


class RepaymentForm(forms.Form):
    amount = forms.CharField(label=_("Amount repaid (yuan)"))
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=60)
    repaid_on = forms.DateField(label=_("Repaid on"), widget=DateInput())


class WriteOffForm(forms.Form):
    amount = forms.CharField(label=_("Amount to write off (yuan)"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
