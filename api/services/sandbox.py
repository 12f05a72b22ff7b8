"""A provider's sandbox: where its test keys (`sk_test_...`) act, never on real money.

Made on the provider's first test key, through the same services as real data: a sandbox
provider (a provider row of its own, `Provider.sandbox_of`), a sandbox authority with its
programme manager and reviewer, a sandbox programme (`Programme.is_sandbox`, 50% of the
billed amount, funded from a sandbox source) and a test company holding two approved
vouchers, on the contracts SANDBOX-001 (100,000 yuan, a 50,000 voucher) and SANDBOX-002
(20,000 yuan, a 10,000 voucher). The system personas have no usable password.

Why a provider row of its own: every API read and write is already bound to the calling
provider (vouchers, contracts, usage records and their ids, files, statements,
idempotency keys), so a test key, which calls as the sandbox provider, meets the real
provider's objects exactly as it would meet a stranger's: 404. The database refuses a
voucher whose programme and provider disagree about being a sandbox (vouchers migration
0021), and real figures read `Programme.objects.real()`.

Usage records sent with a test key are reconciled in the same request
(`reconcile_now`), so the quick start (docs/api.md) reads its subsidy back at once.
"""

from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Provider
from billing import reconcile
from vouchers.demo import world
from vouchers.demo.brief_programmes.common import PLATFORM_RULES, credit_code, flat_rate
from vouchers.models import Programme, Voucher
from vouchers.services.applications import approve_application

# Organisation codes 8xxxxxxxx of the sandbox's made-up credit codes (provider, company),
# numbered by the real provider's id.
SANDBOX_PROVIDER_SERIAL = 800_000_000
SANDBOX_ENTITY_SERIAL = 810_000_000
BUDGET = Decimal("1000000.00")
RATE = "0.50"
# (contract number, contract value): each gets a voucher of half its value.
CONTRACTS = (("SANDBOX-001", "100000.00"), ("SANDBOX-002", "20000.00"))
RULES = {
    "rules": [{"kind": "designated_provider"}, *PLATFORM_RULES],
    "rate_tiers": flat_rate(RATE),
}
Role = Membership.Role


def sandbox_of(provider: Provider) -> Provider | None:
    return Provider.objects.filter(sandbox_of=provider).first()


def sandbox_vouchers(provider: Provider):
    """The vouchers of the provider's sandbox (none before its first test key), by
    contract number: what the keys page and the command show."""
    return (
        Voucher.objects.filter(provider__sandbox_of=provider, programme__is_sandbox=True)
        .select_related("contract")
        .order_by("contract__number")
    )


def ensure_sandbox(provider: Provider) -> Provider:
    """The provider's sandbox provider, made with its programme and vouchers the first
    time. The caller holds the provider's row lock (api.services.keys.create_key), so two
    first test keys at once make one sandbox."""
    existing = sandbox_of(provider)
    if existing is not None:
        return existing
    with transaction.atomic():
        sandbox = _sandbox_provider(provider)
        authority = world.authority(
            name_zh=f"算力券沙箱（{provider.name}）",
            name_en=f"Compute voucher sandbox ({provider.slug})",
            staff=[
                (f"sandbox-{provider.pk}-manager", Role.PROGRAMME_MANAGER),
                (f"sandbox-{provider.pk}-reviewer", Role.REVIEWER),
            ],
        )
        programme = _programme(provider, sandbox, authority)
        company = _company(provider)
        reviewer = authority.staff[f"sandbox-{provider.pk}-reviewer"]
        for number, value in CONTRACTS:
            application = world.submitted_application(
                programme=programme,
                entity=company,
                provider=sandbox,
                value=value,
                **_contract_terms(number),
            )
            approve_application(application=application, by=reviewer)
    return sandbox


def _sandbox_provider(provider: Provider) -> Provider:
    return world.provider(
        name=f"{provider.name}（沙箱）",
        region=provider.region_code,
        credit_code=credit_code("91", provider.region_code, SANDBOX_PROVIDER_SERIAL + provider.pk),
        legal_representative="沙箱服务商",
        slug=f"{provider.slug[:40]}-sandbox",
        sandbox_of=provider,
    )


def _programme(provider: Provider, sandbox: Provider, authority) -> Programme:
    fields = world.programme_values(
        authority=authority,
        code=f"sandbox-{provider.pk}",
        name_zh=f"沙箱算力券（{provider.name}）",
        name_en=f"Sandbox compute vouchers ({provider.slug})",
        total_budget=BUDGET,
        min_award=None,
        annual_cap=None,
        is_sandbox=True,
    )
    manager = authority.staff[f"sandbox-{provider.pk}-manager"]
    return world.programme(
        manager=manager,
        providers=[sandbox],
        fields=fields,
        rules=RULES,
        funding_sources=[("沙箱资金（非真实资金）", "Sandbox funds (not real money)", "1")],
    )


def _company(provider: Provider):
    username = f"sandbox-{provider.pk}-clerk"
    return world.entity(
        name=f"沙箱测试企业（{provider.name}）",
        credit_code=credit_code("91", provider.region_code, SANDBOX_ENTITY_SERIAL + provider.pk),
        legal_representative="沙箱企业",
        clerk=lambda made: world.member(username, Role.ENTITY_STAFF, entity=made),
    )


def _contract_terms(number: str) -> dict:
    """A year of service from the first of this month: usage from then on is in the
    contract, and from today (the vouchers' first day) it earns subsidy."""
    start = timezone.localdate().replace(day=1)
    end = start + relativedelta(years=1) - timedelta(days=1)
    return {"number": number, "signed_on": start, "service_start": start, "service_end": end}


def reconcile_now(sandbox: Provider) -> None:
    """Reconcile the sandbox's pending records at once (the real ones wait for the
    10-minute run). Only the sandbox programme's vouchers are claimed."""
    programme = Programme.objects.filter(is_sandbox=True, providers=sandbox).first()
    if programme is not None:
        reconcile.reconcile(programme_id=programme.pk)
