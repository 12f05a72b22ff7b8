"""/api/v1/: the provider integration API, its OpenAPI schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

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

urlpatterns = [
    *endpoints,
    path(
        "schema/",
        # Only the provider endpoints, under their public prefix.
        SpectacularAPIView.as_view(patterns=[path("api/v1/", include(endpoints))]),
        name="schema",
    ),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/v1/ answers 404 in the API's error shape, line breaks
    # included (a plain `.` stops at one; Django's URL reverser refuses inline flags).
    re_path(r"^[\s\S]*$", not_found),
]
