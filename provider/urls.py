from django.urls import path

from payments import views as payments
from provider.views import contracts, home, keys, statements, usage, webhooks

app_name = "provider"

urlpatterns = [
    path("", home.home, name="home"),
    path("keys/", keys.keys, name="keys"),
    path("keys/create/", keys.create, name="create_key"),
    path("keys/<int:pk>/revoke/", keys.revoke, name="revoke_key"),
    path("signing/", keys.signing, name="signing"),
    path("signing/rotate/", keys.rotate, name="rotate_secret"),
    path("contracts/", contracts.contracts, name="contracts"),
    path("contracts/<int:pk>/", contracts.contract, name="contract"),
    path("usage-files/", usage.usage_files, name="usage_files"),
    path("usage-files/<int:pk>/", usage.usage_file, name="usage_file"),
    path("usage-files/<int:pk>/errors.csv", usage.errors_csv, name="usage_file_errors"),
    path("exceptions/", statements.exceptions, name="exceptions"),
    path("webhooks/", webhooks.endpoints, name="webhooks"),
    path("webhooks/create/", webhooks.create, name="create_webhook"),
    path("webhooks/<int:pk>/", webhooks.endpoint, name="webhook"),
    path("webhooks/<int:pk>/disable/", webhooks.disable, name="disable_webhook"),
    path("webhooks/<int:pk>/enable/", webhooks.enable, name="enable_webhook"),
    path("webhooks/<int:pk>/rotate/", webhooks.rotate, name="rotate_webhook_secret"),
    path("webhooks/deliveries/<int:pk>/redeliver/", webhooks.redeliver, name="redeliver"),
    path("statements/", statements.statements, name="statements"),
    path("bank-details/", payments.provider_bank_details, name="bank_details"),
    path("bank-details/change/", payments.provider_change_bank_details, name="change_bank_details"),
    path("statements/<int:pk>/", statements.statement, name="statement"),
    path("statements/<int:pk>/lines.csv", statements.statement_csv, name="statement_csv"),
    path(
        "statements/<int:pk>/statement.csv",
        statements.statement_export,
        {"kind": "csv"},
        name="statement_export_csv",
    ),
    path(
        "statements/<int:pk>/statement.xlsx",
        statements.statement_export,
        {"kind": "xlsx"},
        name="statement_export_xlsx",
    ),
]
