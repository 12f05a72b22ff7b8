"""The books, read-only: a voucher's ledger trace (its yuan from the budget to the
payee, each entry with its audit event) and a programme's accounts and entries."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from authority import selectors
from authority.access import (
    get_programme_for_user,
    get_voucher_for_user,
    officer_view,
    programmes_of,
)
from authority.views.common import PAGE_SIZE
from vouchers.models import LedgerAccount, LedgerEntry


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@officer_view
def trace(request, pk):
    voucher = get_voucher_for_user(request, pk)
    flow = selectors.voucher_flow(voucher=voucher)
    settled = selectors.voucher_settled(voucher=voucher)
    page = _page(request, selectors.voucher_entries(voucher=voucher))
    page.object_list = selectors.with_events(page.object_list)
    context = {
        "voucher": voucher,
        "flow": flow,
        "stages": selectors.flow_stages(voucher=voucher, flow=flow, settled=settled),
        "settled": settled,
        "page": page,
    }
    return render(request, "authority/voucher_trace.html", context)


@officer_view
def ledger(request):
    programmes = programmes_of(request).order_by("-pk")
    return render(request, "authority/ledger.html", {"page": _page(request, programmes)})


def _kind(request) -> str:
    """The account kind asked for, if it is one (anything else shows every kind)."""
    kind = request.GET.get("kind", "")
    return kind if kind in LedgerAccount.Kind.values else ""


def _ledger_context(request, programme) -> dict:
    return {"programme": programme, "kind": _kind(request), "kinds": LedgerAccount.Kind.choices}


@officer_view
def accounts(request, pk):
    programme = get_programme_for_user(request, pk)
    context = _ledger_context(request, programme)
    rows = programme.accounts.select_related("voucher", "provider", "funding_source")
    if context["kind"]:
        rows = rows.filter(kind=context["kind"])
    context["page"] = _page(request, rows.order_by("pk"))
    return render(request, "authority/accounts.html", context)


@officer_view
def entries(request, pk):
    programme = get_programme_for_user(request, pk)
    context = _ledger_context(request, programme)
    rows = LedgerEntry.objects.filter(programme=programme).select_related(
        *selectors.ENTRY_ROWS, "voucher"
    )
    if context["kind"]:
        rows = rows.filter(Q(debit__kind=context["kind"]) | Q(credit__kind=context["kind"]))
    account = request.GET.get("account", "")
    if account.isdigit():
        context["account"] = get_object_or_404(programme.accounts, pk=account)
        rows = rows.filter(Q(debit_id=account) | Q(credit_id=account))
    page = _page(request, rows.order_by("-pk"))
    page.object_list = selectors.with_events(page.object_list)
    context["page"] = page
    return render(request, "authority/entries.html", context)
