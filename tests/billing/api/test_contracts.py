"""GET /api/v1/contracts and POST /api/v1/contracts/{contract_number}/confirmation."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from config.errors import DomainError
from tests import builders
from tests.billing.api.helpers import error_of
from vouchers.models import Contract
from vouchers.services.applications import approve_application
from vouchers.services.contracts import answer_contract
from vouchers.services.evaluation import evaluate_application, trace

pytestmark = pytest.mark.django_db


def confirm(api, number, **answer):
    return api.post(f"/api/v1/contracts/{number}/confirmation", answer, format="json")


def test_it_lists_the_providers_contracts_with_their_vouchers(api, voucher, rival_voucher):
    response = api.get("/api/v1/contracts")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    [contract] = body["results"]
    assert contract | {"updated_at": None} == {
        "contract_number": voucher.contract.number,
        "entity_name": voucher.entity.name,
        "value": "100000.00",
        "service_start": "2024-01-01",
        "service_end": "2024-12-31",
        "status": "declared",
        "vouchers": [{"code": voucher.code, "status": "active", "remaining": "50000.00"}],
        "confirmed_value": None,
        "confirmed_start": None,
        "confirmed_end": None,
        "note": "",
        "answered_at": None,
        "updated_at": None,
    }


def test_it_pages_the_list(api, centre, company):
    for _ in range(3):
        builders.contract(entity=company, provider=centre)
    body = api.get("/api/v1/contracts", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert api.get(body["next"]).json()["results"][0]["contract_number"]


def test_it_filters_by_status_and_update_time(api, contract, centre, company):
    other = builders.contract(entity=company, provider=centre)
    confirm(api, other.number, confirmed=True)
    confirmed = api.get("/api/v1/contracts", {"status": "confirmed"}).json()["results"]
    assert [c["contract_number"] for c in confirmed] == [other.number]
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert api.get("/api/v1/contracts", {"updated_since": later}).json()["count"] == 0
    earlier = (timezone.now() - timedelta(hours=1)).isoformat()
    assert api.get("/api/v1/contracts", {"updated_since": earlier}).json()["count"] == 2


@pytest.mark.parametrize(
    "query, field",
    [({"status": "maybe"}, "status"), ({"updated_since": "yesterday"}, "updated_since")],
)
def test_it_refuses_a_bad_filter_naming_it(api, contract, query, field):
    response = api.get("/api/v1/contracts", query)
    assert response.status_code == 400
    assert error_of(response)["field"] == field


def test_the_provider_confirms_the_declared_figures(api, contract):
    response = confirm(api, contract.number, confirmed=True, note="ok")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert response.json()["confirmed_value"] == "100000.00"
    contract.refresh_from_db()
    assert contract.provider_status == "confirmed" and not contract.answer_differs
    event = AuditEvent.objects.filter(action="contract.confirmed").get()
    assert event.after["via"].startswith("api-key:") and event.actor is None


def test_a_confirmation_with_other_figures_is_flagged_for_the_reviewer(api, application):
    contract = application.contract
    response = confirm(api, contract.number, confirmed=True, value="80000.00")
    assert response.json()["confirmed_value"] == "80000.00"
    contract.refresh_from_db()
    assert contract.answer_differs
    shown = trace(evaluate_application(application, today=builders.TODAY))["results"][-1]
    assert shown["kind"] == "provider_answer" and shown["passed"]
    assert shown["figures"]["confirmed_value"] == "80000.00"


def test_contract_numbers_match_by_their_normalised_key(api, centre, company):
    contract = builders.contract(entity=company, provider=centre, number="HT-7")
    assert confirm(api, " ＨＴ－７ ", confirmed=True).status_code == 200
    contract.refresh_from_db()
    assert contract.provider_status == "confirmed"


def test_a_dispute_blocks_approval_with_a_refusal_naming_it(api, application, bob):
    response = confirm(api, application.contract.number, confirmed=False, note="金额不符")
    assert response.json()["status"] == "disputed"
    with pytest.raises(DomainError) as refused:
        approve_application(application=application, by=bob)
    assert refused.value.code == "contract_disputed"
    assert "金额不符" in refused.value.zh and "disputes" in refused.value.en
    assert application.contract.number in refused.value.message
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_evaluation_shows_a_dispute(api, application):
    confirm(api, application.contract.number, confirmed=False, note="no such contract")
    application.contract.refresh_from_db()
    evaluation = evaluate_application(application, today=builders.TODAY)
    assert not evaluation.eligible
    assert evaluation.results[-1].kind == "provider_answer"
    assert "no such contract" in evaluation.results[-1].reason_en


def test_the_answer_can_no_longer_change_once_a_voucher_is_issued(api, voucher):
    response = confirm(api, voucher.contract.number, confirmed=False, note="late")
    assert response.status_code == 400
    assert error_of(response)["code"] == "contract_subsidised"


@pytest.mark.parametrize(
    "answer, field",
    [
        ({"confirmed": False}, "note"),
        ({"confirmed": False, "note": "   "}, "note"),
        ({}, "confirmed"),
        ({"confirmed": "perhaps"}, "confirmed"),
        ({"confirmed": True, "value": 80000.5}, "value"),
        ({"confirmed": True, "value": "-1.00"}, "value"),
        ({"confirmed": True, "value": "0"}, "value"),
        ({"confirmed": True, "value": "1.001"}, "value"),
        ({"confirmed": True, "value": "lots"}, "value"),
        ({"confirmed": True, "service_start": "2024-13-01"}, "service_start"),
        ({"confirmed": True, "service_end": "2023-12-31"}, "service_end"),
        ({"confirmed": True, "note": "x" * 2001}, "note"),
    ],
)
def test_it_refuses_a_bad_answer_naming_the_field(api, contract, answer, field):
    response = confirm(api, contract.number, **answer)
    assert response.status_code == 400
    assert error_of(response)["field"] == field
    contract.refresh_from_db()
    assert contract.provider_status == Contract.ProviderStatus.DECLARED


def test_a_non_json_answer_is_refused(api, contract):
    response = api.post(
        f"/api/v1/contracts/{contract.number}/confirmation",
        "{not json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_another_providers_contract_is_not_found(api, contract, rival_voucher):
    response = confirm(api, rival_voucher.contract.number, confirmed=False, note="not ours")
    assert response.status_code == 404
    rival_voucher.contract.refresh_from_db()
    assert rival_voucher.contract.provider_status == "declared"


def test_provider_staff_may_answer_and_others_may_not(contract, centre_engineer, bob):
    answer_contract(contract=contract, confirmed=True, by=centre_engineer)
    with pytest.raises(PermissionDenied):
        answer_contract(contract=contract, confirmed=False, note="x", by=bob)
