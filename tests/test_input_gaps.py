"""Input the foundation used to take that it should not have: a blank or control-laden
name, a float revenue, a free-text industry, a declaration dated ahead, a programme
whose minimum award is above its annual cap. Each is refused with a bilingual error on
its field, by the service and by the admin form, and nothing stored changes."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Entity, EntityDeclaration
from accounts.services import declare_profile, register_entity, register_provider
from tests import builders
from tests.test_admin import entity_form, programme_form
from tests.test_invalid_input import CHINESE, ENGLISH, programme_fields, rejected
from vouchers.models import Programme
from vouchers.services.programmes import create_programme

BAD_NAMES = {
    "spaces": "   ",
    "ideographic space": "\u3000\u3000",
    "zero-width space": "\u200b",
    "NUL byte": "成都星光\x00科技有限公司",
    "tab": "成都星光\t科技有限公司",
    "newline": "成都星光科技有限公司\n",
    "escape": "成都星光\x1b[31m科技有限公司",
}


def entity_fields(**changes) -> dict:
    fields = {
        "name": "成都星光科技有限公司",
        "credit_code": builders.credit_code(serial=777001),
        "legal_representative": "李四",
        "kind": "enterprise",
    }
    return {**fields, **changes}


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_an_entity_name_with_nothing_visible_or_a_control_character_is_refused(application, name):
    with rejected("name"):
        register_entity(**entity_fields(name=name))

    assert register_entity(**entity_fields()).name == "成都星光科技有限公司"


@pytest.mark.parametrize("name", [BAD_NAMES["NUL byte"], BAD_NAMES["spaces"]], ids=repr)
def test_a_provider_name_is_held_to_the_same_rule(application, name):
    with rejected("name"):
        register_provider(
            name=name,
            credit_code=builders.credit_code(serial=777002),
            legal_representative="赵六",
            region_code=builders.CHENGDU,
        )


def test_a_legal_representative_with_a_nul_byte_is_refused(application):
    with rejected("legal_representative"):
        register_entity(**entity_fields(legal_representative="李\x00四"))


# --- declarations --------------------------------------------------------------------


def declaration(**changes) -> dict:
    fields = {
        "declared_on": builders.TODAY,
        "fiscal_year": 2023,
        "registered_region": builders.CHENGDU,
        "industry": "65",
        "employees": 120,
        "prior_year_revenue": Decimal("20000000.00"),
    }
    return {**fields, **changes}


BAD_DECLARATIONS = {
    "float revenue": ("prior_year_revenue", {"prior_year_revenue": 20000000.0}),
    "revenue too large for SQLite": (
        "prior_year_revenue",
        {"prior_year_revenue": Decimal("12345678901234.56")},
    ),
    "dated tomorrow": ("declared_on", {"declared_on": date(2024, 6, 2)}),
    "industry as free text": ("industry", {"industry": "software_it"}),
    "industry beyond the divisions": ("industry", {"industry": "98"}),
    "industry as a group code": ("industry", {"industry": "651"}),
}


@pytest.mark.parametrize(
    ("field", "changes"), BAD_DECLARATIONS.values(), ids=BAD_DECLARATIONS.keys()
)
def test_a_bad_declaration_is_refused_and_the_current_one_stays(
    application, company, field, changes
):
    current = company.current_declaration()
    with rejected(field):
        declare_profile(entity=company, by=company.clerk, **declaration(**changes))
    assert company.current_declaration() == current


@pytest.mark.parametrize("industry", ["I", "65", "C", "39", "A", "01", "T", "97"])
def test_a_section_or_a_division_of_gb_t_4754_is_accepted(application, company, industry):
    declared = declare_profile(entity=company, by=company.clerk, **declaration(industry=industry))
    assert company.current_declaration() == declared
    assert declared.get_industry_display().startswith(industry + " ")


# --- programmes ----------------------------------------------------------------------


def test_a_minimum_award_above_the_annual_cap_is_refused(application, chengdu, alice, centre):
    above = programme_fields(chengdu, min_award=Decimal("1000000.01"))
    with rejected("min_award") as info:
        create_programme(by=alice, fields=above, rules=builders.CHENGDU_RULES, providers=[centre])
    assert "1000000.00" in info.value.messages[0]

    equal = programme_fields(chengdu, min_award=Decimal("1000000.00"))
    assert create_programme(by=alice, fields=equal, rules=builders.CHENGDU_RULES)


@pytest.mark.parametrize("field", ["min_award", "annual_cap", "claim_share_cap"])
def test_a_term_typed_as_text_is_refused_on_its_field_not_compared(
    application, chengdu, alice, field
):
    with rejected(field):
        create_programme(
            by=alice,
            fields=programme_fields(chengdu, **{field: "十万"}),
            rules=builders.CHENGDU_RULES,
        )


# --- the admin forms -----------------------------------------------------------------


@pytest.fixture
def olivia_client(client, django_user_model):
    olivia = django_user_model.objects.create_superuser("olivia", "olivia@example.com", "pass")
    client.force_login(olivia)
    return client


def form_errors(response, field: str) -> str:
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    return " ".join(errors[field])


def test_the_programme_form_refuses_a_minimum_award_above_the_cap(olivia_client, chengdu, centre):
    data = {
        **programme_form(chengdu, centre, rules=builders.CHENGDU_RULES),
        "min_award": "2000000.00",
    }
    text = form_errors(
        olivia_client.post(reverse("admin:vouchers_programme_add"), data), "min_award"
    )
    assert CHINESE.search(text) and ENGLISH.search(text), text
    assert not Programme.objects.exists()


def test_the_programme_form_refuses_a_budget_it_cannot_store(olivia_client, chengdu, centre):
    rules = builders.CHENGDU_RULES
    data = {**programme_form(chengdu, centre, rules=rules), "total_budget": "12345678901234.56"}
    response = olivia_client.post(reverse("admin:vouchers_programme_add"), data)
    text = form_errors(response, "total_budget")
    assert CHINESE.search(text) and ENGLISH.search(text), text
    assert not Programme.objects.exists()


@pytest.mark.parametrize(
    "name", [BAD_NAMES["NUL byte"], BAD_NAMES["spaces"], BAD_NAMES["tab"]], ids=repr
)
def test_the_entity_form_refuses_a_bad_name(olivia_client, name):
    data = {**entity_form(builders.credit_code(serial=777003)), "name": name}
    form_errors(olivia_client.post(reverse("admin:accounts_entity_add"), data), "name")
    assert not Entity.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("declared_on", "2024-06-02"), ("industry", "software_it"), ("prior_year_revenue", "1e26")],
)
def test_the_declaration_form_refuses_what_the_service_refuses(
    olivia_client, company, field, value
):
    data = {
        "entity": company.pk,
        "declared_on": "2024-05-01",
        "fiscal_year": 2023,
        "registered_region": "510100",
        "industry": "65",
        "employees": 80,
        "prior_year_revenue": "15000000.00",
        field: value,
    }
    form_errors(olivia_client.post(reverse("admin:accounts_entitydeclaration_add"), data), field)
    assert EntityDeclaration.objects.count() == 1
