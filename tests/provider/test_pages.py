"""Every page of the provider portal for its staff, in both languages; refused to
anyone else; another provider's objects answer 404."""

import pytest
from django.test import Client

from tests.authority.conftest import signed_in
from tests.provider.conftest import *  # noqa: F403 (the personas)


def pages(world) -> list[str]:
    return [
        "/provider/",
        "/provider/keys/",
        "/provider/contracts/",
        f"/provider/contracts/{world.contract.pk}/",
        "/provider/usage-files/",
        f"/provider/usage-files/{world.usage_file.pk}/",
        f"/provider/usage-files/{world.usage_file.pk}/errors.csv",
        "/provider/exceptions/",
        "/provider/statements/",
        f"/provider/statements/{world.statement.pk}/",
        f"/provider/statements/{world.statement.pk}/lines.csv",
    ]


def test_every_page_opens_for_the_providers_staff(as_erin, world):
    for url in pages(world):
        assert as_erin.get(url).status_code == 200, url


def test_every_page_speaks_english_when_asked(as_erin_en, world):
    home = as_erin_en.get("/provider/").content.decode()
    assert "Provider portal" in home
    assert "1 contract to confirm or dispute" in home
    assert "1 open exception" in home and "1 statement" in home
    for url in pages(world)[:-1]:
        assert as_erin_en.get(url).status_code == 200, url


def test_the_home_page_is_in_chinese_by_default(as_erin, world):
    assert "服务商" in as_erin.get("/provider/").content.decode()


@pytest.mark.parametrize("persona", ["bob", "clerk", "anonymous"])
def test_everyone_else_is_refused(persona, world, bob, company):
    users = {"bob": bob, "clerk": company.clerk}
    client = Client() if persona == "anonymous" else signed_in(users[persona], verified=False)
    for url in pages(world):
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and "/login" in response["Location"], url
        else:
            assert response.status_code == 403, url


@pytest.mark.parametrize("persona", ["bob", "clerk"])
def test_no_one_else_acts_for_the_provider(persona, world, bob, company, centre):
    user = {"bob": bob, "clerk": company.clerk}[persona]
    client = signed_in(user, verified=False)
    actions = [
        "/provider/keys/create/",
        "/provider/signing/",
        "/provider/signing/rotate/",
        f"/provider/contracts/{world.contract.pk}/",
        "/provider/usage-files/",
    ]
    for url in actions:
        assert client.post(url, {"answer": "dispute", "note": "x"}).status_code == 403, url
    assert not centre.api_keys.exists()
    world.contract.refresh_from_db()
    assert world.contract.provider_status == "declared"


def test_another_providers_objects_answer_404(as_erin, world, theirs):
    urls = [
        f"/provider/contracts/{theirs.contract.pk}/",
        f"/provider/usage-files/{theirs.usage_file.pk}/",
        f"/provider/usage-files/{theirs.usage_file.pk}/errors.csv",
        f"/provider/statements/{theirs.statement.pk}/",
        f"/provider/statements/{theirs.statement.pk}/lines.csv",
    ]
    for url in urls:
        assert as_erin.get(url).status_code == 404, url
    posts = [
        f"/provider/keys/{theirs.key.pk}/revoke/",
        f"/provider/contracts/{theirs.contract.pk}/",
    ]
    for url in posts:
        assert as_erin.post(url, {"answer": "dispute", "note": "x"}).status_code == 404, url
    theirs.key.refresh_from_db()
    assert theirs.key.is_live


def test_lists_show_only_the_providers_own_rows(as_erin, world, theirs):
    assert "GZ-001" not in as_erin.get("/provider/contracts/").content.decode()
    assert "gz-1" not in as_erin.get("/provider/exceptions/").content.decode()
    assert "rival" not in as_erin.get("/provider/keys/").content.decode()
    statements = as_erin.get("/provider/statements/").content.decode()
    assert f"/provider/statements/{theirs.statement.pk}/" not in statements


def test_the_site_home_lists_the_portal_for_provider_staff(as_erin, world):
    assert "/provider/" in as_erin.get("/").content.decode()
