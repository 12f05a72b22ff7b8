"""Provider statements of the authority's programmes: the list by programme, period and
status; one statement by voucher, printable, as CSV and XLSX; its approval by a reviewer
or finance officer (paying happens in a payment batch)."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from authority import exports
from authority.access import get_statement_for_user, officer_view, statements_of
from authority.filters import StatementFilter
from authority.views.common import filtered_page, page_or_rows
from billing import selectors
from billing.models import Settlement
from billing.settlements import approve_settlement
from company.errors import pick
from config.errors import DomainError
from web.auth import recent_login_required


@officer_view
def statements(request):
    rows = (
        statements_of(request)
        .select_related("programme", "provider")
        .annotate(line_count=Count("lines"))
        .order_by("-period", "programme_id", "pk")
    )
    context = filtered_page(request, StatementFilter, rows)
    return render(request, page_or_rows(request, "authority/statements.html"), context)


@officer_view
def statement(request, pk):
    found = get_statement_for_user(request, pk)
    context = {
        **selectors.statement_page(found),
        "can_approve": found.status == Settlement.Status.DRAFT
        and request.user.has_perm("billing.approve_settlement", found),
    }
    return render(request, "authority/statement.html", context)


@officer_view
def statement_export(request, pk, kind):
    found = get_statement_for_user(request, pk)
    lines = selectors.statement_by_voucher(settlement=found)
    rows = selectors.statement_rows(settlement=found, lines=lines)
    filename = f"statement-{found.programme.code}-{found.provider_id}-{found.period}.{kind}"
    write = exports.streamed_xlsx if kind == "xlsx" else exports.streamed_csv
    return write(rows, columns=selectors.STATEMENT_COLUMNS, filename=filename)


@require_POST
@officer_view
@recent_login_required
def approve(request, pk):
    found = get_statement_for_user(request, pk)
    try:
        approve_settlement(settlement=found, by=request.user)
    except DomainError as refused:
        messages.error(request, pick(refused.zh, refused.en))
    else:
        messages.success(request, _("Statement approved: it can go on a payment batch."))
    return redirect("authority:statement", pk=pk)
