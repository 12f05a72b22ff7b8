"""Four-eyes payment batches: prepare, approve (or reject), pay.

A finance officer of the programme's authority prepares a batch of what is approved and
waiting to be paid: reimburse claims (their approved amount sits in the entity's payable
account) and provider statements (their subsidy sits in the provider's redeemed
account). A different finance officer approves it; each line then copies its payee's
bank details as they stand. Paying records a bank reference and date per line and moves
each line's net amount to the payee's paid account through `ledger.post` (one call for
the whole batch), and the claims and statements become paid by their fsm transitions.

Lock order: the batch row, then its claims and statements in id order, then the ledger
accounts (`ledger.post` locks them in id order). Two officers approving or paying the
same batch queue on its row lock; the second finds it no longer in the state it needs.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import Authority
from accounts.permissions import require
from audit import actions
from audit import services as audit
from billing.models import Settlement
from company.models import Claim
from config.errors import DomainError, clean_text
from payments.models import BankDetails, PaymentBatch, PaymentLine
from vouchers.models import LedgerEntry, Programme
from vouchers.services import ledger

ZERO = Decimal("0.00")
CHUNK = 1000


# What a claw-back receivable of the payee took from a claim or statement when it was
# approved (recovery/ sets it): the one place a payment reads it; the line pays the rest.
OFFSET = "offset"
# Each line's columns, read from its claim or statement (values: no model per row).
CLAIM_COLUMNS = {
    "claim_id": "pk", "programme_id": "voucher__programme_id", "entity_id": "entity_id",
    "payee": "entity__name", "gross": "approved_amount", "offset": OFFSET,
}  # fmt: skip
STATEMENT_COLUMNS = {
    "settlement_id": "pk", "programme_id": "programme_id", "provider_id": "provider_id",
    "payee": "provider__name", "gross": "total_subsidy", "offset": OFFSET,
}  # fmt: skip


def payable_claims(programmes):
    """Approved claims of the programmes on no live payment line."""
    return Claim.objects.filter(
        voucher__programme__in=programmes, status=Claim.Status.APPROVED
    ).exclude(payment_lines__live=True)


def payable_statements(programmes):
    """Approved statements of the programmes with money to pay, on no live payment line."""
    return Settlement.objects.filter(
        programme__in=programmes, status=Settlement.Status.APPROVED, total_subsidy__gt=0
    ).exclude(payment_lines__live=True)


def prepare_batch(
    *, authority: Authority, by, claim_ids=None, statement_ids=None, note: str = ""
) -> PaymentBatch:
    """A batch of the authority's approved claims and statements not on a live line yet
    (all of them, or those named). A claim or statement already on another open batch
    is refused by name; two officers preparing at once meet the unique index."""
    require(by, "payments.prepare_batch", authority)
    programmes = Programme.objects.filter(authority=authority)
    note = clean_text((note or "").strip(), field="note")
    claims = _chosen(payable_claims(programmes), claim_ids, "claims", CLAIM_COLUMNS)
    statements = _chosen(
        payable_statements(programmes), statement_ids, "statements", STATEMENT_COLUMNS
    )
    if not claims and not statements:
        raise DomainError(
            "lines", "没有待付款的已批准报销或结算单", "nothing approved is waiting to be paid",
            code="nothing_to_pay",
        )  # fmt: skip
    try:
        with transaction.atomic():
            batch = PaymentBatch.objects.create(authority=authority, prepared_by=by, note=note)
            lines = [_line(batch, row) for row in claims + statements]
            PaymentLine.objects.bulk_create(lines, batch_size=CHUNK)
            batch.line_count = len(lines)
            batch.total_net = sum((line.net for line in lines), ZERO)
            batch.save(update_fields=["line_count", "total_net"])
            _audit(batch, by, actions.PAYMENT_BATCH_PREPARE, before="")
    except IntegrityError as exc:
        if "payment_line_" not in str(exc) and "UNIQUE" not in str(exc).upper():
            raise
        raise already_in_batch() from exc
    return batch


def _chosen(rows, ids, field: str, columns: dict) -> list[dict]:
    """The lines' columns of the payable rows (all, or those named: one not payable is
    refused by number)."""
    if ids is not None:
        ids = {int(pk) for pk in ids}
        rows = rows.filter(pk__in=ids)
    found = [
        {name: row[source] for name, source in columns.items()}
        for row in rows.order_by("pk").values(*columns.values())
    ]
    missing = (ids or set()) - {row[next(iter(columns))] for row in found}
    if missing:
        listed = ", ".join(f"#{pk}" for pk in sorted(missing))
        raise DomainError(
            field, f"{listed} 未批准或已在另一付款批次中",
            f"{listed} not approved or already on another payment batch",
            code="not_payable",
        )  # fmt: skip
    return found


def already_in_batch() -> DomainError:
    return DomainError(
        "lines", "其中有项目已在另一付款批次中", "an item is already on another payment batch",
        code="already_in_batch",
    )  # fmt: skip


def _line(batch: PaymentBatch, row: dict) -> PaymentLine:
    return PaymentLine(batch=batch, net=row["gross"] - row["offset"], **row)


def approve_batch(*, batch: PaymentBatch, by) -> PaymentBatch:
    """A second finance officer approves; each line keeps its payee's bank details as
    they stand now, whatever is changed later."""
    require(by, "payments.approve_batch", batch)
    with transaction.atomic():
        batch = _locked(batch, PaymentBatch.Status.PREPARED)
        if batch.prepared_by_id == by.pk:
            raise DomainError(
                "approved_by", "付款批次须由编制人以外的另一名财务人员批准",
                "a batch is approved by a finance officer other than the one who prepared it",
                code="four_eyes",
            )  # fmt: skip
        _refuse_own_decisions(batch, by)
        _snapshot_bank_details(batch)
        batch.approve()
        batch.approved_by, batch.approved_at = by, timezone.now()
        batch.save(update_fields=["status", "approved_by", "approved_at"])
        _audit(batch, by, actions.PAYMENT_BATCH_APPROVE, before=PaymentBatch.Status.PREPARED)
    return batch


def reject_batch(*, batch: PaymentBatch, by, reason: str) -> PaymentBatch:
    """Not approved: its claims and statements are free for another batch."""
    require(by, "payments.approve_batch", batch)
    reason = clean_text((reason or "").strip(), field="reason")
    if not reason:
        raise DomainError("reason", "请填写退回理由", "write why the batch is rejected")
    with transaction.atomic():
        batch = _locked(batch, PaymentBatch.Status.PREPARED)
        batch.reject()
        batch.note = reason
        batch.save(update_fields=["status", "note"])
        batch.lines.update(live=False)
        _audit(batch, by, actions.PAYMENT_BATCH_REJECT, before=PaymentBatch.Status.PREPARED)
    return batch


def _locked(batch: PaymentBatch, status: str) -> PaymentBatch:
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != status:
        raise DomainError(
            "status", f"付款批次状态为 {batch.status}",
            f"the batch is {batch.status}, not {status}", code="bad_state",
        )  # fmt: skip
    return batch


def _refuse_own_decisions(batch: PaymentBatch, by) -> None:
    """Nobody approves the payment of money they decided: the reviewer who approved a
    claim, the officer who approved a statement (its own four-eyes rule)."""
    lines = batch.lines.filter(claim__decided_by=by) | batch.lines.filter(
        settlement__approved_by=by
    )
    if lines.exists():
        raise DomainError(
            "approved_by", "批次中有您本人批准的报销或结算单，须由另一名财务人员批准",
            "the batch holds a claim or statement you approved: another officer approves it",
            code="four_eyes",
        )  # fmt: skip


def _snapshot_bank_details(batch: PaymentBatch) -> None:
    """Copy each payee's bank details onto its lines, set-wise: one UPDATE for the
    entities' lines and one for the providers', each column from the payee's row by a
    subquery (the account number's ciphertext is copied as it is, never decrypted)."""
    lines = batch.lines.all()
    missing = lines.filter(
        Q(entity__isnull=False, entity__bank_details__isnull=True)
        | Q(provider__isnull=False, provider__bank_details__isnull=True)
    )
    payees = sorted(set(missing.values_list("payee", flat=True)))
    if payees:
        raise DomainError(
            "bank_details", f"以下收款人尚无收款账户：{'、'.join(payees[:10])}",
            f"no bank details yet for: {', '.join(payees[:10])}", code="no_bank_details",
        )  # fmt: skip
    for payee in ("entity", "provider"):
        held = BankDetails.objects.filter(**{payee: OuterRef(payee)})
        lines.filter(**{f"{payee}__isnull": False}).update(
            **{column: Subquery(held.values(column)[:1]) for column in SNAPSHOT}
        )


SNAPSHOT = ("account_name", "bank_name", "account_number")


def parse_references(text: str, *, default_date: date | None) -> dict[int, tuple[str, date]]:
    """Pasted lines "line number, bank reference[, YYYY-MM-DD]" (comma or tab); one
    error naming every bad line."""
    rows, bad = {}, []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.replace("\t", ",").replace("，", ",").split(",")]
        try:
            paid_on = date.fromisoformat(parts[2]) if len(parts) > 2 and parts[2] else default_date
            rows[int(parts[0].lstrip("#"))] = (parts[1], paid_on)
        except (ValueError, IndexError):
            bad.append(number)
    if bad:
        listed = ", ".join(map(str, bad))
        raise DomainError(
            "references", f"第 {listed} 行须为“明细号, 银行流水号[, 日期]”",
            f'line {listed} must be "line number, bank reference[, date]"', code="bad_line",
        )  # fmt: skip
    return rows


def pay_batch(*, batch: PaymentBatch, references: dict[int, tuple[str, date]], by) -> PaymentBatch:
    """Record the payment of an approved batch: a bank reference and date for every line
    (line id -> (reference, date)); moves each line's net to the payee's paid account."""
    require(by, "payments.pay_batch", batch)
    with transaction.atomic():
        batch = _locked(batch, PaymentBatch.Status.APPROVED)
        lines = list(batch.lines.order_by("pk"))
        _apply_references(lines, references)
        claims = _lock(
            Claim.objects.only("pk", "status", "approved_amount"),
            [line.claim_id for line in lines if line.claim_id],
        )
        statements = _lock(
            Settlement.objects.all(), [line.settlement_id for line in lines if line.settlement_id]
        )
        ledger.post(_moves(lines), by=by)
        _claims_paid(claims, {line.claim_id: line.programme_id for line in lines}, by)
        _statements_paid(statements, batch, by)
        _record_references(lines)
        batch.pay()
        batch.paid_by, batch.paid_at = by, timezone.now()
        batch.save(update_fields=["status", "paid_by", "paid_at"])
        _audit(batch, by, actions.PAYMENT_BATCH_PAY, before=PaymentBatch.Status.APPROVED)
    return batch


def _apply_references(lines: list[PaymentLine], references: dict) -> None:
    today = timezone.localdate()
    missing, bad = [], []
    for line in lines:
        reference, paid_on = references.get(line.pk, ("", None))
        reference = clean_text((reference or "").strip(), field="references")
        if not reference or paid_on is None:
            missing.append(line.pk)
        elif len(reference) > 64 or paid_on > today:
            bad.append(line.pk)
        line.bank_reference, line.paid_on = reference, paid_on
    if missing or bad:
        first = (missing or bad)[:10]
        listed = ", ".join(f"#{pk}" for pk in first)
        raise DomainError(
            "references", f"明细 {listed} 须填写银行流水号（至多 64 字符）和不晚于今天的付款日期",
            f"lines {listed} need a bank reference (at most 64 characters) and a date not after today",
            code="missing_reference",
        )  # fmt: skip


def _record_references(lines: list[PaymentLine]) -> None:
    """Each line's own reference and date: an upsert by primary key (every line exists,
    so each INSERT meets its row and updates the two columns), which costs a plain
    INSERT where bulk_update would compile a CASE of thousands of branches."""
    PaymentLine.objects.bulk_create(
        lines, batch_size=CHUNK, update_conflicts=True, unique_fields=["id"],
        update_fields=["bank_reference", "paid_on"],
    )  # fmt: skip


def _lock(rows, ids: list[int]) -> dict:
    """The rows in id order (the lock order), each still approved, by id."""
    held, ids = {}, sorted(ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        held.update(rows.select_for_update().filter(pk__in=chunk).order_by("pk").in_bulk())
    stale = [pk for pk, row in held.items() if row.status != "approved"]
    if stale:
        raise DomainError(
            "lines", "批次中有项目已不在已批准状态", f"items no longer approved: {stale[:10]}",
            code="bad_state",
        )  # fmt: skip
    return held


def _moves(lines: list[PaymentLine]) -> list[ledger.Move]:
    moves = []
    for programme_id, debit, credit, line in _accounts_of(lines):
        # The cash paid, then the offset: the part a claw-back receivable took when the
        # claim or statement was approved (recovery/ moved it receivable -> available
        # then), settled here by netting, so the payable or redeemed account is emptied.
        for amount, reference in (
            (line.net, f"payment:{line.pk}"),
            (line.offset, f"payment:{line.pk}:offset"),
        ):
            moves.append(
                ledger.Move(
                    kind=LedgerEntry.Kind.PAY, debit=debit, credit=credit, amount=amount,
                    programme_id=programme_id, reference=reference,
                )
            )  # fmt: skip
    return moves


def _accounts_of(lines: list[PaymentLine]):
    """(programme, debit account id, credit account id, line) for each line: a claim's
    payable -> the entity's paid account, a statement's redeemed -> the provider's paid
    account; the accounts read a few queries per programme, not per line."""
    by_programme = defaultdict(list)
    for line in lines:
        by_programme[line.programme_id].append(line)
    for programme_id, held in sorted(by_programme.items()):
        entity_ids = {line.entity_id for line in held if line.claim_id}
        payables = ledger.payable_accounts(programme_id, entity_ids)
        paid = ledger.entity_paid_accounts(programme_id, entity_ids)
        for line in held:
            if line.claim_id:
                yield programme_id, payables[line.entity_id].pk, paid[line.entity_id].pk, line
            else:
                redeemed = ledger.redeemed_account(programme_id, line.provider_id).pk
                yield (
                    programme_id,
                    redeemed,
                    ledger.paid_account(programme_id, line.provider_id).pk,
                    line,
                )


def _claims_paid(claims: dict, programme_of: dict, by) -> None:
    now = timezone.now()
    for claim in claims.values():
        claim.pay()  # the fsm transition checks each claim; one UPDATE writes them all
        claim.paid_at = now
    ids = sorted(claims)
    for start in range(0, len(ids), CHUNK):
        Claim.objects.filter(pk__in=ids[start : start + CHUNK]).update(
            status=Claim.Status.PAID, paid_at=now
        )
    events = [
        audit.event(
            actor=by, action=actions.CLAIM_PAID, obj=claim, programme=programme_of[claim.pk],
            before={"status": Claim.Status.APPROVED},
            after={"status": claim.status, "amount": claim.approved_amount},
        )
        for claim in claims.values()
    ]  # fmt: skip
    for start in range(0, len(events), CHUNK):
        audit.record_all(events[start : start + CHUNK])


def _statements_paid(statements: dict, batch: PaymentBatch, by) -> None:
    from billing.settlements import pay_settlement

    for statement in statements.values():
        pay_settlement(settlement=statement, by=by, batch=batch)


def _audit(batch: PaymentBatch, by, action: str, *, before: str) -> None:
    audit.record(
        actor=by, action=action, obj=batch,
        before={"status": before} if before else None,
        after={"status": batch.status, "lines": batch.line_count, "total_net": batch.total_net},
    )  # fmt: skip
