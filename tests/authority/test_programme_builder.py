"""The programme builder: every rule kind through its form into the engine's rule set
and back in the company's words; bad input beside its field in both languages; a
revision is a new version; another authority's programme is a 404."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from authority.builder.rule_forms import RULE_FORMS
from tests import builders
from tests.authority.builder_data import EVERY_RULE, builder_data
from tests.authority.conftest import signed_in
from vouchers.models import Programme
from vouchers.rules import validate_ruleset
from vouchers.rules.describe import DESCRIBE, describe_ruleset
from vouchers.rules.schema import PARAMS

NEW = reverse("authority:new_programme")


def built(client, **data):
    response = client.post(NEW, builder_data(**data))
    assert response.status_code == 302, _errors(response)
    return Programme.objects.get(code=data.get("code", "cd-2025"))


def _errors(response) -> str:
    return response.content.decode()[-3000:]


def test_every_rule_kind_of_the_engine_has_its_form_and_its_words():
    assert set(RULE_FORMS) == set(PARAMS)
    assert set(DESCRIBE) == set(PARAMS)
    assert {rule["kind"] for rule in EVERY_RULE["rules"]} == set(PARAMS)


def test_every_rule_kind_goes_through_its_form_into_the_rule_set(alice, centre):
    programme = built(signed_in(alice, language="en"), providers=[centre.pk])
    ruleset = programme.current_ruleset()
    assert ruleset.version == 1
    assert ruleset.document == validate_ruleset(EVERY_RULE)
    assert {rule["kind"] for rule in ruleset.document["rules"]} == {
        "entity_kinds", "registered_region", "revenue_floor", "size_class", "startup",
        "industries", "designated_provider", "not_related_party", "contract_window",
        "one_subsidy_per_contract", "no_dishonesty", "purposes", "service_categories",
        "contract_paid",
    }  # fmt: skip
    assert list(programme.providers.all()) == [centre]
    assert str(programme.claim_share_cap) == "0.5000"
    assert programme.settlement_period == "quarterly"
    assert [(s.name_en, s.weight) for s in programme.funding_sources.all()] == [
        ("Chengdu municipal budget", 1)
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rules_read_back_in_the_company_words(alice, centre, language):
    client = signed_in(alice, language=language)
    programme = built(client, providers=[centre.pk])
    page = client.get(reverse("authority:programme", args=[programme.pk])).content.decode()
    half = 1 if language == "en" else 0
    for line in describe_ruleset(EVERY_RULE):
        assert line[1 + half] in page
    assert (
        "prior-year revenue of at least 10,000,000.00 yuan" in page
        or "不低于 10,000,000.00" in page
    )


def test_the_edit_form_shows_what_was_built_and_an_unchanged_save_adds_no_version(alice, centre):
    client = signed_in(alice, language="en")
    programme = built(client, providers=[centre.pk])
    url = reverse("authority:edit_programme", args=[programme.pk])
    page = client.get(url).content.decode()
    assert 'value="50%"' in page  # the claim share cap as people type it
    assert 'value="5101, 510107"' in page
    assert 'value="65, C"' in page
    response = client.post(url, builder_data(providers=[centre.pk]))
    assert response.status_code == 302, _errors(response)
    assert programme.rulesets.count() == 1


@pytest.mark.parametrize("typed", ["50", "50%", "0.5", "５０％"])
def test_a_share_is_understood_typed_any_way(alice, typed):
    programme = built(signed_in(alice), claim_share_cap=typed, typed_rates=[typed, "60%", "0.3"])
    assert str(programme.claim_share_cap) == "0.5000"
    assert programme.current_ruleset().document["rate_tiers"][0]["rate"] == "0.50"


# (field, typed, Chinese, English): each refused beside its own field.
BAD_INPUT = [
    ("claim_share_cap", "abc", "比例无效", "not a valid share"),
    ("claim_share_cap", "150%", "不超过 100%", "at most 100%"),
    ("tiers-0-rate", "0", "比例须大于 0", "above 0"),
    ("revenue_floor-min_revenue", "12.345", "小数", "decimal place"),
    ("registered_region-regions", "51A", "无效的代码：51A", "not a valid code: 51A"),
    ("industries-allowed", "65, ZZ", "无效的代码：ZZ", "not a valid code: ZZ"),
    ("contract_window-signed_to", "2023-01-01", "最后签订日期早于", "before the first"),
    ("no_dishonesty-years", "-1", "0", "0"),
    ("total_budget", "-5", "0", "0"),
    ("applications_close", "2024-12-31", "申报截止日期早于开始日期", "close before they open"),
    ("min_award", "2000000", "最低补贴不能高于单位年度上限", "may not be above the annual cap"),
]


@pytest.mark.parametrize(("field", "typed", "zh", "en"), BAD_INPUT)
def test_bad_input_is_named_beside_its_field_in_both_languages(alice, field, typed, zh, en):
    for language, message in (("zh-hans", zh), ("en", en)):
        data = {**builder_data(), field: typed}
        response = signed_in(alice, language=language).post(NEW, data)
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page, (language, field)
        assert f'id="id_{field}_error"' in page or f"{field}_error" in page, (language, field)
    assert not Programme.objects.exists()


def test_a_revision_is_a_new_version_and_filed_applications_keep_theirs(
    alice, programme, application
):
    client = signed_in(alice, language="en")
    first = programme.current_ruleset()
    document = {**first.document}
    document["rules"] = [
        {**rule, "min_revenue": "20000000.00"} if rule["kind"] == "revenue_floor" else rule
        for rule in first.document["rules"]
    ]
    data = builder_data(document=document)
    data["note"] = "floor raised"
    response = client.post(reverse("authority:revise", args=[programme.pk]), data)
    assert response.status_code == 302, _errors(response)
    assert programme.current_ruleset().version == 2
    application.refresh_from_db()
    assert application.ruleset == first
    diff = client.get(reverse("authority:version", args=[programme.pk, 2])).content.decode()
    assert "10,000,000.00" in diff and "20,000,000.00" in diff
    assert diff.count('data-changed="1"') == 1
    assert AuditEvent.objects.filter(action="ruleset.revise", programme=programme).exists()


def test_publish_then_close(alice, centre):
    client = signed_in(alice)
    programme = built(client, providers=[centre.pk])
    client.post(reverse("authority:publish_programme", args=[programme.pk]))
    programme.refresh_from_db()
    assert programme.status == "published"
    client.post(reverse("authority:close_programme", args=[programme.pk]))
    programme.refresh_from_db()
    assert programme.status == "closed"
    assert AuditEvent.objects.filter(action="programme.close", programme=programme).exists()


def test_another_authoritys_programme_is_not_found(programme, dave):
    client = signed_in(dave)
    for name in ("programme", "edit_programme", "revise", "simulate"):
        assert client.get(reverse(f"authority:{name}", args=[programme.pk])).status_code == 404


def test_only_the_programme_manager_builds(programme, bob):
    client = signed_in(bob)
    assert client.get(reverse("authority:programme", args=[programme.pk])).status_code == 403
    assert client.get(NEW).status_code == 403
    response = client.post(reverse("authority:publish_programme", args=[programme.pk]))
    assert response.status_code == 403


def test_every_provider_is_offered_with_a_filter_by_name(alice, centre):
    """The search filters the list in the page (web/static/web/site.js), so nothing typed
    into the builder is lost by a reload; without script the whole list stays."""
    other = builders.provider(name="国家超算成都中心")
    page = signed_in(alice, language="en").get(NEW).content.decode()
    assert other.name in page and centre.name in page
    assert 'data-filter-checks="provider-choices"' in page and 'id="provider-choices"' in page


def test_a_draft_edited_keeps_its_terms_audited_and_its_rules_versioned(alice, centre):
    client = signed_in(alice, language="en")
    programme = built(client, providers=[centre.pk])
    url = reverse("authority:edit_programme", args=[programme.pk])
    document = {**EVERY_RULE, "rules": EVERY_RULE["rules"][:3]}
    data = builder_data(document=document, providers=[centre.pk], annual_cap="800000")
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)
    programme.refresh_from_db()
    assert str(programme.annual_cap) == "800000.00"
    assert programme.current_ruleset().version == 2
    assert len(programme.current_ruleset().document["rules"]) == 3
    event = AuditEvent.objects.get(action="programme.update", programme=programme)
    assert event.before == {"annual_cap": "1000000.00"}
    assert event.after == {"annual_cap": "800000.00"}
