"""URLs: the back office (Django admin) at /admin/, the API schema, and / sending
visitors to the back office until the portals exist."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

admin.site.site_header = "算力券管理后台 / Compute-voucher back office"
admin.site.site_title = "算力券 / compute vouchers"
admin.site.index_title = "后台管理 / administration"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("api.urls")),
]
