from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Authority
from web.forms import DateInput


class BankDetailsForm(forms.Form):
    account_name = forms.CharField(label=_("Account name"), max_length=100)
    bank_name = forms.CharField(label=_("Bank"), max_length=100)
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=60,
        help_text=_("Typed in full each time; shown masked afterwards."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class PrepareForm(forms.Form):
    authority = forms.ModelChoiceField(
        label=_("Authority"), queryset=Authority.objects.none(), empty_label=None
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities


class ApproveForm(forms.Form):
    """Nothing to fill in: it carries the service's refusal (four eyes) onto the page."""


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PayForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"),
        help_text=_("For the lines below that name no date."),
        widget=DateInput(),
    )
    references = forms.CharField(
        label=_("Bank references"),
        help_text=_(
            "One line each: line number, bank reference, and optionally the date "
            "(YYYY-MM-DD); pasted from the bank's statement, comma or tab separated."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
