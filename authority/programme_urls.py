"""The programme manager's pages, under /authority/programmes/ in the `authority`
namespace (included by authority/urls.py)."""

from django.urls import path

from authority.views import programmes

urlpatterns = [
    path("", programmes.programmes, name="programmes"),
    path("new/", programmes.new, name="new_programme"),
    path("<int:pk>/", programmes.programme, name="programme"),
    path("<int:pk>/edit/", programmes.edit, name="edit_programme"),
    path("<int:pk>/revise/", programmes.revise, name="revise"),
    path("<int:pk>/versions/<int:number>/", programmes.version, name="version"),
    path("<int:pk>/publish/", programmes.publish, name="publish_programme"),
    path("<int:pk>/close/", programmes.close, name="close_programme"),
    path("<int:pk>/simulate/", programmes.simulate, name="simulate"),
    path("<int:pk>/invite/", programmes.invite, name="invite"),
]
