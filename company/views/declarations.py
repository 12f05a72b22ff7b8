"""The entity's dated declarations (history) and their evidence."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import declare_profile
from company.access import company_view, get_declaration_for_user
from company.filters import DeclarationFilter
from company.forms import DeclarationForm
from company.models import CompanyAccount
from company.views.common import filtered_page, posted, run_service, uploaded
from web.files import serve_private


@company_view
def declarations(request):
    rows = request.entity.declarations.order_by("-declared_on", "-pk")
    return render(
        request, "company/declarations.html", filtered_page(request, DeclarationFilter, rows)
    )


# The related-party profile carries over to a new declaration. Personal data is never
# shown back (every view of it is audited, so the page does not show it): left empty,
# the latest declaration's value is kept.
OPEN_PROFILE = ("legal_representative", "registered_address")
PERSONAL = ("legal_rep_id", "shareholder_text", "phone", "bank_account")


def _initial(entity) -> dict:
    """A new declaration starts from the latest one (or the registration's region)."""
    today = timezone.localdate()
    initial = {"declared_on": today, "fiscal_year": today.year - 1}
    latest = entity.current_declaration()
    if latest is not None:
        fields = (
            *("registered_region", "industry", "employees", "prior_year_revenue", "is_startup"),
            *OPEN_PROFILE,
        )
        initial.update({name: getattr(latest, name) for name in fields})
    else:
        account = CompanyAccount.objects.filter(entity=entity).first()
        initial["registered_region"] = account.region_code if account else ""
    return initial


@company_view
def declare(request):
    entity = request.entity
    form = DeclarationForm(posted(request), uploaded(request), initial=_initial(entity))
    if request.method == "POST" and form.is_valid():
        fields = _keeping_personal_data(entity, form.cleaned_data)
        declared = run_service(
            form, lambda: declare_profile(entity=entity, by=request.user, **fields)
        )
        if declared is not None:
            messages.success(request, _("Declaration saved."))
            return redirect("company:declarations")
    return render(request, "company/declare.html", {"form": form})


def _keeping_personal_data(entity, data: dict) -> dict:
    latest = entity.current_declaration()
    if latest is None:
        return data
    kept = {name: getattr(latest, name) for name in PERSONAL if not data.get(name)}
    return {**data, **kept}


@company_view
def evidence(request, pk):
    declaration = get_declaration_for_user(request, pk)
    allowed = request.user.has_perm("vouchers.apply", declaration.entity)
    return serve_private(request, declaration.evidence, allowed=allowed)
