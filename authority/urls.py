from django.urls import path

from authority.views import (
    applications,
    claims,
    dishonesty,
    home,
    notice,
    queue,
    two_factor,
    vouchers,
    warnings,
)

app_name = "authority"

urlpatterns = [
    path("", home.home, name="home"),
    path("two-factor/", two_factor.verify, name="verify"),
    path("two-factor/enrol/", two_factor.enrol, name="enrol"),
    path("queue/", queue.queue, name="queue"),
    path("queue.csv", queue.queue_csv, name="queue_csv"),
    path("queue.xlsx", queue.queue_xlsx, name="queue_xlsx"),
    path("queue/decide/", queue.bulk_decide, name="bulk_decide"),
    path("applications/<int:pk>/", applications.application, name="application"),
    path("applications/<int:pk>/approve/", applications.approve_view, name="approve"),
    path("applications/<int:pk>/return/", applications.return_view, name="return"),
    path("applications/<int:pk>/reject/", applications.reject_view, name="reject"),
    path("claims/", claims.claims, name="claims"),
    path("claims/<int:pk>/", claims.claim, name="claim"),
    path("claims/<int:pk>/files/<slug:which>/", claims.claim_file, name="claim_file"),
    path("claims/<int:pk>/approve/", claims.approve_claim, name="approve_claim"),
    path("claims/<int:pk>/return/", claims.return_claim, name="return_claim"),
    path("claims/<int:pk>/reject/", claims.reject_claim, name="reject_claim"),
    path("vouchers/", vouchers.vouchers, name="vouchers"),
    path("vouchers.csv", vouchers.vouchers_csv, name="vouchers_csv"),
    path("vouchers.xlsx", vouchers.vouchers_xlsx, name="vouchers_xlsx"),
    path("vouchers/<int:pk>/", vouchers.voucher, name="voucher"),
    path("vouchers/<int:pk>/revoke/", vouchers.revoke, name="revoke"),
    path("declarations/<int:pk>/evidence/", applications.evidence, name="evidence"),
    path(
        "applications/<int:pk>/warnings/<slug:kind>/seen/",
        warnings.warning_seen,
        name="warning_seen",
    ),
    path(
        "declarations/<int:pk>/personal/<slug:field>/",
        warnings.personal_value,
        name="personal_value",
    ),
    path("notice/", notice.notice, name="notice"),
    path("notice/<int:pk>/", notice.notice_voucher, name="notice_voucher"),
    path("notice/<int:pk>/end/", notice.end_early, name="end_notice"),
    path("objections/<int:pk>/<str:outcome>/", notice.resolve, name="resolve_objection"),
    path("dishonesty/", dishonesty.dishonesty, name="dishonesty"),
    path("dishonesty/import/", dishonesty.import_list, name="dishonesty_import"),
]
