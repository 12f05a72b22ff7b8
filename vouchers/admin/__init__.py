"""The back office: Django admin over every model, changing money and status only
through the services (see `common`)."""

from vouchers.admin import applications, ledger, programmes, trust, voucher

__all__ = ["applications", "ledger", "programmes", "trust", "voucher"]
