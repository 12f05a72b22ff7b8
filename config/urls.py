"""URLs: the site (home, sign-in, language, public notice board: web.urls), the back
office (Django admin) at /admin/ and the API schema. Each portal is one `include()` with
its own namespace (`company:`, `authority:`, `provider:`)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

admin.site.site_header = "算力券管理后台 / Compute-voucher back office"
admin.site.site_title = "算力券 / compute vouchers"
admin.site.index_title = "后台管理 / administration"

urlpatterns = [
    path("", include("web.urls")),
    path("company/", include("company.urls")),
    path("authority/payments/", include("payments.urls")),
    path("authority/recovery/", include("recovery.urls")),
    path("authority/", include("authority.urls")),
    path("provider/", include("provider.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("api.urls")),
]
