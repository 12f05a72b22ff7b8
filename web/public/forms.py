from django import forms
from django.utils.translation import gettext_lazy as _


class ObjectionForm(forms.Form):
    """Anyone's objection to an award in public notice. `website` is a honeypot: hidden
    from people (and from screen readers), so only a bot fills it in."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    contact = forms.CharField(
        label=_("Contact (phone or e-mail)"),
        max_length=200,
        help_text=_("Only the authority sees it, to ask you about the objection."),
    )
    text = forms.CharField(
        label=_("Objection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is wrong with this award, and how you know it."),
    )
    website = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This form was not filled in by a person."))
        return ""
