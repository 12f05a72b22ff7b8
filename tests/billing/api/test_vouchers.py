"""GET /api/v1/vouchers/{code}: what a provider checks before it sells."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.billing.api.helpers import error_of
from vouchers.services import codes

pytestmark = pytest.mark.django_db


def test_it_describes_the_providers_voucher(api, voucher):
    response = api.get(f"/api/v1/vouchers/{voucher.code}")
    assert response.status_code == 200
    assert response.json() == {
        "code": voucher.code,
        "status": "active",
        "entity_name": voucher.entity.name,
        "entity_credit_code": voucher.entity.credit_code,
        "programme": voucher.programme.code,
        "face_value": "50000.00",
        "redeemed": "0.00",
        "remaining": "50000.00",
        "subsidy_rate": "0.50",
        "valid_from": voucher.valid_from.isoformat(),
        "valid_until": voucher.expires_on.isoformat(),
        "contract_numbers": [voucher.contract.number],
    }


def test_it_accepts_the_code_as_displayed_in_groups(api, voucher):
    assert api.get(f"/api/v1/vouchers/{codes.display(voucher.code).lower()}").status_code == 200


def test_a_wrong_check_character_is_refused_without_a_lookup(api, voucher):
    wrong = voucher.code[:-1] + ("A" if voucher.code[-1] != "A" else "B")
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/v1/vouchers/{wrong}")
    assert response.status_code == 400
    assert error_of(response) | {"message": ""} == {
        "code": "invalid_code",
        "message": "",
        "field": "code",
    }
    assert not [q for q in queries if "vouchers_voucher" in q["sql"]]


def test_another_providers_voucher_is_not_found(api, voucher, rival_voucher):
    response = api.get(f"/api/v1/vouchers/{rival_voucher.code}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_an_unknown_but_well_formed_code_is_not_found(api, voucher):
    assert api.get(f"/api/v1/vouchers/{codes.new_code()}").status_code == 404
