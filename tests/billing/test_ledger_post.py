"""ledger.post, the set-wise writer the pipelines hand their moves to: entries in bulk,
each account and voucher moved once by its summed change, an overdraft refused before
anything is written."""

from decimal import Decimal

import pytest
from django.db import transaction

from audit.models import AuditEvent
from config.errors import DomainError
from vouchers.models import LedgerAccount, LedgerEntry
from vouchers.services import ledger
from vouchers.services.ledger_check import check_ledger

Kind = LedgerEntry.Kind


def moves(voucher, *pairs):
    reserve = voucher.reserve_account.pk
    redeemed = ledger.redeemed_account(voucher.programme_id, voucher.provider_id).pk
    ends = {Kind.REDEEM: (reserve, redeemed), Kind.TAKE_BACK: (redeemed, reserve)}
    return [
        ledger.Move(kind, *ends[kind], Decimal(amount), voucher.programme_id, voucher.pk, "test")
        for kind, amount in pairs
    ]


def test_a_redeem_and_a_take_back_move_the_books_by_their_net(voucher):
    with transaction.atomic():
        entries = ledger.post(moves(voucher, (Kind.REDEEM, "30.00"), (Kind.TAKE_BACK, "12.50")))

    voucher.refresh_from_db()
    assert voucher.redeemed == Decimal("17.50")
    assert voucher.reserve_account.balance == voucher.face_value - Decimal("17.50")
    assert [(e.kind, e.amount) for e in entries] == [
        ("redeem", Decimal("30.00")),
        ("take_back", Decimal("12.50")),
    ]
    events = AuditEvent.objects.filter(object_id__in=[str(e.pk) for e in entries])
    assert sorted(events.filter(object_type="ledgerentry").values_list("action", flat=True)) == [
        "ledger.redeem",
        "ledger.take_back",
    ]
    assert check_ledger(programmes=[voucher.programme]).problems == []


def test_a_move_that_would_overdraw_is_refused_and_nothing_is_written(voucher):
    too_much = voucher.face_value + Decimal("0.01")
    entries = LedgerEntry.objects.count()

    with pytest.raises(DomainError) as refused, transaction.atomic():
        ledger.post(moves(voucher, (Kind.REDEEM, str(too_much))))

    assert refused.value.code == "voucher_exhausted"
    assert LedgerEntry.objects.count() == entries
    voucher.refresh_from_db()
    assert voucher.redeemed == 0
    reserve = LedgerAccount.objects.get(voucher=voucher)
    assert reserve.balance == voucher.face_value


def test_zero_moves_write_nothing(voucher):
    assert ledger.post(moves(voucher, (Kind.REDEEM, "0.00"))) == []
