"""A URL configuration with a company portal installed, for the home page's portal list."""

from django.http import HttpResponse
from django.urls import include, path

company_patterns = ([path("", lambda request: HttpResponse(), name="home")], "company")

urlpatterns = [
    path("company/", include(company_patterns)),
    path("", include("web.urls")),
]
