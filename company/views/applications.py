"""Applications: draft, edit while draft or returned, submit, withdraw, timeline."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from company.access import company_view, get_application_for_user, get_open_programme
from company.errors import pick
from company.filters import ApplicationFilter
from company.forms import ContractForm
from company.selectors import applications_of, timeline
from company.services.applying import (
    CONTRACT_FIELDS,
    EDITABLE,
    revise_application,
    start_application,
)
from company.services.notifications import queue_scan
from company.views.common import filtered_page, posted, run_service
from config.errors import DomainError
from vouchers.services.applications import submit_application, withdraw_application
from web.auth import recent_login_required


@company_view
def applications(request):
    context = filtered_page(request, ApplicationFilter, applications_of(request.entity))
    return render(request, "company/applications.html", context)


@company_view
def new_application(request, programme_pk):
    programme = get_open_programme(programme_pk)
    form = ContractForm(posted(request), programme=programme)
    if request.method == "POST" and form.is_valid():
        application = run_service(
            form,
            lambda: start_application(
                entity=request.entity,
                programme=programme,
                by=request.user,
                contract_values=form.cleaned_data,
            ),
        )
        if application is not None:
            messages.success(request, _("Draft saved. Check it, then submit it."))
            return redirect("company:application", pk=application.pk)
    context = {"form": form, "programme": programme, "application": None}
    return render(request, "company/application_form.html", context)


@company_view
def edit_application(request, pk):
    application = get_application_for_user(request, pk)
    if application.status not in EDITABLE:
        messages.error(request, _("A submitted application cannot be edited."))
        return redirect("company:application", pk=pk)
    contract = application.contract
    initial = {name: getattr(contract, name) for name in CONTRACT_FIELDS}
    form = ContractForm(posted(request), initial=initial, programme=application.programme)
    if request.method == "POST" and form.is_valid():
        revised = run_service(
            form,
            lambda: revise_application(
                application=application, by=request.user, contract_values=form.cleaned_data
            ),
        )
        if revised is not None:
            messages.success(request, _("Changes saved."))
            return redirect("company:application", pk=pk)
    context = {"form": form, "programme": application.programme, "application": application}
    return render(request, "company/application_form.html", context)


@company_view
def application(request, pk):
    found = get_application_for_user(request, pk)
    context = {
        "application": found,
        "results": found.evaluation.get("results", []),
        "timeline": timeline(found),
        "editable": found.status in EDITABLE,
        "voucher": getattr(found, "voucher", None) if found.status == "approved" else None,
    }
    return render(request, "company/application.html", context)


def _confirmed_step(request, pk, *, step, template, done):
    """GET asks for confirmation; POST takes the step through its service."""
    found = get_application_for_user(request, pk)
    if request.method != "POST":
        return render(request, template, {"application": found})
    try:
        step(application=found, by=request.user)
    except DomainError as exc:
        messages.error(request, pick(exc.zh, exc.en))
        return redirect("company:application", pk=pk)
    queue_scan()
    messages.success(request, done)
    return redirect("company:application", pk=pk)


@company_view
@recent_login_required
def submit(request, pk):
    return _confirmed_step(
        request,
        pk,
        step=submit_application,
        template="company/confirm_submit.html",
        done=_("Application submitted."),
    )


@company_view
@recent_login_required
def withdraw(request, pk):
    return _confirmed_step(
        request,
        pk,
        step=withdraw_application,
        template="company/confirm_withdraw.html",
        done=_("Application withdrawn."),
    )
