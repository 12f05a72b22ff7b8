"""Contracts applicants declared with this provider: the list (to answer, confirmed,
disputed) and one contract's page, where the provider confirms it with its own figures
or disputes it with a reason (vouchers/services/contracts.py decides)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from company.views.common import run_service
from provider.access import contracts_of, get_contract_for_user, provider_view
from provider.filters import ContractFilter
from provider.forms import AnswerForm
from vouchers.models import Voucher
from vouchers.services.contracts import answer_contract

PAGE_SIZE = 25


@provider_view
def contracts(request):
    rows = contracts_of(request).select_related("entity").order_by("-pk")
    filterset = ContractFilter(request.GET or None, queryset=rows)
    found = filterset.qs if filterset.is_bound and filterset.is_valid() else rows
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "provider/contracts.html"
    if getattr(request, "htmx", False):
        template += "#rows"
    return render(request, template, {"filter": filterset, "page": page})


def comparison(contract) -> list[dict]:
    """Declared against confirmed, field by field; `differs` marks what to highlight."""
    answered = contract.answered_at is not None
    pairs = (
        (_("Contract value"), contract.value, contract.confirmed_value, "money"),
        (_("Service start"), contract.service_start, contract.confirmed_start, "date"),
        (_("Service end"), contract.service_end, contract.confirmed_end, "date"),
    )
    return [
        {
            "label": label,
            "declared": declared,
            "yours": yours if answered else None,
            "kind": kind,
            "differs": answered and yours is not None and yours != declared,
        }
        for label, declared, yours, kind in pairs
    ]


def _context(request, contract, form=None) -> dict:
    return {
        "contract": contract,
        "rows": comparison(contract),
        "subsidised": Voucher.objects.filter(contract=contract).exists(),
        "form": form or AnswerForm(),
    }


@provider_view
def contract(request, pk):
    found = get_contract_for_user(request, pk)
    if request.method != "POST":
        return render(request, "provider/contract.html", _context(request, found))
    form = AnswerForm(request.POST, answer=request.POST.get("answer"))
    if form.is_valid() and run_service(form, lambda: _answer(request, found, form)):
        messages.success(request, _("Your answer is recorded: the reviewer sees it."))
        return redirect("provider:contract", pk=pk)
    return render(request, "provider/contract.html", _context(request, found, form), status=400)


def _answer(request, found, form):
    data = form.cleaned_data
    return answer_contract(
        contract=found,
        confirmed=form.answer == "confirm",
        value=data["value"],
        service_start=data["service_start"],
        service_end=data["service_end"],
        note=data["note"],
        by=request.user,
    )
