"""The dishonesty (失信) list: its imported versions, newest first, and a new import."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from authority.access import officer_view
from authority.forms import DishonestyImportForm
from company.views.common import run_service, uploaded
from vouchers.models import DishonestyList
from vouchers.services.dishonesty import import_dishonesty_list
from web.auth import recent_login_required


def _page(request, form, *, status=200):
    versions = (
        DishonestyList.objects.select_related("imported_by")
        .annotate(size=Count("listings"))
        .order_by("-imported_at", "-pk")
    )
    context = {"versions": versions, "form": form}
    return render(request, "authority/dishonesty.html", context, status=status)


@officer_view
def dishonesty(request):
    return _page(request, DishonestyImportForm())


@officer_view
@recent_login_required
def import_list(request):
    form = DishonestyImportForm(request.POST or None, uploaded(request))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if run_service(form, lambda: import_dishonesty_list(upload=upload, by=request.user)):
            messages.success(
                request, _("The list was imported: the eligibility rules read it now.")
            )
            return redirect("authority:dishonesty")
    return _page(request, form, status=400)
