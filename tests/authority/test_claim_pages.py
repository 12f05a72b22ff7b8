"""The claims of the government portal: the list and one claim for every officer role,
its files through the guarded view, the decisions with the re-entered password; another
authority's claim is 404; the list and the page in a fixed number of queries."""

from datetime import date
from decimal import Decimal

import pytest

from company.models import Claim
from company.services.claims import file_claim
from config.errors import DomainError
from tests import builders
from tests.authority.conftest import signed_in
from tests.company.conftest import PNG, upload
from vouchers.services.applications import approve_application
from web.auth import SESSION_KEY as RECENT_LOGIN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def voucher(chengdu, alice, centre, company, carol):
    """星河's 50,000 yuan voucher in Chengdu's reimburse programme (rate 50%)."""
    programme = builders.programme(
        authority=chengdu, manager=alice, providers=[centre], code="reimburse-2024",
        settlement_mode="reimburse",
    )  # fmt: skip
    application = builders.submitted_application(
        programme=programme, entity=company, provider=centre
    )
    return approve_application(application=application, by=carol).voucher


def file(voucher, company, number="FP-0001", amount="5000.00") -> Claim:
    return file_claim(
        entity=company, voucher=voucher, by=company.clerk, invoice_number=number,
        invoice_date=date(2024, 5, 31), invoice_amount=Decimal("10000.00"),
        amount=Decimal(amount), service_start=date(2024, 5, 1), service_end=date(2024, 5, 31),
        invoice_file=upload("invoice.pdf"), delivery_proof=upload("proof.png", PNG, "image/png"),
    )  # fmt: skip


@pytest.fixture
def claim(voucher, company):
    return file(voucher, company)


def pages(claim) -> list[str]:
    return [
        "/authority/claims/",
        f"/authority/claims/{claim.pk}/",
        f"/authority/claims/{claim.pk}/files/invoice/",
        f"/authority/claims/{claim.pk}/files/proof/",
    ]


def actions(claim) -> list[str]:
    return [f"/authority/claims/{claim.pk}/{step}/" for step in ("approve", "return", "reject")]


@pytest.mark.parametrize("persona", ["alice", "bob", "frank"])
def test_every_claim_page_opens_for_every_officer_role(request, persona, claim):
    client = signed_in(request.getfixturevalue(persona))
    for url in pages(claim):
        assert client.get(url).status_code == 200, url


def test_only_a_reviewer_sees_the_decision_forms(as_bob, as_alice, claim):
    assert as_bob.get(f"/authority/claims/{claim.pk}/").context["can_decide"]
    assert not as_alice.get(f"/authority/claims/{claim.pk}/").context["can_decide"]


def test_another_authoritys_claim_is_404(as_dave, claim):
    for url in pages(claim)[1:] + actions(claim):
        assert as_dave.get(url).status_code == 404, url
        assert (
            as_dave.post(url, {"amount": "1", "return-note": "x", "reject-note": "x"}).status_code
            == 404
        ), url
    assert not list(as_dave.get("/authority/claims/").context["page"])


def test_an_unknown_file_is_404(as_bob, claim):
    assert as_bob.get(f"/authority/claims/{claim.pk}/files/contract/").status_code == 404


def test_a_reviewer_approves_the_claimable_maximum_by_default(as_bob, claim, voucher):
    page = as_bob.get(f"/authority/claims/{claim.pk}/")
    assert page.context["approve_form"].initial["amount"] == Decimal("5000.00")
    answer = as_bob.post(f"/authority/claims/{claim.pk}/approve/", {"amount": "4000.00"})
    assert answer.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount) == ("approved", Decimal("4000.00"))


def test_an_approval_above_the_limit_shows_the_error_on_its_field(as_bob_en, claim):
    answer = as_bob_en.post(f"/authority/claims/{claim.pk}/approve/", {"amount": "5000.01"})
    assert answer.status_code == 400
    assert "the most that may be approved, 5000.00" in answer.content.decode()
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_return_and_reject_write_to_the_company(as_bob, claim, voucher, company):
    as_bob.post(f"/authority/claims/{claim.pk}/return/", {"return-note": "请补充付款凭证"})
    claim.refresh_from_db()
    assert (claim.status, claim.decision_note) == ("returned", "请补充付款凭证")
    other = file(voucher, company, number="FP-0002", amount="100.00")
    as_bob.post(f"/authority/claims/{other.pk}/reject/", {"reject-note": "发票作废"})
    other.refresh_from_db()
    assert other.status == "rejected"


def test_a_decision_needs_the_password_typed_again(bob, claim):
    client = signed_in(bob)
    session = client.session
    del session[RECENT_LOGIN]
    session.save()
    answer = client.post(f"/authority/claims/{claim.pk}/approve/", {"amount": "100.00"})
    assert answer.status_code == 302 and "confirm" in answer["Location"]
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_the_list_filters_and_counts(as_bob, claim, voucher, company):
    other = file(voucher, company, number="FP-0002", amount="100.00")
    as_bob.post(f"/authority/claims/{other.pk}/reject/", {"reject-note": "发票作废"})
    page = as_bob.get("/authority/claims/?status=submitted")
    assert [row.pk for row in page.context["page"]] == [claim.pk]
    counts = {value: n for value, _, n in page.context["counts"]}
    assert (counts["submitted"], counts["rejected"]) == (1, 1)


def test_the_pages_read_in_chinese_and_english(as_bob, as_bob_en, claim):
    page = as_bob.get(f"/authority/claims/{claim.pk}/").content.decode()
    assert "同一券的其他报销申请" in page and "最高可批准金额" in page
    assert (
        "Other claims on this voucher"
        in as_bob_en.get(f"/authority/claims/{claim.pk}/").content.decode()
    )
    assert "Amount claimed" in as_bob_en.get("/authority/claims/").content.decode()


@pytest.mark.parametrize("more", [0, 12])
def test_the_list_and_the_claim_take_a_fixed_number_of_queries(
    as_bob, claim, voucher, company, more, django_assert_num_queries
):
    # Session, user, memberships, two-factor device, the claims and their count, the
    # status counts, the programme choices; the claim page adds its neighbours and remainder.
    for n in range(more):
        file(voucher, company, number=f"FP-{n + 2:04}", amount="10.00")
    with django_assert_num_queries(9):
        as_bob.get("/authority/claims/")
    with django_assert_num_queries(9):
        as_bob.get(f"/authority/claims/{claim.pk}/")


def test_the_same_invoice_in_another_regions_programme_is_refused(claim, hangzhou, dave, centre):
    """An invoice is claimed once on the platform: another company filing the same
    number (typed differently) in Hangzhou is refused, naming the field."""
    other_entity = builders.entity()
    programme = builders.programme(
        authority=hangzhou, manager=builders.member("henry", "programme_manager", authority=hangzhou),
        providers=[centre], code="hz-reimburse", settlement_mode="reimburse",
    )  # fmt: skip
    application = builders.submitted_application(
        programme=programme, entity=other_entity, provider=centre
    )
    voucher = approve_application(application=application, by=dave).voucher
    with pytest.raises(DomainError) as refused:
        file(voucher, other_entity, number=" fp-0001")
    assert refused.value.field == "invoice_number"
    assert "already claimed on the platform" in refused.value.en
    assert "已在本平台报销过" in refused.value.zh
    assert not voucher.claims.exists()
