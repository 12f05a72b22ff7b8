"""Reimburse claims of the authority's programmes: the list, one claim with its files,
voucher and neighbours, and the reviewer's decision."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from authority.access import claims_of, get_claim_for_user, officer_view
from authority.filters import ClaimFilter
from authority.forms import ClaimApproveForm, NoteForm
from authority.views.common import filtered_page, page_or_rows
from company.models import Claim
from company.services import claim_review
from company.views.common import decide
from web.auth import recent_login_required
from web.files import serve_private

UNDECIDED = (Claim.Status.SUBMITTED, Claim.Status.VERIFIED)
FILES = {"invoice": "invoice_file", "proof": "delivery_proof"}


@officer_view
def claims(request):
    rows = claims_of(request).select_related("entity", "voucher", "voucher__programme")
    context = filtered_page(request, ClaimFilter, rows.order_by("-pk"))
    counted = claims_of(request).values_list("status").annotate(n=Count("pk")).order_by()
    by_status = dict(counted)
    context["counts"] = [
        (value, label, by_status.get(value, 0)) for value, label in Claim.Status.choices
    ]
    return render(request, page_or_rows(request, "authority/claims.html"), context)


def _context(request, found, **forms) -> dict:
    voucher = found.voucher
    undecided = found.status in UNDECIDED
    maximum = claim_review.claimable_maximum(found, voucher) if undecided else None
    return {
        "claim": found,
        "voucher": voucher,
        "contract": voucher.contract,
        "same_voucher": claims_of(request).filter(voucher=voucher).exclude(pk=found.pk),
        "maximum": maximum,
        "can_decide": undecided and request.user.has_perm("company.review_claim", found),
        "approve_form": forms.get("approve_form") or ClaimApproveForm(initial={"amount": maximum}),
        "return_form": forms.get("return_form") or NoteForm(prefix="return"),
        "reject_form": forms.get("reject_form") or NoteForm(prefix="reject"),
    }


@officer_view
def claim(request, pk):
    found = get_claim_for_user(request, pk)
    return render(request, "authority/claim.html", _context(request, found))


@officer_view
def claim_file(request, pk, which):
    found = get_claim_for_user(request, pk)
    if which not in FILES:
        raise Http404
    return serve_private(request, getattr(found, FILES[which]), allowed=True)


def _decide(request, found, form, call, *, done: str, form_name: str):
    return decide(
        request, form, call, done=done, then=reverse("authority:claim", args=[found.pk]),
        page=lambda: render(
            request, "authority/claim.html", _context(request, found, **{form_name: form}),
            status=400 if form.errors else 200,
        ),
    )  # fmt: skip


@officer_view
@recent_login_required
def approve_claim(request, pk):
    found = get_claim_for_user(request, pk)
    form = ClaimApproveForm(request.POST if request.method == "POST" else None)
    return _decide(
        request, found, form,
        lambda data: claim_review.approve_claim(claim=found, amount=data["amount"], by=request.user),
        done=_("Claim approved: the amount is payable to the company."), form_name="approve_form",
    )  # fmt: skip


@officer_view
@recent_login_required
def return_claim(request, pk):
    found = get_claim_for_user(request, pk)
    form = NoteForm(request.POST if request.method == "POST" else None, prefix="return")
    return _decide(
        request, found, form,
        lambda data: claim_review.return_claim(claim=found, request=data["note"], by=request.user),
        done=_("Claim returned to the company."), form_name="return_form",
    )  # fmt: skip


@officer_view
@recent_login_required
def reject_claim(request, pk):
    found = get_claim_for_user(request, pk)
    form = NoteForm(request.POST if request.method == "POST" else None, prefix="reject")
    return _decide(
        request, found, form,
        lambda data: claim_review.reject_claim(claim=found, reason=data["note"], by=request.user),
        done=_("Claim rejected."), form_name="reject_form",
    )  # fmt: skip
