"""The audit log of the officer's programmes: filtered, paged, exported as CSV and XLSX.
Events that name no programme (a company's registration, a user's sign-up) belong to
no authority and are not shown here."""

from django.shortcuts import render

from audit.models import AuditEvent
from authority import exports
from authority.access import officer_view, programmes_of
from authority.filters import AuditFilter
from authority.views.common import filtered, filtered_page, page_or_rows


def _events(request):
    own = AuditEvent.objects.filter(programme_id__in=programmes_of(request).values("pk"))
    return own.select_related("actor", "programme").order_by("-pk")


@officer_view
def audit_log(request):
    context = filtered_page(request, AuditFilter, _events(request))
    return render(request, page_or_rows(request, "authority/audit.html"), context)


@officer_view
def audit_csv(request):
    _, found = filtered(request, AuditFilter, _events(request))
    rows = exports.audit_rows(found)
    return exports.streamed_csv(rows, columns=exports.AUDIT_COLUMNS, filename="audit.csv")


@officer_view
def audit_xlsx(request):
    _, found = filtered(request, AuditFilter, _events(request))
    rows = exports.audit_rows(found)
    return exports.streamed_xlsx(rows, columns=exports.AUDIT_COLUMNS, filename="audit.xlsx")
