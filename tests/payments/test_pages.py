"""The finance officers' pages: one prepares a batch, another approves it, the first
records the payment; the preparer is refused the approval on the page, other roles and
other authorities are refused; the payment file is escaped; queries do not grow."""

import csv
import io

import pytest

from company.models import Claim
from payments.models import PaymentBatch
from payments.services import batches
from tests.authority.conftest import signed_in
from tests.authority.test_xlsx_exports import records_of
from tests.payments.conftest import references_for

pytestmark = pytest.mark.django_db


def test_a_claim_is_prepared_approved_and_paid_through_the_pages(
    approved_claim, statement, bank_details, chengdu, fiona, frank, clerk
):
    as_fiona, as_frank = signed_in(fiona), signed_in(frank)
    assert "1" in as_fiona.get("/authority/payments/").content.decode()

    response = as_fiona.post("/authority/payments/prepare/", {"authority": chengdu.pk})
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{batch.pk}/")
    assert as_frank.post(f"/authority/payments/{batch.pk}/approve/").status_code == 302
    lines = "\n".join(f"{pk}, {ref}" for pk, (ref, _) in references_for(batch).items())
    paid = as_fiona.post(
        f"/authority/payments/{batch.pk}/pay/", {"paid_on": "2024-06-01", "references": lines}
    )

    assert paid.status_code == 302
    assert Claim.objects.get(pk=approved_claim.pk).status == "paid"
    page = as_fiona.get(f"/authority/payments/{batch.pk}/").content.decode()
    assert 'data-status="paid"' in page and "6222********1234" in page
    company_page = signed_in(clerk, verified=False).get(f"/company/claims/{approved_claim.pk}/")
    assert 'data-status="paid"' in company_page.content.decode()


def test_the_preparer_is_told_another_officer_approves(prepared, fiona):
    as_fiona = signed_in(fiona, language="en")
    page = as_fiona.get(f"/authority/payments/{prepared.pk}/").content.decode()
    assert 'data-testid="four-eyes"' in page and 'data-testid="approve"' not in page

    response = as_fiona.post(f"/authority/payments/{prepared.pk}/approve/")

    assert response.status_code == 400
    assert "other than the one who prepared it" in response.content.decode()
    assert PaymentBatch.objects.get(pk=prepared.pk).status == "prepared"


def test_a_reviewer_is_refused_and_another_authoritys_officer_finds_nothing(prepared, bob, harry):
    assert signed_in(bob).get("/authority/payments/").status_code == 403
    assert signed_in(bob).post(f"/authority/payments/{prepared.pk}/approve/").status_code == 403
    as_harry = signed_in(harry)
    assert as_harry.get(f"/authority/payments/{prepared.pk}/").status_code == 404
    assert as_harry.post(f"/authority/payments/{prepared.pk}/approve/").status_code == 404
    assert PaymentBatch.objects.get(pk=prepared.pk).status == "prepared"


def test_the_payment_file_is_exported_only_once_approved(prepared, fiona, frank):
    as_fiona = signed_in(fiona)
    assert as_fiona.get(f"/authority/payments/{prepared.pk}/payment-file.csv").status_code == 403
    batches.approve_batch(batch=prepared, by=frank)
    response = as_fiona.get(f"/authority/payments/{prepared.pk}/payment-file.csv")
    assert response.status_code == 200


def test_the_payment_file_escapes_formulas_in_csv_and_xlsx(approved, fiona):
    approved.lines.update(payee="=HYPERLINK(1)", account_name="+cmd")
    as_fiona = signed_in(fiona)
    body = b"".join(as_fiona.get(f"/authority/payments/{approved.pk}/payment-file.csv")
                    .streaming_content).decode("utf-8-sig")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {row["payee"] for row in rows} == {"'=HYPERLINK(1)"}
    assert {row["account_name"] for row in rows} == {"'+cmd"}
    assert {row["account"] for row in rows} == {"6222021001001234", "4400123456789012"}
    sheet = records_of(as_fiona.get(f"/authority/payments/{approved.pk}/payment-file.xlsx"))
    assert {row["payee"] for row in sheet} == {"'=HYPERLINK(1)"}
    assert sorted(row["amount"] for row in sheet) == ["4000.00", "50.00"]


def test_the_batch_pages_cost_the_same_queries_whatever_their_lines(
    approved, fiona, django_assert_num_queries
):
    as_fiona = signed_in(fiona)
    as_fiona.get(f"/authority/payments/{approved.pk}/")  # the session's first reads
    for line in list(approved.lines.all()) * 15:  # 30 more lines, for the page only
        line.pk, line.live = None, False
        line.save()
    with django_assert_num_queries(BATCH_PAGE):
        assert as_fiona.get(f"/authority/payments/{approved.pk}/").status_code == 200
    with django_assert_num_queries(BATCHES_PAGE):
        assert as_fiona.get("/authority/payments/").status_code == 200


# Fixed: the lines' statements come with them (one JOIN), the waiting claims and
# statements are counted per programme in one grouped query each.
BATCH_PAGE = 10
BATCHES_PAGE = 13


def test_what_is_on_an_open_batch_is_not_prepared_again_on_the_page(prepared, chengdu, frank):
    response = signed_in(frank, language="en").post(
        "/authority/payments/prepare/", {"authority": chengdu.pk}
    )

    assert response.status_code == 400
    assert "nothing approved is waiting to be paid" in response.content.decode()
    assert PaymentBatch.objects.count() == 1


def test_a_pasted_line_that_cannot_be_read_is_named(approved, fiona):
    response = signed_in(fiona, language="en").post(
        f"/authority/payments/{approved.pk}/pay/",
        {"paid_on": "2024-06-01", "references": "not a line"},
    )

    assert response.status_code == 400
    assert "line 1 must be" in response.content.decode()
    assert PaymentBatch.objects.get(pk=approved.pk).status == "approved"
