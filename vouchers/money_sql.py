"""Money in set-wise SQL: the rounding expressions of the pipelines, in one place.

vouchers/money.py rounds in Python; this module holds the same rules as SQL text for
the statements that move many rows at once (billing/reconcile.py, billing/settlements.py).
Money columns are NUMERIC on PostgreSQL (exact) and binary floats on SQLite, so on
SQLite every amount becomes a whole number of fen (an INTEGER) before it is added,
compared or multiplied; a share is rate x amount rounded DOWN to the fen, as
money.share_of rounds it.
"""

from django.db import connection

DIALECT = {
    "postgresql": {
        "fen": "({} * 100)",
        "share": "TRUNC({amount} * {rate} * 100)",
        "yuan": "({} / 100.0)",
        "least": "LEAST",
        "text_order": 'COLLATE "C"',
    },
    "sqlite": {
        "fen": "CAST(ROUND({} * 100) AS INTEGER)",
        "share": (
            "(CAST(ROUND({amount} * 100) AS INTEGER)"
            " * CAST(ROUND({rate} * 10000) AS INTEGER) / 10000)"
        ),
        "yuan": "({} / 100.0)",
        "least": "MIN",
        "text_order": "",
    },
}


def _words() -> dict:
    return DIALECT[connection.vendor]


def fen(expression: str) -> str:
    """A yuan amount as a whole number of fen."""
    return _words()["fen"].format(expression)


def share_fen(amount: str, rate: str) -> str:
    """rate x amount in whole fen, rounded down (money.share_of)."""
    return _words()["share"].format(amount=amount, rate=rate)


def yuan(expression: str) -> str:
    """Whole fen back to yuan."""
    return _words()["yuan"].format(expression)


def to_fen(expression: str) -> str:
    """A sum of yuan amounts kept on the exact fen (SQLite adds binary floats)."""
    return f"ROUND({expression}, 2)"


def least() -> str:
    return _words()["least"]


def text_order() -> str:
    """The collation that orders record ids by their bytes on both backends."""
    return _words()["text_order"]
