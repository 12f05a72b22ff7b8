"""Pages: the finance officers' payment batches (government portal, /authority/payments/)
and the payees' bank details (company and provider portals). Every action goes through
payments/services, which checks the permission, the four eyes and audits; the pages ask
for the password again first."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Provider
from authority import exports
from company.access import company_view
from company.views.common import decide, run_service
from payments import selectors
from payments.access import (
    authorities_of,
    batches_of,
    finance_view,
    get_batch_for_user,
    programmes_of,
)
from payments.forms import ApproveForm, BankDetailsForm, PayForm, PrepareForm, RejectForm
from payments.models import BankDetails, PaymentBatch
from payments.services import bank_details, batches
from provider.access import provider_view
from web.auth import recent_login_required

LINES_PER_PAGE = 50


def _batches_context(request, prepare_form=None) -> dict:
    programmes = programmes_of(request).order_by("code")
    rows = batches_of(request).select_related("authority", "prepared_by").order_by("-pk")
    return {
        "page": Paginator(rows, LINES_PER_PAGE).get_page(request.GET.get("page")),
        "waiting": selectors.waiting_by_programme(programmes),
        "prepare_form": prepare_form or PrepareForm(authorities=authorities_of(request)),
    }


@finance_view
def batch_list(request):
    return render(request, "payments/batches.html", _batches_context(request))


@finance_view
@recent_login_required
@require_POST
def prepare(request):
    form = PrepareForm(request.POST, authorities=authorities_of(request))
    if form.is_valid():
        data = form.cleaned_data
        made = run_service(
            form,
            lambda: batches.prepare_batch(
                authority=data["authority"], by=request.user, note=data["note"]
            ),
        )
        if made:
            messages.success(request, _("Batch prepared: another finance officer approves it."))
            return redirect("payments:batch", pk=made.pk)
    return render(request, "payments/batches.html", _batches_context(request, form), status=400)


def _batch_context(request, found, **forms) -> dict:
    lines = found.lines.select_related("settlement").order_by("pk")
    return {
        "batch": found,
        "lines": Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page")),
        "totals": found.lines.aggregate(gross=Sum("gross"), offset=Sum("offset"), n=Count("pk")),
        "can_approve": found.status == PaymentBatch.Status.PREPARED
        and found.prepared_by_id != request.user.pk,
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "pay_form": forms.get("pay_form") or PayForm(),
        "exportable": found.status in (PaymentBatch.Status.APPROVED, PaymentBatch.Status.PAID),
    }


@finance_view
def batch(request, pk):
    found = get_batch_for_user(request, pk)
    return render(request, "payments/batch.html", _batch_context(request, found))


def _act(request, found, form, call, *, done: str, form_name: str):
    return decide(
        request, form, call, done=done, then=reverse("payments:batch", args=[found.pk]),
        page=lambda: render(
            request, "payments/batch.html", _batch_context(request, found, **{form_name: form}),
            status=400,
        ),
    )  # fmt: skip


@finance_view
@recent_login_required
@require_POST
def approve(request, pk):
    found = get_batch_for_user(request, pk)
    return _act(
        request, found, ApproveForm(request.POST),
        lambda data: batches.approve_batch(batch=found, by=request.user),
        done=_("Batch approved: the payment file can be exported."), form_name="approve_form",
    )  # fmt: skip


@finance_view
@recent_login_required
@require_POST
def reject(request, pk):
    found = get_batch_for_user(request, pk)
    return _act(
        request, found, RejectForm(request.POST),
        lambda data: batches.reject_batch(batch=found, by=request.user, reason=data["reason"]),
        done=_("Batch rejected: its claims and statements may be paid in another batch."),
        form_name="reject_form",
    )  # fmt: skip


@finance_view
@recent_login_required
@require_POST
def pay(request, pk):
    found = get_batch_for_user(request, pk)

    def call(data):
        references = batches.parse_references(data["references"], default_date=data["paid_on"])
        return batches.pay_batch(batch=found, references=references, by=request.user)

    return _act(
        request, found, PayForm(request.POST), call,
        done=_("Payment recorded: the claims and statements are paid."), form_name="pay_form",
    )  # fmt: skip


def _export(request, pk, streamed, filename: str):
    found = get_batch_for_user(request, pk)
    if found.status not in (PaymentBatch.Status.APPROVED, PaymentBatch.Status.PAID):
        raise PermissionDenied
    rows = selectors.payment_file_rows(found)
    return streamed(rows, columns=selectors.PAYMENT_FILE_COLUMNS, filename=filename % found.pk)


@finance_view
def batch_csv(request, pk):
    return _export(request, pk, exports.streamed_csv, "payment-batch-%s.csv")


@finance_view
def batch_xlsx(request, pk):
    return _export(request, pk, exports.streamed_xlsx, "payment-batch-%s.xlsx")


# Payees: the company's and the provider's bank details.


def _bank_page(request, payee, template: str, form=None, status=200):
    held = BankDetails.objects.filter(**_owner(payee)).first()
    can_change = request.user.has_perm("payments.change_bank_details", payee)
    context = {"details": held, "can_change": can_change, "form": form or BankDetailsForm()}
    if held and form is None:
        context["form"] = BankDetailsForm(
            initial={"account_name": held.account_name, "bank_name": held.bank_name}
        )
    return render(request, template, context, status=status)


def _owner(payee) -> dict:
    return {"provider": payee} if isinstance(payee, Provider) else {"entity": payee}


def _change(request, payee, template: str, done_url: str):
    form = BankDetailsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: bank_details.change_bank_details(
                payee=payee, account_name=data["account_name"], bank_name=data["bank_name"],
                account_number=data["account_number"], by=request.user,
            ),
        )  # fmt: skip
        if saved:
            messages.success(request, _("Bank details saved; your administrators are told."))
            return redirect(done_url)
    return _bank_page(request, payee, template, form, status=400)


@company_view
def company_bank_details(request):
    return _bank_page(request, request.entity, "payments/company_bank_details.html")


@company_view
@recent_login_required
@require_POST
def company_change_bank_details(request):
    if not request.user.has_perm("payments.change_bank_details", request.entity):
        raise PermissionDenied
    template = "payments/company_bank_details.html"
    return _change(request, request.entity, template, "company:bank_details")


@provider_view
def provider_bank_details(request):
    return _bank_page(request, request.provider, "payments/provider_bank_details.html")


@provider_view
@recent_login_required
@require_POST
def provider_change_bank_details(request):
    template = "payments/provider_bank_details.html"
    return _change(request, request.provider, template, "provider:bank_details")
