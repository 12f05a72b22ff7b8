"""/api/v1/: the provider integration API, its OpenAPI schema and its docs."""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from api.errors import not_found
from api.views.contracts import ContractConfirmation, ContractList
from api.views.settlements import SettlementDetail, SettlementList
from api.views.usage import UsageFileDetail, UsageFiles, UsageRecords
from api.views.vouchers import VoucherDetail

app_name = "api"

endpoints = [
    path("vouchers/<str:code>", VoucherDetail.as_view(), name="voucher"),
    path("contracts", ContractList.as_view(), name="contracts"),
    path(
        "contracts/<str:contract_number>/confirmation",
        ContractConfirmation.as_view(),
        name="contract-confirmation",
    ),
    path("usage-records", UsageRecords.as_view(), name="usage-records"),
    path("usage-files", UsageFiles.as_view(), name="usage-files"),
    path("usage-files/<int:file_id>", UsageFileDetail.as_view(), name="usage-file"),
    path("settlements", SettlementList.as_view(), name="settlements"),
    path("settlements/<int:settlement_id>", SettlementDetail.as_view(), name="settlement"),
]

# Swagger UI and Redoc set style attributes and <style> elements from their scripts; on
# these two pages only, styles (never scripts) may be inline. Both run only this site's
# files (drf-spectacular-sidecar); Redoc renders in a blob: worker and always shows its
# maker's logo, an image it loads from cdn.redoc.ly (blocked, it would be a console error).
DOCS_CSP = {"style-src": ["'unsafe-inline'"]}
REDOC_CSP = {**DOCS_CSP, "worker-src": ["'self'", "blob:"], "img-src": ["https://cdn.redoc.ly"]}


def docs_page(view, csp=DOCS_CSP, **options):
    return csp_update(csp)(view.as_view(url_name="api:schema", **options))


urlpatterns = [
    *endpoints,
    path(
        "schema/",
        # Only the provider endpoints, under their public prefix.
        SpectacularAPIView.as_view(patterns=[path("api/v1/", include(endpoints))]),
        name="schema",
    ),
    path("docs/", docs_page(SpectacularSwaggerSplitView), name="docs"),
    # The same schema as a reference to read (Redoc, from drf-spectacular-sidecar's files).
    path(
        "redoc/",
        docs_page(SpectacularRedocView, REDOC_CSP, template_name="api/redoc.html"),
        name="redoc",
    ),
    # Anything else under /api/v1/ answers 404 in the API's error shape, line breaks
    # included (a plain `.` stops at one; Django's URL reverser refuses inline flags).
    re_path(r"^[\s\S]*$", not_found),
]
