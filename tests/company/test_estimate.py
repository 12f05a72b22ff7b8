"""The live estimate judges what the entity typed, never a placeholder: the application
form's estimate waits for the whole contract, and "Am I eligible?" pre-fills no value."""

import pytest

from tests import builders
from vouchers.services.applications import approve_application

pytestmark = pytest.mark.django_db

CONTRACT = {
    "number": "HT-9",
    "signed_on": "2024-03-01",
    "service_start": "2024-03-01",
    "service_end": "2024-12-31",
    "value": "123456.78",
    "accelerator_origin": "domestic",
    "accelerator_hours": "0",
    "purpose": "model_training",
}


def estimate(client, programme, **query):
    url = f"/company/programmes/{programme.pk}/estimate/"
    return client.get(url, query, HTTP_HX_REQUEST="true").content.decode()


def test_the_estimate_waits_for_the_whole_contract(as_clerk, declaration, programme, centre):
    page = estimate(as_clerk, programme, provider=centre.pk, value="123456.78")
    assert 'data-testid="estimate-missing"' in page
    assert "合同编号" in page and "签订日期" in page
    assert 'data-testid="estimate"' not in page and "示例合同" not in page


def test_the_estimate_judges_the_contract_as_typed(as_clerk, declaration, programme, centre):
    page = estimate(as_clerk, programme, provider=centre.pk, **CONTRACT)
    assert "¥61,728.39" in page
    assert "合同 HT-9 未获其他补贴" in page
    assert "<html" not in page


def test_the_estimate_finds_a_number_subsidised_already(
    as_clerk, declaration, programme, centre, rival, bob
):
    taken = builders.submitted_application(
        programme=programme, entity=rival, provider=centre, number="HT-DUP"
    )
    approve_application(application=taken, by=bob)
    page = estimate(as_clerk, programme, provider=centre.pk, **{**CONTRACT, "number": "ht-dup "})
    assert "已获其他资金补贴" in page
    assert "alert-danger" in page


def test_the_estimate_speaks_english(as_clerk_en, declaration, programme, centre):
    page = estimate(as_clerk_en, programme, provider=centre.pk, value="1000.00")
    assert "To see the estimate, fill in or correct:" in page and "Contract number" in page


def test_the_programme_page_pre_fills_no_value(as_clerk, declaration, programme):
    page = as_clerk.get(f"/company/programmes/{programme.pk}/").content.decode()
    assert 'name="value"' in page and 'name="value" value=' not in page
    assert 'data-testid="estimate-missing"' in page
    assert "is-invalid" not in page  # nothing typed yet is no error yet


def test_am_i_eligible_judges_a_sample_contract_without_a_number(
    as_clerk, declaration, programme, centre
):
    url = f"/company/programmes/{programme.pk}/"
    query = {"provider": centre.pk, "value": "123456.78"}
    page = as_clerk.get(url, query, HTTP_HX_REQUEST="true").content.decode()
    assert "¥61,728.39" in page
    assert "<html" not in page
    assert "示例合同" not in page and "未获其他补贴" not in page


def test_a_contract_that_ends_before_it_starts_is_not_judged(
    as_clerk, declaration, programme, centre
):
    backwards = {**CONTRACT, "service_end": "2024-02-01"}
    page = estimate(as_clerk, programme, provider=centre.pk, **backwards)
    assert 'data-testid="estimate-missing"' in page and "服务结束" in page
    assert 'data-testid="estimate"' not in page
