"""Reads of the payments pages and the treasury payment file."""

from django.db.models import Count, Sum

from payments.models import PaymentBatch
from payments.services.batches import payable_claims, payable_statements

PAYMENT_FILE_COLUMNS = ("line", "payee", "account_name", "bank", "account", "amount", "reference")


def waiting_by_programme(programmes) -> list[dict]:
    """Per programme: the approved claims and statements on no batch yet, and their sum
    (two grouped queries, whatever the number of programmes)."""
    programmes = list(programmes)
    claims = _grouped(payable_claims(programmes), "voucher__programme_id", "approved_amount")
    statements = _grouped(payable_statements(programmes), "programme_id", "total_subsidy")
    rows = []
    for programme in programmes:
        c, s = claims.get(programme.pk, (0, 0)), statements.get(programme.pk, (0, 0))
        if c[0] or s[0]:
            rows.append({"programme": programme, "claims": c[0], "statements": s[0],
                         "total": (c[1] or 0) + (s[1] or 0)})  # fmt: skip
    return rows


def _grouped(rows, by: str, amount: str) -> dict:
    counted = rows.values(by).annotate(n=Count("pk"), total=Sum(amount)).order_by()
    return {row[by]: (row["n"], row["total"]) for row in counted}


def payment_file_rows(batch: PaymentBatch):
    """The treasury's payment file: a row per line, with the bank details as they stood
    when the batch was approved (in full: the file goes to the treasury system), and the
    bank reference once paid; read in chunks."""
    lines = batch.lines.order_by("pk")
    for line in lines.iterator(chunk_size=2000):
        yield {
            "line": line.pk,
            "payee": line.payee,
            "account_name": line.account_name,
            "bank": line.bank_name,
            "account": line.account_number,
            "amount": f"{line.net:.2f}",
            "reference": line.bank_reference or f"PB{batch.pk}-{line.pk}",
        }
