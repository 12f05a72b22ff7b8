"""The portal's landing page: what waits for the provider, with links."""

from django.shortcuts import render

from billing.models import ReconciliationException, UsageFile
from billing.selectors import statements_of
from provider.access import contracts_of, exceptions_of, provider_view, usage_files_of
from vouchers.models import Contract

RUNNING = (UsageFile.Status.QUEUED, UsageFile.Status.RUNNING)


@provider_view
def home(request):
    context = {
        "to_answer": contracts_of(request)
        .filter(provider_status=Contract.ProviderStatus.DECLARED)
        .count(),
        "running": usage_files_of(request).filter(status__in=RUNNING).count(),
        "open_exceptions": exceptions_of(request)
        .filter(status=ReconciliationException.Status.OPEN)
        .count(),
        "statements": statements_of(request.provider).count(),
    }
    return render(request, "provider/home.html", context)
