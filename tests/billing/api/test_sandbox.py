"""The sandbox: a test key (`sk_test_...`) acts on its provider's sandbox programme only,
which reconciles at once; it never touches a real voucher, contract, record, file or
statement, a live key never sees a sandbox voucher, and the books never mix."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from api.services.keys import create_key, revoke_key
from api.services.sandbox import sandbox_of
from authority.builder.forms import ProgrammeForm
from billing.models import Settlement, UsageFile, UsageRecord
from billing.reconcile import reconcile
from billing.settlements import build_settlements
from company.selectors import open_programmes
from tests.billing.api.helpers import client_with, error_of, record
from vouchers.models import LedgerAccount, Programme, Voucher
from vouchers.services import ledger_check
from web.public.selectors import public_programmes

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_key(centre):
    key, raw = create_key(provider=centre, by=None, name="trying things", test=True)
    key.raw = raw
    return key


@pytest.fixture
def sandbox_api(test_key):
    return client_with(test_key.raw)


@pytest.fixture
def sandbox(centre, test_key):
    return sandbox_of(centre)


def sandbox_voucher(sandbox, number="SANDBOX-001") -> Voucher:
    return Voucher.objects.get(provider=sandbox, contract__number=number)


@pytest.fixture
def real_world(api, voucher):
    """The centre's real voucher with one redeemed record, a usage file and a statement."""
    sent = record(voucher.contract.number, "200.00", record_id="bill-shared-id")
    assert api.post("/api/v1/usage-records", {"records": [sent]}, format="json").status_code == 200
    reconcile()
    build_settlements(period="2024-06")
    posted = api.post("/api/v1/usage-files", b"record_id\n", content_type="text/csv")
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("100.00")
    return {
        "voucher": voucher,
        "statement": Settlement.objects.get(),
        "file": UsageFile.objects.get(pk=posted.json()["id"]),
    }


def test_a_test_key_is_marked_and_makes_a_sandbox_with_two_vouchers(centre, test_key):
    assert test_key.raw.startswith("sk_test_") and test_key.prefix.startswith("sk_test_")
    sandbox = sandbox_of(centre)
    vouchers = Voucher.objects.filter(provider=sandbox).order_by("contract__number")
    assert [(v.contract.number, v.face_value, v.status) for v in vouchers] == [
        ("SANDBOX-001", Decimal("50000.00"), "active"),
        ("SANDBOX-002", Decimal("10000.00"), "active"),
    ]
    assert {v.programme.is_sandbox for v in vouchers} == {True}
    assert centre.sandbox == sandbox and sandbox.sandbox_of == centre


def test_a_second_test_key_shares_the_sandbox_and_live_keys_count_apart(centre, test_key):
    create_key(provider=centre, by=None, test=True)
    create_key(provider=centre, by=None)
    create_key(provider=centre, by=None)
    assert Programme.objects.filter(is_sandbox=True).count() == 1
    assert Voucher.objects.filter(provider=sandbox_of(centre)).count() == 2


def test_the_sandbox_reconciles_a_record_in_the_same_request(sandbox_api, sandbox):
    sent = record("SANDBOX-001", "1234.57")
    answer = sandbox_api.post("/api/v1/usage-records", {"records": [sent]}, format="json")
    assert answer.json()["results"][0]["status"] == "accepted"

    [read] = sandbox_api.get("/api/v1/usage-records?contract_number=SANDBOX-001").json()["results"]

    voucher = sandbox_voucher(sandbox)
    assert (read["status"], read["subsidy"], read["voucher_code"]) == (
        "redeemed",
        "617.28",  # 50% of 1,234.57 rounded down to the fen
        voucher.code,
    )
    assert sandbox_api.get(f"/api/v1/vouchers/{voucher.code}").json()["redeemed"] == "617.28"


def test_a_test_key_never_touches_a_real_voucher(sandbox_api, real_world, centre):
    voucher, statement, usage_file = (real_world[k] for k in ("voucher", "statement", "file"))
    refused = {
        "voucher": sandbox_api.get(f"/api/v1/vouchers/{voucher.code}"),
        "confirmation": sandbox_api.post(
            f"/api/v1/contracts/{voucher.contract.number}/confirmation",
            {"confirmed": False, "note": "no"},
            format="json",
        ),
        "usage file": sandbox_api.get(f"/api/v1/usage-files/{usage_file.pk}"),
        "statement": sandbox_api.get(f"/api/v1/settlements/{statement.pk}"),
        "statement as CSV": sandbox_api.get(
            f"/api/v1/settlements/{statement.pk}", HTTP_ACCEPT="text/csv"
        ),
    }
    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(refused, 404)
    assert {error_of(r)["code"] for r in refused.values()} == {"not_found"}

    lists = ("/api/v1/contracts", "/api/v1/usage-records", "/api/v1/settlements")
    listed = [sandbox_api.get(url).json()["results"] for url in lists]
    assert {c["contract_number"] for c in listed[0]} == {"SANDBOX-001", "SANDBOX-002"}
    assert listed[1] == [] and listed[2] == []

    # The real contract's number and the real record's id, sent with the test key: a
    # record of the sandbox, which neither conflicts with nor pays on the real one.
    same = record(voucher.contract.number, "500.00", record_id="bill-shared-id")
    sent = sandbox_api.post("/api/v1/usage-records", {"records": [same]}, format="json")
    assert sent.json()["results"][0]["status"] == "accepted"
    reconcile()
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("100.00")
    assert UsageRecord.objects.get(provider=centre, record_id="bill-shared-id").amount == Decimal(
        "200.00"
    )
    assert not centre.sandbox.contracts.filter(voucher__isnull=False).filter(
        number=voucher.contract.number
    )


def test_a_live_key_never_sees_a_sandbox_voucher(api, sandbox, centre):
    voucher = sandbox_voucher(sandbox)
    assert api.get(f"/api/v1/vouchers/{voucher.code}").status_code == 404
    contracts = api.get("/api/v1/contracts").json()["results"]
    assert not [c for c in contracts if c["contract_number"].startswith("SANDBOX")]
    assert api.post(
        "/api/v1/contracts/SANDBOX-001/confirmation", {"confirmed": True}
    ).status_code == (404)

    sent = api.post("/api/v1/usage-records", {"records": [record("SANDBOX-001")]}, format="json")
    assert sent.json()["results"][0]["status"] == "accepted"
    reconcile()
    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("0.00")
    assert UsageRecord.objects.get(provider=centre).voucher is None


def test_a_revoked_test_key_is_refused(sandbox_api, test_key):
    revoke_key(key=test_key, by=None)
    assert sandbox_api.get("/api/v1/contracts").status_code == 401


def test_the_sandbox_books_never_mix_with_the_real_ones(sandbox_api, sandbox, real_world):
    real = real_world["voucher"].programme
    before = {a.pk: a.balance for a in LedgerAccount.objects.filter(programme=real)}
    sent = [record("SANDBOX-001", "1000.00"), record("SANDBOX-002", "19000.00")]
    sandbox_api.post("/api/v1/usage-records", {"records": sent}, format="json")

    after = {a.pk: a.balance for a in LedgerAccount.objects.filter(programme=real)}
    assert after == before
    assert sandbox_voucher(sandbox).redeemed == Decimal("500.00")
    assert sandbox_voucher(sandbox, "SANDBOX-002").redeemed == Decimal("9500.00")
    assert list(Programme.objects.real()) == [real]
    assert ledger_check.check_ledger().problems == []


def test_the_database_refuses_a_voucher_between_sandbox_and_real(sandbox, real_world):
    real, fake = real_world["voucher"], sandbox_voucher(sandbox)
    for voucher, programme in ((real, fake.programme), (fake, real.programme)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Voucher.objects.filter(pk=voucher.pk).update(programme=programme)
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=real.pk).update(provider=sandbox)


def test_create_provider_key_makes_a_test_key_and_names_the_sandbox_vouchers(centre, capsys):
    call_command("create_provider_key", centre.slug, "--test")
    out = capsys.readouterr().out
    assert "sk_test_" in out
    for voucher in Voucher.objects.filter(provider=sandbox_of(centre)):
        assert voucher.code in out and voucher.contract.number in out


def test_sandbox_programmes_and_providers_are_in_no_real_list(sandbox, programme, centre):
    assert list(public_programmes()) == [programme]
    assert list(open_programmes()) == [programme]
    offered = ProgrammeForm().fields["providers"].queryset
    assert list(offered) == [centre]


def test_a_usage_file_sent_with_a_test_key_is_reconciled_once_read(sandbox_api, sandbox, processed):
    csv = (
        "record_id,contract_number,period_start,period_end,amount,currency\n"
        "file-1,SANDBOX-002,2024-06-10T00:00:00+08:00,2024-06-10T23:59:59+08:00,300.01,CNY\n"
    )
    with processed():
        sent = sandbox_api.post("/api/v1/usage-files", csv.encode(), content_type="text/csv")
    assert sandbox_api.get(f"/api/v1/usage-files/{sent.json()['id']}").json()["status"] == "done"
    [read] = sandbox_api.get("/api/v1/usage-records").json()["results"]
    assert (read["record_id"], read["status"], read["subsidy"]) == ("file-1", "redeemed", "150.00")
