"""Claw-back (追回) pages, under the government portal at /authority/recovery/."""

from django.urls import path

from recovery import views

app_name = "recovery"

urlpatterns = [
    path("", views.receivables, name="receivables"),
    path("findings/new/", views.new_finding, name="new_finding"),
    path("findings/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("receivables/<int:pk>/", views.receivable, name="receivable"),
    path("receivables/<int:pk>/repay/", views.repay, name="repay"),
    path("receivables/<int:pk>/write-off/", views.request_write_off, name="request_write_off"),
    path("write-offs/<int:pk>/confirm/", views.confirm_write_off, name="confirm_write_off"),
    path("write-offs/<int:pk>/withdraw/", views.withdraw_write_off, name="withdraw_write_off"),
]
