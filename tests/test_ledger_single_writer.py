"""Money has one writer: vouchers/services/ledger.py. Nothing else in the code writes
ledger entries, account balances, a voucher's redeemed or released, or cap use, by
the ORM or by SQL; a pipeline hands the ledger its moves (ledger.post)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LEDGER = ROOT / "vouchers" / "services" / "ledger.py"
# Besides the tests and migrations: bench/ builds scratch worlds for timing on a scratch
# database (it clones rows by SQL, as a fixture would), never run against real books.
SKIPPED_DIRS = {".venv", "tests", "migrations", "node_modules", "tmp", "bench"}

WRITES = [
    r"UPDATE\s+vouchers_ledgeraccount",
    r"UPDATE\s+vouchers_capusage",
    r"INSERT\s+INTO\s+vouchers_ledgerentry",
    r"UPDATE\s+vouchers_voucher\s+SET\s+(redeemed|released)",
    r"SET\s+(redeemed|released|balance|used)\s*=",
    r"LedgerEntry\.objects\.(create|bulk_create|get_or_create|update_or_create)",
    r"(?<!class )LedgerEntry\(",
    r"\.(redeemed|released|balance|used)\s*[-+]?=(?!=)",
    r"update\(\s*(balance|used|redeemed|released)\s*=",
    r"bulk_update\([^)]*(balance|used|redeemed|released)",
]


def python_files():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts[:-1])
        if parts & SKIPPED_DIRS or path == LEDGER:
            continue
        yield path


def writes_in(text: str) -> list[str]:
    return [
        match.group(0)
        for pattern in WRITES
        for match in re.finditer(pattern, text, flags=re.IGNORECASE)
    ]


def test_nothing_but_the_ledger_writes_money():
    found = {
        str(path.relative_to(ROOT)): hits
        for path in python_files()
        if (hits := writes_in(path.read_text(encoding="utf-8")))
    }
    assert found == {}


@pytest.mark.parametrize(
    "line",
    [
        'cursor.execute("UPDATE vouchers_ledgeraccount SET balance = balance + %s")',
        "INSERT INTO vouchers_ledgerentry (kind) VALUES ('redeem')",
        "UPDATE vouchers_voucher SET redeemed = redeemed + d.total",
        "LedgerEntry.objects.bulk_create(entries)",
        "LedgerEntry.objects.create(kind='redeem')",
        "voucher.redeemed += subsidy",
        "voucher.released += unused",
        "LedgerAccount.objects.filter(pk=1).update(balance=F('balance') + 1)",
        "CapUsage.objects.filter(pk=1).update(used=F('used') - 1)",
    ],
)
def test_the_search_finds_each_kind_of_write(line):
    assert writes_in(line)


def test_the_search_lets_reads_through():
    assert not writes_in("if voucher.redeemed == face_value and usage.used <= limit:")
