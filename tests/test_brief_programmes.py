"""Every programme of the brief, built from `vouchers/demo/brief_programmes/` through the
services: an applicant its rules admit is entitled to exactly what the brief's arithmetic
says, and the smallest change that breaks the programme's distinctive rule is refused
with that rule's reason.  Then `load_demo`: twice on an empty database, every state."""

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import Entity, Membership
from config.errors import DomainError
from tests import builders
from vouchers.demo.brief_programmes import (
    PROGRAMMES,
    PROVIDERS,
    applicant_profile,
    contract_profile,
    programme_fields,
)
from vouchers.models import Application, LedgerAccount, Voucher
from vouchers.money import split_by_weights
from vouchers.services import ledger
from vouchers.services.applications import create_application, submit_application
from vouchers.services.programmes import create_programme, publish_programme

ENTRIES = {entry["key"]: entry for entry in PROGRAMMES}
YEAR = builders.TODAY.year


def published(entry: dict):
    """The programme, created and published by its own authority's manager, and every
    provider its cases name (by key), designated or not."""
    authority = builders.AuthorityFactory(**entry["authority"])
    manager = builders.member(
        f"{entry['key']}-manager", Membership.Role.PROGRAMME_MANAGER, authority=authority
    )
    providers = {key: _provider(key) for key in [*entry["providers"], "unlisted"]}
    draft = create_programme(
        by=manager,
        fields=programme_fields(entry, authority=authority, year=YEAR),
        rules=entry["rules"],
        providers=[providers[key] for key in entry["providers"]],
        funding_sources=entry["funding_sources"],
    )
    return publish_programme(programme=draft, by=manager), providers


def _provider(key: str):
    data = PROVIDERS[key]
    return builders.provider(
        name=data["name"],
        region=data["region"],
        credit_code=data["credit_code"],
        legal_representative=data["legal_representative"],
    )


def drafted(entry: dict, *, passing: bool) -> Application:
    """A draft application of the entry's passing case, or of its failing case."""
    programme, providers = published(entry)
    profile = applicant_profile(entry, passing=passing)
    applicant = builders.entity(
        name=f"{programme.region_name}申报主体",
        kind=profile["kind"],
        region=profile["region"],
        revenue=profile["revenue"],
        employees=profile["employees"],
        industry=profile["industry"],
        is_startup=profile["is_startup"],
    )
    terms = contract_profile(entry, passing=passing, year=YEAR)
    contract = builders.contract(
        entity=applicant, provider=providers[terms.pop("provider")], **terms
    )
    voucher_kind = entry["distinct"]["passing"].get("voucher_kind", "")
    return create_application(
        entity=applicant,
        contract=contract,
        programme=programme,
        by=applicant.clerk,
        voucher_kind=voucher_kind,
    )


@pytest.mark.parametrize("key", ENTRIES)
def test_an_applicant_the_rules_admit_gets_the_briefs_entitlement(db, key):
    expected = ENTRIES[key]["distinct"]["passing"]
    draft = drafted(ENTRIES[key], passing=True)

    submitted = submit_application(application=draft, by=draft.entity.clerk)

    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.rate == Decimal(expected["rate"])
    assert submitted.entitlement == Decimal(expected["entitlement"])
    assert str(submitted.entitlement) == expected["entitlement"]  # yuan, two places


@pytest.mark.parametrize("key", ENTRIES)
def test_an_applicant_failing_the_distinct_rule_is_refused_with_its_reason(db, key):
    rule = ENTRIES[key]["distinct"]["rule"]
    draft = drafted(ENTRIES[key], passing=False)

    with pytest.raises(DomainError) as refused:
        submit_application(application=draft, by=draft.entity.clerk)

    failed = [result for result in draft.evaluation["results"] if not result["passed"]]
    assert [result["kind"] for result in failed] == [rule]
    assert refused.value.field == "eligibility"
    assert failed[0]["reason_en"] in refused.value.en
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert not Application.objects.exclude(status=Application.Status.DRAFT).exists()


@pytest.mark.parametrize("key", ENTRIES)
def test_the_budget_comes_from_its_funding_sources_by_weight(db, key):
    entry = ENTRIES[key]
    programme, _ = published(entry)

    budget = Decimal(entry["fields"]["total_budget"])
    weights = [Decimal(weight) for _, _, weight in entry["funding_sources"]]
    funding = programme.accounts.filter(kind=LedgerAccount.Kind.FUNDING).order_by("pk")
    assert [-account.balance for account in funding] == split_by_weights(budget, weights)
    assert ledger.available_account(programme).balance == budget


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_load_demo_twice_changes_nothing_and_covers_every_state(db):
    call_command("load_demo", stdout=StringIO())
    first = row_counts()

    output = StringIO()
    call_command("load_demo", stdout=output)

    assert row_counts() == first
    assert set(Application.objects.values_list("status", flat=True)) == set(
        Application.Status.values
    )
    assert set(Voucher.objects.values_list("status", flat=True)) == set(Voucher.Status.values)
    assert "http://127.0.0.1:8000/admin/" in output.getvalue()
    assert "chengdu-reviewer1" in output.getvalue()
    # A group's clerk who acts for two entities, to try the portal's switcher with.
    group = Membership.objects.filter(user__username="group01", role=Membership.Role.ENTITY_STAFF)
    assert sorted(group.values_list("entity__name", flat=True)) == sorted(
        [Entity.objects.get(membership__user__username=u).name for u in ("ent01", "ent02")]
    )
