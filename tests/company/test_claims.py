"""Reimburse-mode claims: filed against the entity's own active voucher in a reimburse
programme, for at most the invoice, once per invoice, with files checked by content."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django_fsm import TransitionNotAllowed

from audit.models import AuditEvent
from billing.ingest import ingest_records
from billing.records import RecordIn
from company.models import Claim, Notification
from company.services.claims import file_claim
from config.errors import DomainError, DomainErrors
from tests.company.conftest import EXE, PDF, PNG, upload

pytestmark = pytest.mark.django_db


def claim_fields(**changes):
    fields = {
        "invoice_number": "FP-0002",
        "invoice_date": date(2024, 5, 31),
        "invoice_amount": Decimal("8000.00"),
        "amount": Decimal("4000.00"),
        "service_start": date(2024, 5, 1),
        "service_end": date(2024, 5, 31),
        "invoice_file": upload("invoice.pdf"),
        "delivery_proof": upload("proof.png", PNG, "image/png"),
    }
    fields.update(changes)
    return fields


def test_a_claim_is_filed_and_audited(voucher, company, clerk):
    claim = file_claim(entity=company, voucher=voucher, by=clerk, **claim_fields())
    assert claim.status == Claim.Status.SUBMITTED
    event = AuditEvent.objects.get(action="claim.submitted", object_id=str(claim.pk))
    assert event.after["amount"] == "4000.00"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Decimal("8000.01")}, "amount"),
        ({"amount": Decimal("0")}, "amount"),
        ({"invoice_amount": Decimal("-1")}, "invoice_amount"),
        ({"invoice_number": "  "}, "invoice_number"),
        ({"service_end": date(2024, 4, 1)}, "service_end"),
    ],
)
def test_a_claim_with_a_bad_figure_is_refused_naming_the_field(
    voucher, company, clerk, changes, field
):
    with pytest.raises(DomainError) as refused:
        file_claim(entity=company, voucher=voucher, by=clerk, **claim_fields(**changes))
    assert refused.value.field == field
    assert not Claim.objects.exists()


def refusal(voucher, company, clerk, **changes) -> DomainError:
    with pytest.raises(DomainError) as refused:
        file_claim(entity=company, voucher=voucher, by=clerk, **claim_fields(**changes))
    return refused.value


def test_a_claim_is_at_most_the_programmes_rate_of_the_invoice(voucher, company, clerk):
    # 50% of 8,000.00; a cent more is refused, the 20%-rate probe's 100% claim too.
    error = refusal(voucher, company, clerk, amount=Decimal("4000.01"))
    assert (error.field, error.code) == ("amount", "above_rate")
    assert "4000.00" in error.en
    assert refusal(voucher, company, clerk, amount=Decimal("8000.00")).code == "above_rate"
    file_claim(entity=company, voucher=voucher, by=clerk, **claim_fields(amount="4000.00"))


def test_a_claim_is_at_most_what_the_voucher_has_left_after_the_open_claims(
    voucher, company, clerk
):
    # 45,000.00 left on the voucher (50,000 less 5,000 redeemed).
    first = file_claim(
        entity=company,
        voucher=voucher,
        by=clerk,
        **claim_fields(invoice_number="FP-1", invoice_amount="80000.00", amount="40000.00"),
    )
    big = {"invoice_number": "FP-2", "invoice_amount": "20000.00"}
    error = refusal(voucher, company, clerk, amount="5000.01", **big)
    assert (error.field, error.code) == ("amount", "above_remaining")
    assert "5000.00" in error.en
    # A rejected claim no longer holds its amount.
    Claim.objects.filter(pk=first.pk).update(status=Claim.Status.REJECTED)
    file_claim(entity=company, voucher=voucher, by=clerk, **claim_fields(amount="9000.00", **big))


def test_claims_at_a_hundred_percent_never_add_up_past_the_voucher(voucher, company, clerk):
    """The probe's shape: invoice after invoice, each claimed in full."""
    for n in range(30):
        with pytest.raises(DomainError):
            file_claim(
                entity=company,
                voucher=voucher,
                by=clerk,
                **claim_fields(
                    invoice_number=f"FP-{n}", invoice_amount="80000.00", amount="80000.00"
                ),
            )
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("invoice_date", "says"),
    [
        (date(2024, 6, 2), "in the future"),
        (date(2023, 12, 31), "within the contract's service period"),
        (date(2025, 1, 1), "in the future"),
    ],
)
def test_an_invoice_is_dated_within_the_contract_and_never_in_the_future(
    voucher, company, clerk, invoice_date, says
):
    error = refusal(voucher, company, clerk, invoice_date=invoice_date)
    assert error.field == "invoice_date"
    assert says in error.en


def test_an_invoice_dated_on_the_contracts_first_day_or_today_is_accepted(voucher, company, clerk):
    contract = voucher.contract
    for n, day in enumerate([contract.service_start, date(2024, 6, 1)]):
        file_claim(
            entity=company,
            voucher=voucher,
            by=clerk,
            **claim_fields(invoice_number=f"FP-D{n}", invoice_date=day),
        )
    assert Claim.objects.count() == 2


def test_every_refusal_is_reported_at_once(claim, voucher, company, clerk):
    error = refusal(
        voucher,
        company,
        clerk,
        invoice_number="fp-0001",
        amount="8000.00",
        invoice_date=date(2030, 1, 1),
        service_end=date(2024, 4, 1),
        invoice_amount="-1",
    )
    assert isinstance(error, DomainErrors)
    assert sorted(e.field for e in error.errors) == [
        "invoice_amount",
        "invoice_date",
        "invoice_number",
        "service_end",
    ]
    assert set(error.as_validation_error().message_dict) == {
        "invoice_amount",
        "invoice_date",
        "invoice_number",
        "service_end",
    }


def test_a_claim_moves_through_its_transitions(claim):
    claim.verify()
    claim.approve()
    claim.pay()
    assert claim.status == Claim.Status.PAID
    with pytest.raises(TransitionNotAllowed):
        claim.reject()


def test_a_claim_may_be_rejected_before_it_is_paid(claim):
    claim.reject()
    assert claim.status == Claim.Status.REJECTED
    with pytest.raises(TransitionNotAllowed):
        claim.verify()


def test_the_same_invoice_is_claimed_once_however_it_is_typed(claim, voucher, company, clerk):
    with pytest.raises(DomainError) as refused:
        file_claim(
            entity=company, voucher=voucher, by=clerk, **claim_fields(invoice_number=" fp-0001")
        )
    assert refused.value.field == "invoice_number"
    assert Claim.objects.count() == 1


def test_the_database_refuses_an_invoice_claimed_by_another_entity(claim, rival):
    # Past the service (as a race between two companies would be): the unique key.
    twin = Claim.objects.get(pk=claim.pk)
    twin.pk, twin.entity = None, rival
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert Claim.objects.count() == 1


def test_a_claim_against_another_entitys_voucher_is_refused(voucher, rival):
    with pytest.raises(DomainError) as refused:
        file_claim(entity=rival, voucher=voucher, by=rival.clerk, **claim_fields())
    assert refused.value.field == "voucher"


def test_a_claim_in_a_provider_deducts_programme_is_refused(application, company, clerk, bob):
    from vouchers.services.applications import approve_application

    issued = approve_application(application=application, by=bob).voucher
    with pytest.raises(DomainError) as refused:
        file_claim(entity=company, voucher=issued, by=clerk, **claim_fields())
    assert refused.value.field == "voucher"


def test_a_claim_against_a_revoked_voucher_is_refused(voucher, company, clerk, bob):
    from vouchers.services.closing import revoke_voucher

    revoke_voucher(voucher=voucher, by=bob, reason="合同解除")
    voucher.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        file_claim(entity=company, voucher=voucher, by=clerk, **claim_fields())
    assert refused.value.field == "voucher"


def claim_form(**changes):
    form = {
        "invoice_number": "FP-0009",
        "invoice_date": "2024-05-31",
        "invoice_amount": "8000.00",
        "amount": "4000.00",
        "service_start": "2024-05-01",
        "service_end": "2024-05-31",
        "invoice_file": upload("invoice.pdf"),
        "delivery_proof": upload("proof.pdf"),
    }
    form.update(changes)
    return form


def test_the_claim_page_files_a_claim_and_shows_its_status(
    as_clerk, voucher, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_clerk.post(f"/company/vouchers/{voucher.pk}/claim/", claim_form())
    claim = Claim.objects.get()
    notice = Notification.objects.get(user=clerk, event__object_type="claim")
    assert notice.subject_en == f"Claim #{claim.pk} is now submitted"
    assert notice.link == f"/company/claims/{claim.pk}/"
    assert response.url == f"/company/claims/{claim.pk}/"
    page = as_clerk.get(response.url).content.decode()
    assert "已提交" in page and "¥4,000.00" in page
    download = as_clerk.get(f"/company/claims/{claim.pk}/invoice/")
    assert b"".join(download.streaming_content) == PDF


def test_the_claim_page_refuses_a_program_disguised_as_an_invoice(as_clerk_en, voucher):
    form = claim_form(invoice_file=upload("invoice.pdf", EXE))
    response = as_clerk_en.post(f"/company/vouchers/{voucher.pk}/claim/", form)
    assert "Only PDF, JPEG or PNG" in " ".join(response.context["form"].errors["invoice_file"])
    assert not Claim.objects.exists()


def test_the_claim_page_shows_the_service_refusal_next_to_the_field(as_clerk_en, voucher):
    form = claim_form(amount="9000.00")
    response = as_clerk_en.post(f"/company/vouchers/{voucher.pk}/claim/", form)
    assert response.context["form"].errors["amount"] == [
        "the claim exceeds the programme's share of the invoice, 4000.00"
    ]


def test_the_claim_page_shows_every_refusal_at_once(as_clerk_en, voucher):
    form = claim_form(amount="9000.00", invoice_date="2024-06-02")
    errors = as_clerk_en.post(f"/company/vouchers/{voucher.pk}/claim/", form).context["form"].errors
    assert set(errors) == {"amount", "invoice_date"}
    assert errors["invoice_date"] == ["the invoice date is in the future"]


def test_the_claim_page_shows_the_providers_usage_records_for_its_period(as_clerk, claim):
    contract = claim.voucher.contract
    in_may = usage_record("U-MAY", contract, datetime(2024, 5, 10, 9, tzinfo=UTC))
    in_june = usage_record("U-JUNE", contract, datetime(2024, 6, 10, 9, tzinfo=UTC))
    ingest_records(provider=contract.provider, records=[in_may, in_june])

    page = as_clerk.get(f"/company/claims/{claim.pk}/").content.decode()

    assert "U-MAY" in page
    assert "U-JUNE" not in page


def usage_record(record_id: str, contract, start: datetime) -> RecordIn:
    return RecordIn(
        record_id=record_id,
        contract_number=contract.number,
        period_start=start,
        period_end=start + timedelta(hours=8),
        amount=Decimal("800.00"),
    )


def test_the_claims_list_filters_by_status(as_clerk, claim):
    assert (
        claim.invoice_number in as_clerk.get("/company/claims/?status=submitted").content.decode()
    )
    assert claim.invoice_number not in as_clerk.get("/company/claims/?status=paid").content.decode()


def test_only_a_reimburse_voucher_offers_a_claim(as_clerk, voucher, application, bob):
    from vouchers.services.applications import approve_application

    deducted = approve_application(application=application, by=bob).voucher
    claim_link = "/claim/"
    assert claim_link in as_clerk.get(f"/company/vouchers/{voucher.pk}/").content.decode()
    assert claim_link not in as_clerk.get(f"/company/vouchers/{deducted.pk}/").content.decode()
