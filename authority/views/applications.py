"""One application: the entity's declarations and evidence, the contract and the
provider's answer, the rules as filed and as now, the entity's history; decisions."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from authority import warnings
from authority.access import get_application_for_user, get_declaration_for_user, officer_view
from authority.forms import ApproveForm, NoteForm
from authority.selectors import entity_history, side_by_side, trace_now
from authority.services import personal_data
from authority.services.decisions import approve
from company.views.common import run_service
from vouchers.money import to_decimal
from vouchers.services import second_review
from vouchers.services.applications import reject_application, return_application
from web.auth import recent_login_required
from web.files import serve_private

# Judging "as now" means something only while the application waits for a decision:
# once approved, its own voucher would count against it.
UNDECIDED = ("submitted", "returned")


def _context(request, application, **forms) -> dict:
    reviewer = request.user.has_perm("vouchers.review_application", application)
    filed = application.evaluation.get("results", [])
    now = trace_now(application=application) if application.status in UNDECIDED else None
    declarations = list(application.entity.declarations.all())
    context = {
        "application": application,
        "declarations": declarations,
        "warnings": _warnings(application, declarations),
        "personal_fields": personal_data.masked(application.declaration),
        "entitlement_now": to_decimal(now["entitlement"]) if now else None,
        "rules": side_by_side(filed=filed, now=now["results"] if now else []),
        "judged_now": now is not None,
        "first_approval": second_review.open_first_approval(application),
        "can_decide": reviewer and application.status == "submitted",
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "return_form": forms.get("return_form") or NoteForm(prefix="return"),
        "reject_form": forms.get("reject_form") or NoteForm(prefix="reject"),
    }
    context.update(entity_history(application=application))
    return context


def _warnings(application, declarations) -> list:
    if application.status in UNDECIDED:
        return warnings.sync(application=application, declarations=declarations)
    return warnings.as_decided(application=application)


@officer_view
def application(request, pk):
    found = get_application_for_user(request, pk)
    return render(request, "authority/application.html", _context(request, found))


@officer_view
def evidence(request, pk):
    declaration = get_declaration_for_user(request, pk)
    return serve_private(request, declaration.evidence, allowed=True)


@officer_view
@recent_login_required
def approve_view(request, pk):
    found = get_application_for_user(request, pk)
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: approve(
                application=found, by=request.user, amount=data["amount"], reason=data["reason"]
            ),
        )
        if done is not None:
            if done.waiting is not None:
                messages.success(
                    request,
                    _(
                        "First approval recorded: a second reviewer must confirm it before the voucher issues."
                    ),
                )
            else:
                messages.success(request, _("Approved: the voucher is issued."))
            return redirect("authority:application", pk=pk)
    context = _context(request, found, approve_form=form)
    return render(
        request, "authority/application.html", context, status=400 if form.errors else 200
    )


def _note_step(request, pk, *, step, prefix, done):
    found = get_application_for_user(request, pk)
    form = NoteForm(request.POST if request.method == "POST" else None, prefix=prefix)
    if form.is_valid():
        result = run_service(
            form, lambda: step(application=found, by=request.user, note=form.cleaned_data["note"])
        )
        if result is not None:
            messages.success(request, done)
            return redirect("authority:application", pk=pk)
    context = _context(request, found, **{f"{prefix}_form": form})
    return render(
        request, "authority/application.html", context, status=400 if form.errors else 200
    )


@officer_view
@recent_login_required
def return_view(request, pk):
    return _note_step(
        request, pk, step=return_application, prefix="return", done=_("Returned to the company.")
    )


@officer_view
@recent_login_required
def reject_view(request, pk):
    return _note_step(
        request, pk, step=reject_application, prefix="reject", done=_("Application rejected.")
    )
