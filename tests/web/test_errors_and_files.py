"""Error pages in both languages, private files, and no public route to uploads."""

import pytest
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import RequestFactory

from web.files import serve_private

pytestmark = pytest.mark.django_db


def test_a_missing_page_answers_404_in_the_site_layout(client, english_client):
    zh = client.get("/no-such-page/")
    assert zh.status_code == 404
    assert "找不到页面" in zh.content.decode()
    en = english_client.get("/no-such-page/")
    assert "Page not found" in en.content.decode()


def test_uploads_have_no_public_url(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "revenue.pdf").write_bytes(b"%PDF-1.4 secret")
    assert client.get("/media/evidence/revenue.pdf").status_code == 404


@pytest.fixture
def stored_file(settings, tmp_path, company):
    settings.MEDIA_ROOT = tmp_path
    declaration = company.current_declaration()
    declaration.evidence.save("revenue.pdf", ContentFile(b"%PDF-1.4 secret"), save=False)
    return declaration.evidence


def test_a_private_file_goes_to_whoever_is_allowed(stored_file):
    response = serve_private(RequestFactory().get("/"), stored_file, allowed=True)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 secret"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"


def test_a_private_file_is_404_for_anyone_else(stored_file):
    with pytest.raises(Http404):
        serve_private(RequestFactory().get("/"), stored_file, allowed=False)


def test_a_missing_private_file_is_404_too(stored_file):
    stored_file.storage.delete(stored_file.name)
    with pytest.raises(Http404):
        serve_private(RequestFactory().get("/"), stored_file, allowed=True)
