"""The finance officers' pages, under the government portal at /authority/payments/."""

from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("prepare/", views.prepare, name="prepare"),
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/pay/", views.pay, name="pay"),
    path("<int:pk>/payment-file.csv", views.batch_csv, name="batch_csv"),
    path("<int:pk>/payment-file.xlsx", views.batch_xlsx, name="batch_xlsx"),
]
