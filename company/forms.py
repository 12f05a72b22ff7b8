"""The portal's forms: they parse and show errors; the services decide.

Labels are English msgids translated in locale/, the models' choice labels too.
"""

from datetime import date
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import industries
from accounts.models import Entity
from accounts.personal import parse_shareholders
from accounts.validators import normalise_credit_code, validate_credit_code, validate_region_code
from company.errors import readable
from company.uploads import validate_document
from vouchers.models import Contract
from web.forms import DateInput

User = get_user_model()
CENT = Decimal("0.01")  # the smallest amount a money field takes (never a float)


def _localised_validator(validator):
    def check(value):
        try:
            validator(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(readable(exc), code=exc.code) from exc

    return check


class CreditCodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=30, **kwargs)
        self.validators.append(_localised_validator(validate_credit_code))

    def to_python(self, value):
        return normalise_credit_code(super().to_python(value))


class SignUpForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    display_name = forms.CharField(label=_("Your name"), max_length=100)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, strip=False
    )

    def clean_email(self):
        # Whether the address is registered is never said here (a visitor could collect
        # addresses): the sign-up service answers both the same way.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords differ."))
        if password:
            candidate = User(username=data.get("email", ""), email=data.get("email", ""))
            candidate.display_name = data.get("display_name", "")
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class RegisterEntityForm(forms.Form):
    name = forms.CharField(label=_("Name of the entity"), max_length=200)
    credit_code = CreditCodeField(
        label=_("Unified Social Credit Code"),
        help_text=_("18 characters, as on the business licence"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Entity.Kind.choices)
    region_code = forms.CharField(
        label=_("Registered region (code)"),
        max_length=6,
        help_text=_("Six-digit administrative division code, e.g. 510100 for Chengdu"),
        validators=[_localised_validator(validate_region_code)],
    )
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100)
    business_licence = forms.FileField(
        label=_("Business licence (PDF, JPEG or PNG)"),
        help_text=_("An officer checks it before your entity may submit applications."),
        validators=[validate_document],
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail"))


class DeclarationForm(forms.Form):
    declared_on = forms.DateField(label=_("Declared on"), widget=DateInput())
    fiscal_year = forms.IntegerField(label=_("Revenue year"), min_value=1990, max_value=2100)
    registered_region = forms.CharField(
        label=_("Registered region (code)"),
        max_length=6,
        validators=[_localised_validator(validate_region_code)],
    )
    industry = forms.ChoiceField(label=_("Industry"), choices=industries.CHOICES)
    employees = forms.IntegerField(label=_("Employees"), min_value=0)
    prior_year_revenue = forms.DecimalField(
        label=_("Prior-year revenue (yuan)"), min_value=0, max_digits=16, decimal_places=2
    )
    is_startup = forms.BooleanField(label=_("Start-up"), required=False)
    evidence = forms.FileField(
        label=_("Evidence (PDF, JPEG or PNG)"), validators=[validate_document]
    )
    # The related-party check compares these with the providers' (accounts/personal.py);
    # ID numbers, phones and bank accounts are stored encrypted.
    legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=100, required=False
    )
    legal_rep_id = forms.CharField(
        label=_("Legal representative's ID number"),
        max_length=32,
        required=False,
        help_text=_("Stored encrypted and not shown again; left empty, the last one is kept."),
    )
    shareholder_text = forms.CharField(
        label=_("Shareholders"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: name, then a comma, then the unified social credit code or ID "
            "number. Not shown again; left empty, the last list is kept."
        ),
        validators=[_localised_validator(parse_shareholders)],
    )
    registered_address = forms.CharField(
        label=_("Registered address"), max_length=200, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    bank_account = forms.CharField(label=_("Bank account"), max_length=40, required=False)

    def clean_declared_on(self):
        declared_on = self.cleaned_data["declared_on"]
        if declared_on > timezone.localdate():
            raise forms.ValidationError(_("A declaration cannot be dated in the future."))
        return declared_on


class ContractForm(forms.Form):
    """The contract an application names. Also drives the live estimate."""

    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None, empty_label=None)
    number = forms.CharField(label=_("Contract number"), max_length=64)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    service_start = forms.DateField(label=_("Service start"), widget=DateInput())
    service_end = forms.DateField(label=_("Service end"), widget=DateInput())
    value = forms.DecimalField(
        label=_("Contract value (yuan)"), min_value=CENT, max_digits=16, decimal_places=2
    )
    accelerator_origin = forms.ChoiceField(
        label=_("Accelerator origin"), choices=Contract.AcceleratorOrigin.choices
    )
    accelerator_hours = forms.DecimalField(
        label=_("Accelerator hours"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Contract.Purpose.choices)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = programme.providers.order_by("pk")

    def clean(self):
        data = super().clean()
        start, end = data.get("service_start"), data.get("service_end")
        if start and end and end < start:
            self.add_error("service_end", _("The service ends before it starts."))
        if data.get("accelerator_hours") is None:
            data["accelerator_hours"] = 0
        return data


ESTIMATE_FIELDS = ("provider", "value", "accelerator_origin", "purpose")


def sample_contract_values() -> dict:
    """The sample contract of "Am I eligible?": signed today, running to the year's end.
    It has no number (the programme page leaves out the rule that judges one)."""
    today = timezone.localdate()
    return {
        "signed_on": today,
        "service_start": today,
        "service_end": date(today.year, 12, 31),
        "number": "",
        "accelerator_hours": 0,
    }


class ClaimForm(forms.Form):
    invoice_number = forms.CharField(label=_("Invoice (发票) number"), max_length=40)
    invoice_date = forms.DateField(label=_("Invoice date"), widget=DateInput())
    invoice_amount = forms.DecimalField(
        label=_("Invoice amount (yuan)"), min_value=CENT, max_digits=16, decimal_places=2
    )
    amount = forms.DecimalField(
        label=_("Amount claimed (yuan)"), min_value=CENT, max_digits=16, decimal_places=2
    )
    service_start = forms.DateField(label=_("Service from"), widget=DateInput())
    service_end = forms.DateField(label=_("Service to"), widget=DateInput())
    invoice_file = forms.FileField(
        label=_("Invoice file (PDF, JPEG or PNG)"), validators=[validate_document]
    )
    delivery_proof = forms.FileField(
        label=_("Proof of delivery (PDF, JPEG or PNG)"), validators=[validate_document]
    )


class ResubmitClaimForm(forms.Form):
    """A returned claim, corrected: its amount, and new files where the reviewer asked."""

    amount = forms.DecimalField(
        label=_("Amount claimed (yuan)"), min_value=CENT, max_digits=16, decimal_places=2
    )
    invoice_file = forms.FileField(
        label=_("New invoice file (PDF, JPEG or PNG)"),
        required=False,
        validators=[validate_document],
    )
    delivery_proof = forms.FileField(
        label=_("New proof of delivery (PDF, JPEG or PNG)"),
        required=False,
        validators=[validate_document],
    )
