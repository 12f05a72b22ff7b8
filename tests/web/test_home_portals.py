"""The home page lists the portals open to the signed-in user, as their apps install."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_clerk_finds_the_applicant_portal_once_it_is_installed(client, clerk, settings):
    settings.ROOT_URLCONF = "tests.web.portal_urls"
    client.force_login(clerk)
    page = client.get("/").content.decode()
    assert 'href="/company/"' in page
    assert "申报端" in page


def test_a_reviewer_is_not_offered_the_applicant_portal(client, bob, settings):
    settings.ROOT_URLCONF = "tests.web.portal_urls"
    client.force_login(bob)
    page = client.get("/").content.decode()
    assert 'href="/company/"' not in page


def test_a_portal_that_is_not_installed_is_not_offered(client, bob, settings):
    settings.ROOT_URLCONF = "tests.web.portal_urls"
    client.force_login(bob)
    page = client.get("/").content.decode()
    assert "政府端" not in page
    assert "您所属角色的门户尚未开放。" in page


def test_a_reviewer_finds_the_government_portal(client, bob):
    client.force_login(bob)
    page = client.get("/").content.decode()
    assert 'href="/authority/"' in page
    assert "政府端" in page


def test_staff_are_offered_the_back_office(client, django_user_model):
    admin = django_user_model.objects.create_user("root", password="pass", is_staff=True)
    client.force_login(admin)
    assert 'href="/admin/"' in client.get("/").content.decode()
