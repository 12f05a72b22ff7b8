from django.urls import path

from authority.views import home, two_factor

app_name = "authority"

urlpatterns = [
    path("", home.home, name="home"),
    path("two-factor/", two_factor.verify, name="verify"),
    path("two-factor/enrol/", two_factor.enrol, name="enrol"),
]
