"""The portal's landing page: what waits for the officer, with links."""

from django.shortcuts import render

from authority.access import applications_of, officer_view, vouchers_of
from recovery.selectors import outstanding_receivables
from vouchers.models import Application, Voucher


@officer_view
def home(request):
    context = {
        "waiting": applications_of(request).filter(status=Application.Status.SUBMITTED).count(),
        "in_notice": vouchers_of(request).filter(status=Voucher.Status.PUBLIC_NOTICE).count(),
        "owed_back": outstanding_receivables(request.authority_ids),
    }
    return render(request, "authority/home.html", context)
