"""Providers are named by slug, as the API contract says: `create_provider_key <slug>`,
the credit code still accepted; every provider has a unique ASCII slug."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from accounts.models import Provider
from api.models import ApiKey
from tests import builders
from tests.billing.api.helpers import client_with

pytestmark = pytest.mark.django_db


def new_key(capsys, name: str) -> str:
    call_command("create_provider_key", name, "--name", "prod")
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_the_command_takes_the_providers_slug(capsys):
    centre = builders.provider(slug="cd-icc")
    raw = new_key(capsys, "cd-icc")
    assert client_with(raw).get("/api/v1/contracts").status_code == 200
    assert ApiKey.objects.get().provider == centre


def test_the_credit_code_still_names_the_provider(centre, capsys):
    new_key(capsys, centre.credit_code)
    assert ApiKey.objects.get().provider == centre


def test_a_provider_without_a_given_slug_gets_its_credit_code_lower_cased(centre, capsys):
    assert centre.slug == centre.credit_code.lower() and centre.slug.isascii()
    new_key(capsys, centre.slug)
    assert ApiKey.objects.get().provider == centre


def test_an_unknown_slug_is_named(db):
    with pytest.raises(CommandError, match="no provider with slug or credit code nowhere"):
        call_command("create_provider_key", "nowhere")


def test_two_providers_cannot_share_a_slug(db):
    builders.provider(slug="cd-icc")
    with pytest.raises(ValidationError) as refused:
        builders.provider(name="国家超算成都中心", slug="cd-icc")
    assert "slug" in refused.value.message_dict
    other = builders.provider(name="国家超算成都中心", slug="nsc-cd")
    with pytest.raises(IntegrityError), transaction.atomic():
        Provider.objects.filter(pk=other.pk).update(slug="cd-icc")  # the database says no too


def test_the_demo_providers_have_readable_slugs(db):
    call_command("load_demo", stdout=StringIO())
    assert Provider.objects.filter(slug="cd-icc").exists()
