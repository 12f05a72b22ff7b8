"""Claw-back pages of the government portal: the receivables (what payees owe back), one
receivable with its findings and recoveries, and the forms that record a finding, a
repayment and a write-off. Every page fetches through the officer's authorities (anything
else is a 404); the services decide who may act (403 otherwise)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership
from authority.access import claims_of, officer_view
from billing.models import UsageRecord
from billing.services.exceptions import clawback_amount
from company.views.common import decide, posted, run_service, uploaded
from config.errors import DomainError
from recovery import selectors, services
from recovery.forms import FindingForm, RepaymentForm, WriteOffForm
from recovery.models import Recovery, WriteOff
from web.auth import recent_login_required
from web.files import serve_private

Role = Membership.Role
FINDERS = {Role.REVIEWER, Role.FINANCE_OFFICER}


@officer_view
def receivables(request):
    ids = request.authority_ids
    findings = Paginator(selectors.findings_of(ids), 25).get_page(request.GET.get("page"))
    return render(request, "recovery/receivables.html", {
        "rows": selectors.receivable_rows(ids),
        "outstanding": selectors.outstanding_receivables(ids),
        "cases": selectors.open_clawback_cases(ids),
        "waiting": selectors.waiting_write_offs(ids),
        "page": findings,
        "may_find": bool(FINDERS & request.officer_roles),
    })  # fmt: skip


def _receivable(request, pk):
    return get_object_or_404(
        selectors.receivable_rows(request.authority_ids).select_related("programme__authority"),
        pk=pk,
    )


def _receivable_page(request, receivable, *, status=200, confirm_errors=(), **forms):
    waiting = selectors.waiting_write_offs(request.authority_ids).filter(receivable=receivable)
    context = {
        "receivable": receivable,
        "findings": selectors.findings_of(request.authority_ids).filter(receivable=receivable),
        "recoveries": Recovery.objects.filter(receivable=receivable).select_related(
            "settlement", "claim", "by"
        ),
        "waiting": waiting.first(),
        "confirm_errors": confirm_errors,
        "finance": Role.FINANCE_OFFICER in request.officer_roles,
        "repay_form": forms.get("repay_form") or RepaymentForm(prefix="repay"),
        "write_off_form": forms.get("write_off_form") or WriteOffForm(prefix="write_off"),
    }
    return render(request, "recovery/receivable.html", context, status=status)


@officer_view
def receivable(request, pk):
    return _receivable_page(request, _receivable(request, pk))


def _act(request, found, form, call, *, done: str, form_name: str):
    return decide(
        request, form, call, done=done, then=reverse("recovery:receivable", args=[found.pk]),
        page=lambda: _receivable_page(request, found, status=400, **{form_name: form}),
    )  # fmt: skip


@officer_view
@recent_login_required
def repay(request, pk):
    found = _receivable(request, pk)
    form = RepaymentForm(posted(request), prefix="repay")
    return _act(
        request, found, form,
        lambda data: services.record_repayment(receivable=found, by=request.user, **data),
        done=_("Repayment recorded."), form_name="repay_form",
    )  # fmt: skip


@officer_view
@recent_login_required
def request_write_off(request, pk):
    found = _receivable(request, pk)
    form = WriteOffForm(posted(request), prefix="write_off")
    return _act(
        request, found, form,
        lambda data: services.request_write_off(receivable=found, by=request.user, **data),
        done=_("Write-off requested: another finance officer confirms it."),
        form_name="write_off_form",
    )  # fmt: skip


@officer_view
@recent_login_required
def confirm_write_off(request, pk):
    asked = get_object_or_404(
        WriteOff.objects.filter(receivable__programme__authority_id__in=request.authority_ids),
        pk=pk,
    )
    found = _receivable(request, asked.receivable_id)
    form = forms.Form({})  # no fields: it carries the service's refusal, if any
    form.is_valid()
    if request.method == "POST" and run_service(
        form, lambda: services.confirm_write_off(write_off=asked, by=request.user)
    ):
        messages.success(request, _("Write-off confirmed."))
        return redirect("recovery:receivable", pk=found.pk)
    return _receivable_page(request, found, status=400, confirm_errors=form.non_field_errors())


@officer_view
@recent_login_required
def withdraw_write_off(request, pk):
    asked = get_object_or_404(
        WriteOff.objects.filter(receivable__programme__authority_id__in=request.authority_ids),
        pk=pk,
    )
    if request.method == "POST":
        form = forms.Form({})
        form.is_valid()
        if (
            run_service(form, lambda: services.withdraw_write_off(write_off=asked, by=request.user))
            is None
        ):
            return _receivable_page(
                request, _receivable(request, asked.receivable_id), status=400,
                confirm_errors=form.non_field_errors(),
            )  # fmt: skip
        messages.success(request, _("Write-off request withdrawn."))
    return redirect("recovery:receivable", pk=asked.receivable_id)


@officer_view
def evidence(request, pk):
    found = get_object_or_404(selectors.findings_of(request.authority_ids), pk=pk)
    return serve_private(request, found.evidence, allowed=True)


@officer_view
@recent_login_required
def new_finding(request):
    """Record a finding; `?exception=` opens one prefilled from a clawback_needed case."""
    if not FINDERS & request.officer_roles:
        raise PermissionDenied
    case = _case(request, request.GET.get("exception") or request.POST.get("exception"))
    form = FindingForm(posted(request), uploaded(request), initial=_prefill(request, case))
    if form.is_valid() and (finding := run_service(form, lambda: _record(request, form, case))):
        messages.success(request, _("Finding recorded: the amount is owed back."))
        return redirect("recovery:receivable", pk=finding.receivable_id)
    status = 400 if form.is_bound else 200
    return render(
        request, "recovery/finding_form.html", {"form": form, "case": case}, status=status
    )


def _case(request, pk):
    if not pk:
        return None
    if not str(pk).isdigit():
        raise Http404
    cases = selectors.open_clawback_cases(request.authority_ids)
    return get_object_or_404(cases, pk=pk)


def _prefill(request, case) -> dict:
    """From a clawback_needed case, or the claim or record a page links from."""
    if case is None:
        return {key: request.GET[key] for key in ("claim", "record") if key in request.GET}
    return {"record": case.record.corrects, "amount": clawback_amount(case), "exception": case.pk}


def _record(request, form, case):
    data = form.cleaned_data
    source = {"claim": _claim(request, data["claim"])} if data["claim"] else {}
    if data["record"]:
        source = {"record": _redemption(request, data["record"], case)}
    return services.record_finding(
        amount=data["amount"], reason=data["reason"], evidence=data["evidence"],
        by=request.user, exception=case, **source,
    )  # fmt: skip


def _claim(request, pk):
    found = claims_of(request).select_related("voucher__programme").filter(pk=pk).first()
    if found is None:
        raise DomainError("claim", "没有这个报销申请", "there is no such claim", code="not_found")
    return found


def _redemption(request, record_id: str, case):
    """The authority's redemption of that record ID (the case's provider's, for a case)."""
    records = UsageRecord.objects.filter(
        record_id=record_id.strip(),
        voucher__programme__authority_id__in=request.authority_ids,
    ).select_related("voucher__programme")
    if case is not None:
        records = records.filter(provider_id=case.record.provider_id)
    found = list(records[:2])
    if len(found) != 1:
        raise DomainError(
            "record",
            "没有这条用量记录，或有多家服务商使用该编号：请从结算单或对账异常进入",
            "no such usage record, or several providers use that ID: open it from the "
            "statement or the reconciliation exception",
            code="not_found",
        )
    return found[0]
