"""Input that PostgreSQL cannot store (a NUL character, a lone surrogate) and figures
that make no sense (a revenue year not yet closed or centuries away, a minimum award
above the whole budget) are refused with a bilingual error naming the field, on SQLite
and PostgreSQL alike, and nothing stored changes."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.services import declare_profile, register_entity
from company.services.claims import file_claim
from company.services.registration import sign_up
from tests import builders
from tests.company.conftest import upload
from tests.test_input_gaps import declaration, entity_fields
from tests.test_invalid_input import contract_fields, programme_fields, rejected
from vouchers.models import Programme
from vouchers.services.applications import approve_application, reject_application
from vouchers.services.closing import revoke_voucher
from vouchers.services.contracts import answer_contract, register_contract
from vouchers.services.programmes import create_programme

pytestmark = pytest.mark.postgres

UNSTORABLE = {"NUL": "HT-\x00-1", "lone surrogate": "HT-\ud800-1"}


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_a_contract_number_the_database_cannot_store_is_refused(application, company, centre, text):
    with rejected("number"):
        register_contract(
            entity=company, provider=centre, by=company.clerk, **contract_fields(number=text)
        )


@pytest.mark.parametrize("field", ["name", "legal_representative"])
def test_a_name_with_a_lone_surrogate_is_refused(application, field):
    with rejected(field):
        register_entity(**entity_fields(**{field: "成都\udc80科技有限公司"}))


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_a_revocation_reason_the_database_cannot_store_is_refused(application, bob, text):
    voucher = approve_application(application=application, by=bob).voucher
    with rejected("reason"):
        revoke_voucher(voucher=voucher, by=bob, reason=f"重复申报{text}")


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_a_rejection_reason_the_database_cannot_store_is_refused(application, bob, text):
    with rejected("review_note"):
        reject_application(application=application, by=bob, note=f"材料不全{text}")


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_a_providers_note_the_database_cannot_store_is_refused(application, centre_engineer, text):
    for confirmed in (True, False):
        with rejected("note"):
            answer_contract(
                contract=application.contract,
                confirmed=confirmed,
                note=f"未签署{text}",
                by=centre_engineer,
            )


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_an_invoice_number_the_database_cannot_store_is_refused(
    application, company, chengdu, alice, centre, bob, text
):
    programme = builders.programme(
        authority=chengdu,
        manager=alice,
        providers=[centre],
        code="reimburse-2024",
        settlement_mode="reimburse",
    )
    voucher = approve_application(
        application=builders.submitted_application(
            programme=programme, entity=company, provider=centre
        ),
        by=bob,
    ).voucher
    with rejected("invoice_number"):
        file_claim(
            entity=company,
            voucher=voucher,
            by=company.clerk,
            invoice_number=f"FP{text}",
            invoice_date=date(2024, 5, 31),
            invoice_amount=Decimal("8000.00"),
            amount=Decimal("4000.00"),
            service_start=date(2024, 5, 1),
            service_end=date(2024, 5, 31),
            invoice_file=upload("invoice.pdf"),
            delivery_proof=upload("proof.pdf"),
        )


def test_a_display_name_with_a_lone_surrogate_is_refused(db):
    with rejected("display_name"):
        sign_up(email="li@example.com", password="a long pass phrase", display_name="李\ud800")


# --- revenue years: a closed year, not a typo ----------------------------------------


@pytest.mark.parametrize("year", [3000, 2025, 2024, 1948, 1800])
def test_a_revenue_year_not_yet_closed_or_out_of_range_is_refused(application, company, year):
    # Declared on 1 June 2024: 2024's accounts are not closed yet.
    with rejected("fiscal_year") as info:
        declare_profile(entity=company, by=company.clerk, **declaration(fiscal_year=year))
    assert "1949" in str(info.value) and "2023" in str(info.value)


@pytest.mark.parametrize("year", [1949, 2023])
def test_a_closed_revenue_year_is_accepted(application, company, year):
    declared = declare_profile(entity=company, by=company.clerk, **declaration(fiscal_year=year))
    assert company.current_declaration() == declared


# --- programmes ----------------------------------------------------------------------


def test_a_minimum_award_above_the_whole_budget_is_refused(application, chengdu, alice, centre):
    terms = {"total_budget": Decimal("500000.00"), "annual_cap": None}
    above = programme_fields(chengdu, min_award=Decimal("500000.01"), **terms)
    with rejected("min_award") as info:
        create_programme(by=alice, fields=above, rules=builders.CHENGDU_RULES, providers=[centre])
    assert "500000.00" in str(info.value)

    equal = programme_fields(chengdu, min_award=Decimal("500000.00"), **terms)
    assert create_programme(by=alice, fields=equal, rules=builders.CHENGDU_RULES)


def test_the_database_refuses_a_minimum_award_above_the_budget(programme):
    with pytest.raises(IntegrityError), transaction.atomic():
        # No annual cap, so only the budget stands above the minimum award.
        Programme.objects.filter(pk=programme.pk).update(
            annual_cap=None, min_award=F("total_budget") + 1
        )
