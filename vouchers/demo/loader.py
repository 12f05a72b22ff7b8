"""The demo data set behind `manage.py load_demo`.

Idempotent by natural keys: an authority by its name, a user by username, a provider or
entity by credit code, a programme by code, a demo application by its contract number.
Each unit is built in one transaction, so an interrupted run leaves whole units and the
next run completes the rest; a second run finds everything and changes nothing.

Whatever has a status or moves money goes through the services, done by the person whose
role allows it: managers publish, entity staff declare and apply, reviewers decide,
provider staff redeem.  Dates follow `timezone.localdate()`: the programmes accept
applications all of the current year, so a person can apply through the demo today.
The organisations other than the real providers and authorities are fictional.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Authority, Entity, Membership, Provider, User
from payments.models import BankDetails
from payments.services.bank_details import change_bank_details
from vouchers.demo import world
from vouchers.demo.brief_programmes import (
    FIRST_TABLE,
    PROVIDERS,
    credit_code,
    programme_code,
    programme_fields,
)
from vouchers.demo.cast import (
    CLAIM_APPROVED,
    ENTITY_KINDS,
    GIVEN_NAMES,
    PROVIDER_PROFILES,
    SCENARIOS,
    SURNAMES,
    Scenario,
)
from vouchers.models import Application, Contract, DishonestyList, Programme, Voucher
from vouchers.money import share_of
from vouchers.services.applications import (
    approve_application,
    create_application,
    reject_application,
    return_application,
    submit_application,
    withdraw_application,
)
from vouchers.services.closing import end_public_notice, expire_voucher, revoke_voucher
from vouchers.services.dishonesty import import_dishonesty_list
from vouchers.services.redemption import redeem

PASSWORD = "demo12345"
ADMIN_URL = "http://127.0.0.1:8000/admin/"
Role = Membership.Role
AUTHORITY_STAFF = (
    ("manager", Role.PROGRAMME_MANAGER),
    ("reviewer1", Role.REVIEWER),
    ("reviewer2", Role.REVIEWER),
    ("finance", Role.FINANCE_OFFICER),
    # A second finance officer: a payment batch is approved by one who did not prepare it.
    ("finance2", Role.FINANCE_OFFICER),
)


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    organisation: str


@dataclass
class Demo:
    """One run: the date, the password hash and what was found or made, by key."""

    today: date
    # Hashed once and shared: hashing it per user (PBKDF2) would take about a minute.
    password: str = field(default_factory=lambda: make_password(PASSWORD))
    logins: list[Login] = field(default_factory=list)
    users: dict = field(default_factory=dict)
    providers: dict = field(default_factory=dict)
    programmes: dict = field(default_factory=dict)
    entities: dict = field(default_factory=dict)
    # Credit codes on the dishonesty (失信) list and the day each listing ended.
    dishonest: dict = field(default_factory=dict)
    created: int = 0


def load() -> Demo:
    demo = Demo(today=timezone.localdate())
    _ensure_admin(demo)
    for entry in FIRST_TABLE:
        _ensure_authority(demo, entry)
    for key in dict.fromkeys(key for entry in FIRST_TABLE for key in entry["providers"]):
        _ensure_provider(demo, key)
    for entry in FIRST_TABLE:
        _ensure_programme(demo, entry)
    for kind, (prefix, code_prefix, rows) in ENTITY_KINDS.items():
        for number, row in enumerate(rows, start=1):
            _ensure_entity(demo, kind, f"{prefix}{number:02d}", code_prefix, row)
    _ensure_dishonesty_list(demo)
    for number, scenario in enumerate(SCENARIOS, start=1):
        _ensure_scenario(demo, number, scenario)
    _ensure_group_clerk(demo)
    _ensure_clawback(demo)
    _ensure_statement_to_pay(demo)
    return demo


def demo_account_number(pk: int, *, prefix: str) -> str:
    """A fictional account number of 16 digits, one per payee (a shared number would make
    two payees look related)."""
    return f"{prefix}{pk:012d}"


def _ensure_admin(demo: Demo) -> None:
    if not User.objects.filter(username="admin").exists():
        User.objects.create(
            username="admin",
            password=demo.password,
            display_name="平台管理员",
            is_staff=True,
            is_superuser=True,
        )
        demo.created += 1
    demo.logins.append(Login("admin", "superuser", "平台 / platform"))


def _ensure_member(demo: Demo, username: str, role: str, organisation, display_name: str):
    """The user with this role in `organisation` (an Authority, Entity or Provider)."""
    demo.created += not User.objects.filter(username=username).exists()
    scope = {type(organisation).__name__.lower(): organisation}
    user = world.member(username, role, password=demo.password, display_name=display_name, **scope)
    demo.users[username] = user
    demo.logins.append(Login(username, role, str(organisation)))
    return user


def _ensure_group_clerk(demo: Demo) -> None:
    """A group's finance clerk who acts for two entities (the portal's switcher)."""
    with transaction.atomic():
        for key in ("ent01", "ent02"):
            entity = demo.entities[key]
            _ensure_member(demo, "group01", Role.ENTITY_STAFF, entity, "集团财务")


def _staff_prefix(programme_key: str) -> str:
    return programme_key.split("-")[0]  # "hangzhou-sme" is run by the "hangzhou" staff


def _ensure_authority(demo: Demo, entry: dict) -> None:
    values = entry["authority"]
    with transaction.atomic():
        authority, made = Authority.objects.get_or_create(
            name_zh=values["name_zh"], defaults=values
        )
        demo.created += made
        for suffix, role in AUTHORITY_STAFF:
            username = f"{_staff_prefix(entry['key'])}-{suffix}"
            if username not in demo.users:
                with translation.override("zh-hans"):
                    label = f"{authority.name_zh} {Role(role).label}"
                _ensure_member(demo, username, role, authority, label)


def _ensure_provider(demo: Demo, key: str) -> None:
    data = PROVIDERS[key]
    with transaction.atomic():
        provider = Provider.objects.filter(credit_code=data["credit_code"]).first()
        if provider is None:
            provider = world.provider(
                name=data["name"],
                credit_code=data["credit_code"],
                legal_representative=data["legal_representative"],
                region=data["region"],
                slug=key,  # readable in `create_provider_key cd-icc`
                **PROVIDER_PROFILES.get(key, {}),
            )
            demo.created += 1
        demo.providers[key] = provider
        staff = _ensure_member(
            demo, f"{key}-staff", Role.PROVIDER_STAFF, provider, f"{data['name']} 对接人"
        )
        if not BankDetails.objects.filter(provider=provider).exists():
            change_bank_details(
                payee=provider, account_name=data["name"], bank_name="中国建设银行（演示）",
                account_number=demo_account_number(provider.pk, prefix="4400"), by=staff,
            )  # fmt: skip
            demo.created += 1


def _ensure_programme(demo: Demo, entry: dict) -> None:
    code = programme_code(entry, demo.today.year)
    existing = Programme.objects.filter(code=code).first()
    if existing is not None:
        demo.programmes[entry["key"]] = existing
        return
    manager = demo.users[f"{_staff_prefix(entry['key'])}-manager"]
    authority = Authority.objects.get(name_zh=entry["authority"]["name_zh"])
    with transaction.atomic():
        demo.programmes[entry["key"]] = world.programme(
            manager=manager,
            providers=[demo.providers[key] for key in entry["providers"]],
            fields={
                **programme_fields(entry, authority=authority, year=demo.today.year),
                # Where the public board sends objections during a notice period.
                "objection_email": f"gongshi-{entry['key']}@example.gov.cn",
            },
            rules=entry["rules"],
            funding_sources=entry["funding_sources"],
        )
    demo.created += 1


def _legal_representative(serial: int, extras: dict) -> str:
    if "related_to" in extras:
        return PROVIDERS[extras["related_to"]]["legal_representative"]
    return SURNAMES[serial % len(SURNAMES)] + GIVEN_NAMES[serial % len(GIVEN_NAMES)]


def _ensure_entity(demo: Demo, kind: str, key: str, code_prefix: str, row: tuple) -> None:
    name, region, industry, employees, revenue, extras = row
    serial = len(demo.entities) + 1
    code = credit_code(code_prefix, region, 800000000 + serial)

    def clerk(organisation):
        return _ensure_member(demo, key, Role.ENTITY_STAFF, organisation, f"{name} 经办人")

    with transaction.atomic():
        entity = Entity.objects.filter(credit_code=code).first()
        if entity is None:
            entity = world.entity(
                name=name,
                credit_code=code,
                kind=kind,
                legal_representative=_legal_representative(serial, extras),
                region=region,
                industry=industry,
                employees=employees,
                revenue=revenue,
                is_startup=extras.get("is_startup", False),
                declared_on=demo.today,
                profile={"phone": extras["phone"]} if "phone" in extras else None,
                clerk=clerk,
            )
            demo.created += 1
        else:
            clerk(entity)
    demo.entities[key] = entity
    if days := extras.get("dishonest_days_ago"):
        demo.dishonest[code] = demo.today - timedelta(days=days)


def _ensure_dishonesty_list(demo: Demo) -> None:
    """The list as the credit authority would publish it, imported once (by the
    platform's administrator) so that the `no_dishonesty` rule has a version to read."""
    if DishonestyList.objects.exists():
        return
    lines = ["credit_code,listed_from,listed_until"]
    for code, until in demo.dishonest.items():
        lines.append(f"{code},{until - relativedelta(years=1)},{until}")
    upload = SimpleUploadedFile("demo-dishonesty.csv", "\n".join(lines).encode())
    import_dishonesty_list(upload=upload, by=User.objects.get(username="admin"))


def _ensure_scenario(demo: Demo, number: int, scenario: Scenario) -> None:
    """Sign the contract, apply, then take the steps to the scenario's state."""
    provider = demo.providers[scenario.provider]
    contract_number = f"DEMO-{demo.today.year}-{number:03d}"
    if Contract.objects.filter(provider=provider, number=contract_number).exists():
        return
    entity, clerk = demo.entities[scenario.entity], demo.users[scenario.entity]
    with transaction.atomic():
        entity.clerk = clerk
        contract = world.contract(
            entity=entity,
            provider=provider,
            number=contract_number,
            **_contract_fields(demo, scenario),
        )
        application = create_application(
            entity=entity,
            contract=contract,
            programme=demo.programmes[scenario.programme],
            by=clerk,
            voucher_kind=scenario.voucher_kind,
        )
        for step in STEPS[scenario.state]:
            application = step(demo, scenario, application)
    demo.created += 1


def _contract_fields(demo: Demo, scenario: Scenario) -> dict:
    """Signed a month ago for a year of service: within every first-table window."""
    start = demo.today - timedelta(days=30)
    return {
        "signed_on": start,
        "service_start": start,
        "service_end": start + relativedelta(months=12) - timedelta(days=1),
        "value": scenario.value,
        "accelerator_hours": Decimal(scenario.value) // 10,  # about 10 yuan an hour
        "resources": "GPU/NPU 卡时 / accelerator hours",
        **scenario.contract,
    }


def _reviewer(demo: Demo, scenario: Scenario, number: int) -> User:
    return demo.users[f"{_staff_prefix(scenario.programme)}-reviewer{number}"]


def _submit(demo, scenario, application):
    return submit_application(application=application, by=demo.users[scenario.entity])


def _return(demo, scenario, application):
    note = "请补充算力使用计划 / please add the compute usage plan"
    return return_application(application=application, by=_reviewer(demo, scenario, 1), note=note)


def _reject(demo, scenario, application):
    note = "合同内容与申报用途不符 / the contract does not match the declared purpose"
    return reject_application(application=application, by=_reviewer(demo, scenario, 2), note=note)


def _withdraw(demo, scenario, application):
    return withdraw_application(application=application, by=demo.users[scenario.entity])


def _approve(demo, scenario, application):
    return approve_application(application=application, by=_reviewer(demo, scenario, 1))


def _redeem(demo, scenario, application, billed: Decimal) -> None:
    voucher = Voucher.objects.get(application=application)
    staff = demo.users[f"{scenario.provider}-staff"]
    redeem(voucher=voucher, billed_amount=billed, by=staff, reference="DEMO usage")


def _redeem_part(demo, scenario, application):
    _redeem(demo, scenario, application, Decimal(scenario.value) / 5)
    return application


def _redeem_all(demo, scenario, application):
    # Billing the whole contract earns rate x value, at least the face value: exhausted.
    _redeem(demo, scenario, application, Decimal(scenario.value))
    return application


def _expire(demo, scenario, application):
    voucher = Voucher.objects.get(application=application)
    # The demo cannot wait a year: expire it as the daily job would the day after expiry.
    expire_voucher(voucher=voucher, today=voucher.expires_on + timedelta(days=1))
    return application


def _revoke(demo, scenario, application):
    voucher = Voucher.objects.get(application=application)
    reason = "演示：合同已解除 / demo: the contract was cancelled"
    revoke_voucher(voucher=voucher, by=_reviewer(demo, scenario, 2), reason=reason)
    return application


def _end_notice(demo, scenario, application):
    voucher = Voucher.objects.get(application=application)
    # The demo cannot wait out the week's notice: end it as the daily job would that day.
    end_public_notice(voucher=voucher, today=voucher.notice_ends_on)
    return application


def _claim_approved(demo, scenario, application):
    """The company paid half its contract and claims its share with the invoice and the
    delivery proof; a reviewer approves it in full (reserve -> the entity's payable)."""
    from company.services.claim_review import approve_claim
    from company.services.claims import file_claim

    voucher = Voucher.objects.get(application=application)
    paid = Decimal(scenario.value) / 2
    claim = file_claim(
        entity=application.entity, voucher=voucher, by=demo.users[scenario.entity],
        invoice_number=f"FP-{application.contract.number}", invoice_date=demo.today,
        invoice_amount=paid, amount=share_of(paid, voucher.rate),
        service_start=application.contract.service_start, service_end=demo.today,
        invoice_file=SimpleUploadedFile("invoice.pdf", DEMO_PDF, "application/pdf"),
        delivery_proof=SimpleUploadedFile("delivery.pdf", DEMO_PDF, "application/pdf"),
    )  # fmt: skip
    approve_claim(claim=claim, amount=claim.amount, by=_reviewer(demo, scenario, 1))
    return application


DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _ensure_clawback(demo: Demo) -> None:
    """A claw-back (追回) with money still owed, so that its pages are not empty: the
    Chengdu centre reports a day's usage on inst01's active voucher, its statement of the
    month is approved and paid through a batch, then an audit finds a fifth of that
    subsidy billed twice."""
    from billing.models import UsageRecord
    from recovery.models import Finding
    from recovery.services import record_finding

    if Finding.objects.exists():
        return
    statement = _approved_statement(demo, "inst01", "DEMO-CLAWBACK-1")
    _paid_through_batch(demo, "chengdu", statement)
    record = UsageRecord.objects.get(provider=statement.provider, record_id="DEMO-CLAWBACK-1")
    record_finding(
        record=record, amount=record.subsidy / 5, by=demo.users["chengdu-reviewer1"],
        reason="审计发现部分卡时重复计费 / an audit found some hours billed twice",
        evidence=SimpleUploadedFile("demo-audit.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )  # fmt: skip


def _ensure_statement_to_pay(demo: Demo) -> None:
    """An approved statement waiting for a payment batch (the national supercomputing
    centre's day of usage on uni01's voucher), so Chengdu's finance officers have one to
    prepare, approve and pay; approved by a reviewer, so neither officer decided it."""
    from billing.models import UsageRecord

    if not UsageRecord.objects.filter(record_id="DEMO-STATEMENT-1").exists():
        _approved_statement(demo, "uni01", "DEMO-STATEMENT-1")


def _approved_statement(demo: Demo, entity_key: str, record_id: str):
    """A day's usage (10,000 yuan billed) on the entity's active Chengdu voucher, reconciled
    and on its provider's statement of the month, which chengdu-reviewer1 approves."""
    from billing.ingest import ingest_records
    from billing.models import Settlement
    from billing.reconcile import reconcile
    from billing.records import parse_records
    from billing.settlements import approve_settlement, build_settlements

    number = next(i for i, s in enumerate(SCENARIOS, start=1) if s.entity == entity_key)
    voucher = Voucher.objects.get(contract__number=f"DEMO-{demo.today.year}-{number:03d}")
    day = f"{demo.today.isoformat()}T{{}}+08:00"
    raw = {
        "record_id": record_id, "contract_number": voucher.contract.number,
        "period_start": day.format("00:00:00"), "period_end": day.format("23:59:59"),
        "sku": "gpu-a800-hour", "description": "A800 GPU hours", "quantity": "100",
        "unit": "hour", "amount": "10000.00", "currency": "CNY",
    }  # fmt: skip
    with transaction.atomic():
        ingest_records(provider=voucher.provider, records=parse_records([raw])[0])
    reconcile(programme_id=voucher.programme_id)
    period = demo.today.strftime("%Y-%m")
    build_settlements(period=period)
    statement = Settlement.objects.get(
        programme=voucher.programme, provider=voucher.provider, period=period
    )
    return approve_settlement(settlement=statement, by=demo.users["chengdu-reviewer1"])


def _paid_through_batch(demo: Demo, prefix: str, statement) -> None:
    """Four eyes, as the finance pages do it: <prefix>-finance prepares a batch of the
    statement alone, <prefix>-finance2 approves it and records the bank's reference."""
    from payments.services.batches import approve_batch, pay_batch, prepare_batch

    batch = prepare_batch(
        authority=statement.programme.authority, by=demo.users[f"{prefix}-finance"],
        statement_ids=[statement.pk], note="演示 / demo",
    )  # fmt: skip
    approver = demo.users[f"{prefix}-finance2"]
    batch = approve_batch(batch=batch, by=approver)
    references = {line.pk: (f"DEMO-BANK-{line.pk:06d}", demo.today) for line in batch.lines.all()}
    pay_batch(batch=batch, references=references, by=approver)


STEPS = {
    Application.Status.DRAFT: (),
    Application.Status.SUBMITTED: (_submit,),
    Application.Status.RETURNED: (_submit, _return),
    Application.Status.REJECTED: (_submit, _reject),
    Application.Status.WITHDRAWN: (_submit, _withdraw),
    Voucher.Status.PUBLIC_NOTICE: (_submit, _approve),
    Voucher.Status.ACTIVE: (_submit, _approve, _redeem_part),
    Voucher.Status.EXHAUSTED: (_submit, _approve, _redeem_all),
    Voucher.Status.EXPIRED: (_submit, _approve, _expire),
    Voucher.Status.REVOKED: (_submit, _approve, _revoke),
    # A reimburse claim approved and waiting for a payment batch.
    CLAIM_APPROVED: (_submit, _approve, _end_notice, _claim_approved),
}


def provider_portal_line(logins: list[Login]) -> str:
    """Where a provider's integration engineer starts: the portal and a login to try it."""
    staff = next((login for login in logins if login.role == Role.PROVIDER_STAFF), None)
    if staff is None:
        return ""
    return (
        f"Provider portal (API keys, contracts, usage files, statements): /provider/"
        f" - sign in as {staff.username} ({staff.organisation})"
    )


PAYMENTS_LINE = (
    "Payments (/authority/payments/): <prefix>-finance prepares a batch, <prefix>-finance2"
    " approves and pays it (four eyes); waiting: a Beijing claim, a Chengdu statement"
)


def login_table(logins: list[Login]) -> str:
    """username | role | organisation; the organisation last, where CJK widths vary."""
    width_user = max(len(login.username) for login in logins)
    width_role = max(len(login.role) for login in logins)
    header = Login("username", "role", "organisation")
    return "\n".join(
        f"{row.username:<{width_user}}  {row.role:<{width_role}}  {row.organisation}"
        for row in [header, *logins]
    )
