"""The public notice board, `public:` namespace. The export URLs are stable (open data)."""

from django.urls import path

from web.views import objections, public

app_name = "public"
urlpatterns = [
    path("", public.programme_list, name="programme_list"),
    path("<slug:code>/", public.programme_detail, name="programme_detail"),
    path("<slug:code>/awards.csv", public.awards_csv, name="awards_csv"),
    path("<slug:code>/awards.json", public.awards_json, name="awards_json"),
    path("<slug:code>/awards/<int:pk>/object/", objections.objection, name="objection"),
]
