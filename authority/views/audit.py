"""The audit log of the officer's programmes: filtered, paged, exported as CSV and XLSX.
Events that name no programme belong to no authority and are not shown here (a
company's registration, a user's sign-up), except a payment batch's, which is the
authority's own."""

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.shortcuts import render

from audit.models import AuditEvent
from authority import exports
from authority.access import officer_view, programmes_of
from authority.filters import AuditFilter
from authority.views.common import filtered, filtered_page, page_or_rows
from payments.models import PaymentBatch


def _events(request):
    programmes = programmes_of(request).values("pk")
    # A payment batch pays several of the authority's programmes at once, so its events
    # name none: they are the authority's by the batch's own row.
    batches = PaymentBatch.objects.filter(authority_id__in=request.authority_ids)
    batch_ids = batches.annotate(key=Cast("pk", CharField())).values("key")
    own = AuditEvent.objects.filter(
        Q(programme_id__in=programmes) | Q(object_type="paymentbatch", object_id__in=batch_ids)
    )
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
