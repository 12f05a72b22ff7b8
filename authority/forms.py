"""Forms of the government portal: they parse and show errors; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vouchers.models import Application


class TokenForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("Six digits from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class EnrolForm(TokenForm):
    """Enrolment proves the new authenticator works: only its six digits will do."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("The six digits your authenticator app shows now.")
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class BulkDecisionForm(forms.Form):
    """Return or reject several waiting applications with one written reason. There is
    no bulk approval: each approval commits money and is judged on its own page."""

    ACTIONS = (("return", _("Return for more information")), ("reject", _("Reject")))
    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS)
    reason = forms.CharField(
        label=_("Reason (the company sees it)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"), queryset=Application.objects.none()
    )

    def __init__(self, *args, waiting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = waiting


class ApproveForm(forms.Form):
    amount = forms.CharField(
        label=_("Approved amount (yuan)"),
        required=False,
        help_text=_("Leave empty to approve the entitlement now; a lower amount needs a reason."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    """A return's request or a rejection's reason: the company reads it."""

    note = forms.CharField(
        label=_("Written to the company"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revocation"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    """An objection's resolution or an early end of notice: recorded and audited."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DishonestyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Dishonesty list (CSV)"),
        help_text=_(
            "UTF-8 CSV with the columns credit_code, listed_from, listed_until "
            "(dates as YYYY-MM-DD), as the credit authority publishes it."
        ),
    )


class ClaimApproveForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount approved (yuan)"),
        help_text=_(
            "At most the amount claimed, the programme's rate of the invoice and what the voucher has left."
        ),
    )
