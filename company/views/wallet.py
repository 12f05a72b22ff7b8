"""The voucher wallet, a voucher's redemptions and spend chart, and reimburse claims."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from company.access import company_view, get_claim_for_user, get_voucher_for_user
from company.filters import ClaimFilter, VoucherFilter
from company.forms import ClaimForm, ResubmitClaimForm
from company.models import Claim
from company.selectors import (
    claim_timeline,
    provider_usage,
    redemptions,
    spend_series,
    vouchers_of,
)
from company.services.claims import file_claim, resubmit_claim
from company.services.notifications import queue_scan
from company.views.common import filtered_page, posted, run_service, uploaded
from vouchers.models import Programme, Voucher
from web.auth import recent_login_required
from web.files import serve_private


@company_view
def wallet(request):
    context = filtered_page(request, VoucherFilter, vouchers_of(request.entity))
    return render(request, "company/wallet.html", context)


def can_claim(voucher) -> bool:
    return (
        voucher.status == Voucher.Status.ACTIVE
        and voucher.programme.settlement_mode == Programme.SettlementMode.REIMBURSE
    )


@company_view
def voucher(request, pk):
    found = get_voucher_for_user(request, pk)
    entries = list(redemptions(found))
    context = {
        "voucher": found,
        "entries": entries,
        "series": spend_series(entries, _("Redeemed (yuan)")),
        "claims": found.claims.order_by("-pk"),
        "can_claim": can_claim(found),
    }
    return render(request, "company/voucher.html", context)


@company_view
@recent_login_required
def new_claim(request, voucher_pk):
    found = get_voucher_for_user(request, voucher_pk)
    form = ClaimForm(posted(request), uploaded(request))
    if request.method == "POST" and form.is_valid():
        claim = run_service(
            form,
            lambda: file_claim(
                entity=request.entity, voucher=found, by=request.user, **form.cleaned_data
            ),
        )
        if claim is not None:
            queue_scan()
            messages.success(request, _("Claim filed."))
            return redirect("company:claim", pk=claim.pk)
    return render(request, "company/claim_form.html", {"form": form, "voucher": found})


@company_view
def claims(request):
    rows = Claim.objects.filter(entity=request.entity).select_related("voucher")
    return render(request, "company/claims.html", filtered_page(request, ClaimFilter, rows))


@company_view
def claim(request, pk):
    return _claim_page(request, get_claim_for_user(request, pk))


def _claim_page(request, found, form=None):
    usage = provider_usage(found.voucher, found.service_start, found.service_end)
    context = {
        "claim": found,
        "usage": usage,
        "timeline": claim_timeline(found),
        "form": form or ResubmitClaimForm(initial={"amount": found.amount}),
        "can_resubmit": found.status == Claim.Status.RETURNED
        and request.user.has_perm("vouchers.apply", found.entity),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "company/claim.html", context, status=status)


@company_view
def resubmit(request, pk):
    found = get_claim_for_user(request, pk)
    form = ResubmitClaimForm(posted(request), uploaded(request))
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, lambda: resubmit_claim(claim=found, by=request.user, **form.cleaned_data)
        )
        if done is not None:
            queue_scan()
            messages.success(request, _("Claim submitted again."))
            return redirect("company:claim", pk=pk)
    return _claim_page(request, found, form)


CLAIM_FILES = {"invoice": "invoice_file", "proof": "delivery_proof"}


@company_view
def claim_file(request, pk, which):
    found = get_claim_for_user(request, pk)
    if which not in CLAIM_FILES:
        return serve_private(request, None, allowed=False)
    allowed = request.user.has_perm("vouchers.apply", found.entity)
    return serve_private(request, getattr(found, CLAIM_FILES[which]), allowed=allowed)
