"""The authority's vouchers: face value, redeemed, released, remaining; revoke."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from authority import exports
from authority.access import get_voucher_for_user, officer_view, vouchers_of
from authority.filters import VoucherFilter
from authority.forms import RevokeForm
from authority.views.common import filtered, filtered_page, page_or_rows
from company.views.common import run_service
from vouchers.services.closing import revoke_voucher
from web.auth import recent_login_required

VOUCHER_ROWS = ("programme", "entity", "provider", "contract")


def _voucher_rows(request):
    return vouchers_of(request).select_related(*VOUCHER_ROWS).order_by("-pk")


@officer_view
def vouchers(request):
    context = filtered_page(request, VoucherFilter, _voucher_rows(request))
    return render(request, page_or_rows(request, "authority/vouchers.html"), context)


@officer_view
def vouchers_csv(request):
    _, found = filtered(request, VoucherFilter, _voucher_rows(request))
    rows = exports.voucher_rows(found)
    return exports.streamed_csv(rows, columns=exports.VOUCHER_COLUMNS, filename="vouchers.csv")


@officer_view
def vouchers_xlsx(request):
    _, found = filtered(request, VoucherFilter, _voucher_rows(request))
    rows = exports.voucher_rows(found)
    return exports.streamed_xlsx(rows, columns=exports.VOUCHER_COLUMNS, filename="vouchers.xlsx")


def _voucher_context(request, found, form=None) -> dict:
    revocable = found.status in ("public_notice", "active")
    return {
        "voucher": found,
        "can_revoke": revocable and request.user.has_perm("vouchers.revoke_voucher", found),
        "form": form or RevokeForm(),
    }


@officer_view
def voucher(request, pk):
    found = get_voucher_for_user(request, pk)
    return render(request, "authority/voucher.html", _voucher_context(request, found))


@officer_view
@recent_login_required
def revoke(request, pk):
    found = get_voucher_for_user(request, pk)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        if run_service(form, lambda: revoke_voucher(voucher=found, by=request.user, reason=reason)):
            messages.success(request, _("Voucher revoked: its unused value is back in the budget."))
            return redirect("authority:voucher", pk=pk)
    context = _voucher_context(request, found, form)
    return render(request, "authority/voucher.html", context, status=400 if form.errors else 200)
