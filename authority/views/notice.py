"""Public notice (公示) for officers: the vouchers in notice with the days left and their
open objections; an objection upheld (the voucher is revoked) or dismissed, and a notice
ended early, each with a reason, behind a re-entered password."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from authority.access import get_voucher_for_user, officer_view, vouchers_of
from authority.forms import ReasonForm
from company.views.common import posted, run_service
from vouchers.models import Objection, Voucher
from vouchers.services.notice import dismiss_objection, end_notice_early, uphold_objection
from web.auth import recent_login_required

OPEN = Q(objections__status=Objection.Status.OPEN)


@officer_view
def notice(request):
    rows = (
        vouchers_of(request)
        .filter(status=Voucher.Status.PUBLIC_NOTICE)
        .select_related("programme", "entity")
        .annotate(open_objections=Count("objections", filter=OPEN))
        .order_by("notice_ends_on", "pk")
    )
    today = timezone.localdate()
    vouchers = [(row, (row.notice_ends_on - today).days) for row in rows]
    return render(request, "authority/notice.html", {"rows": vouchers})


def _context(request, voucher, **forms) -> dict:
    return {
        "voucher": voucher,
        "objections": voucher.objections.select_related("resolved_by").order_by("-pk"),
        "end_form": forms.get("end_form") or ReasonForm(),
        "resolve_form": forms.get("resolve_form") or ReasonForm(),
        "in_notice": voucher.status == Voucher.Status.PUBLIC_NOTICE,
    }


@officer_view
def notice_voucher(request, pk):
    found = get_voucher_for_user(request, pk)
    return render(request, "authority/notice_voucher.html", _context(request, found))


@officer_view
@recent_login_required
def end_early(request, pk):
    found = get_voucher_for_user(request, pk)
    form = ReasonForm(posted(request))
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        if run_service(
            form, lambda: end_notice_early(voucher=found, by=request.user, reason=reason)
        ):
            messages.success(request, _("Public notice ended: the voucher is active."))
            return redirect("authority:notice_voucher", pk=pk)
    context = _context(request, found, end_form=form)
    return render(request, "authority/notice_voucher.html", context, status=400)


RESOLUTIONS = {
    "uphold": (uphold_objection, gettext_lazy("Objection upheld: the voucher is revoked.")),
    "dismiss": (
        dismiss_objection,
        gettext_lazy("Objection dismissed: the board shows your reason."),
    ),
}


@officer_view
@recent_login_required
def resolve(request, pk, outcome):
    objection = get_object_or_404(
        Objection.objects.select_related("voucher"),
        pk=pk,
        voucher__in=vouchers_of(request),
    )
    service, done = RESOLUTIONS[outcome]
    form = ReasonForm(posted(request))
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        if run_service(form, lambda: service(objection=objection, by=request.user, reason=reason)):
            messages.success(request, done)
            return redirect("authority:notice_voucher", pk=objection.voucher_id)
    found = get_voucher_for_user(request, objection.voucher_id)
    context = _context(request, found, resolve_form=form)
    return render(request, "authority/notice_voucher.html", context, status=400)
