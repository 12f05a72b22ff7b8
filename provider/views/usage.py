"""Usage files through the page: upload (stored and queued exactly as the API's
POST /usage-files does), the job's progress (htmx polls its partial until it is done),
its row errors on the page and as a CSV download."""

import io

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render

from billing.models import UsageFile
from billing.tasks import process_usage_file
from billing.usage_files import store_upload
from config import csv_safe
from provider.access import get_usage_file_for_user, provider_view, usage_files_of
from provider.forms import UsageFileForm

RECENT = 20
ERROR_COLUMNS = ["row", "field", "code", "message"]
UNFINISHED = (UsageFile.Status.QUEUED, UsageFile.Status.RUNNING)


def _list_context(request, form=None) -> dict:
    recent = usage_files_of(request).defer("errors").order_by("-pk")[:RECENT]
    return {"form": form or UsageFileForm(), "files": recent}


@provider_view
def usage_files(request):
    if request.method != "POST":
        return render(request, "provider/usage_files.html", _list_context(request))
    return _upload(request)


def _upload(request):
    form = UsageFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "provider/usage_files.html", _list_context(request, form), status=400
        )
    sent = form.cleaned_data["file"]
    with transaction.atomic():
        stored = store_upload(
            provider=request.provider,
            chunks=sent.chunks(),
            original_name=sent.name,
            by=request.user,
        )
        transaction.on_commit(lambda: process_usage_file.delay(stored.pk))
    return redirect("provider:usage_file", pk=stored.pk)


@provider_view
def usage_file(request, pk):
    found = get_usage_file_for_user(request, pk)
    template = "provider/usage_file.html"
    if getattr(request, "htmx", False):
        template += "#progress"
    context = {"file": found, "polling": found.status in UNFINISHED}
    return render(request, template, context)


@provider_view
def errors_csv(request, pk):
    found = get_usage_file_for_user(request, pk)
    out = io.StringIO()
    writer = csv_safe.DictWriter(out, fieldnames=ERROR_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(found.errors)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="usage-file-{found.pk}-errors.csv"'
    return response
