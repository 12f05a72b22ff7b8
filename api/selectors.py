"""Guarded reads: a provider sees its own vouchers and contracts only; anything else is
404, as if it did not exist (never 403, which would confirm that it does)."""

from django.http import Http404

from vouchers.contract_numbers import number_key
from vouchers.models import Contract, Voucher


def voucher_for_provider(provider, code: str) -> Voucher:
    """A test key calls as its provider's sandbox (api/services/sandbox.py): a sandbox
    provider sees sandbox vouchers only and a real one real vouchers only, even if a
    voucher were bound to the wrong provider (the database refuses that too)."""
    voucher = (
        Voucher.objects.select_related("entity", "programme", "contract")
        .filter(provider=provider, code=code, programme__is_sandbox=is_sandbox(provider))
        .first()
    )
    if voucher is None:
        raise Http404("no such voucher")
    return voucher


def is_sandbox(provider) -> bool:
    return provider.sandbox_of_id is not None


def contracts_for_provider(provider):
    return (
        Contract.objects.filter(provider=provider)
        .select_related("entity", "voucher")
        .order_by("updated_at", "pk")
    )


def contract_for_provider(provider, contract_number: str) -> Contract:
    contract = contracts_for_provider(provider).filter(number_key=number_key(contract_number))
    found = contract.first()
    if found is None:
        raise Http404("no such contract")
    return found
