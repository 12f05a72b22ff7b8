"""Programmes: create with their first rule version, publish (funds the ledger), revise rules."""

from django.db import transaction

from accounts.permissions import require
from audit import actions
from audit import services as audit
from config.errors import DomainError, clean_bilingual
from vouchers.models import FundingSource, Programme, RuleSet
from vouchers.rules import validate_ruleset
from vouchers.services import ledger


def create_programme(
    *, by, fields: dict, rules: dict, providers=(), funding_sources=()
) -> Programme:
    """A draft programme with rule version 1. `funding_sources` is a list of
    (name_zh, name_en, weight). Everything is validated before anything is written."""
    programme = Programme(**fields)
    require(by, "vouchers.manage_programme", programme)
    clean_bilingual(programme)
    document = validate_ruleset(rules)
    _check_voucher_kinds(programme.voucher_kinds)
    with transaction.atomic():
        programme.save()
        programme.providers.set(providers)
        for name_zh, name_en, weight in funding_sources:
            source = FundingSource(
                programme=programme, name_zh=name_zh, name_en=name_en, weight=weight
            )
            clean_bilingual(source)
            source.save()
        RuleSet.objects.create(
            programme=programme, version=1, document=document, created_by=by, note="v1"
        )
        audit.record(
            actor=by,
            action=actions.PROGRAMME_CREATE,
            obj=programme,
            programme=programme,
            after={"status": programme.status, "total_budget": programme.total_budget},
        )
    return programme


def _check_voucher_kinds(kinds) -> None:
    allowed = set(Programme.VoucherKind.values)
    if not isinstance(kinds, list) or not kinds or not set(kinds) <= allowed:
        raise DomainError(
            "voucher_kinds",
            f"券种须为 {sorted(allowed)} 中的一个或多个",
            f"voucher kinds must be one or more of {sorted(allowed)}",
        )


def publish_programme(*, programme: Programme, by) -> Programme:
    """Open the programme and move its budget into the ledger, in one transaction."""
    require(by, "vouchers.manage_programme", programme)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.status != Programme.Status.DRAFT:
            raise DomainError(
                "status", "项目已发布", "the programme is already published", code="bad_state"
            )
        programme.publish()
        programme.save(update_fields=["status"])
        ledger.fund_programme(programme=programme, by=by)
        audit.record(
            actor=by,
            action=actions.PROGRAMME_PUBLISH,
            obj=programme,
            programme=programme,
            before={"status": Programme.Status.DRAFT},
            after={"status": programme.status},
        )
    return programme


def revise_rules(*, programme: Programme, by, rules: dict, note: str = "") -> RuleSet:
    """Add a rule version. Applications already filed keep the version they were filed under."""
    require(by, "vouchers.manage_programme", programme)
    document = validate_ruleset(rules)
    with transaction.atomic():
        # Lock the programme so two revisions at once get consecutive version numbers.
        Programme.objects.select_for_update().get(pk=programme.pk)
        current = programme.current_ruleset()
        ruleset = RuleSet.objects.create(
            programme=programme,
            version=current.version + 1,
            document=document,
            created_by=by,
            note=note,
        )
        audit.record(
            actor=by,
            action=actions.RULESET_REVISE,
            obj=ruleset,
            programme=programme,
            before={"version": current.version},
            after={"version": ruleset.version, "note": note},
        )
    return ruleset


def update_draft(
    *, programme: Programme, by, fields: dict, rules: dict, providers=(), funding_sources=()
) -> Programme:
    """A draft's terms, providers, funding sources and rules, as the builder saved them.
    Nobody has applied to a draft, so its terms change in place; its rules still go
    into a new version (versions are immutable) when they differ from the current one."""
    require(by, "vouchers.manage_programme", programme)
    document = validate_ruleset(rules)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.status != Programme.Status.DRAFT:
            raise DomainError(
                "status",
                "已发布的项目只能修订规则",
                "a published programme's rules are revised, its terms no longer edited",
                code="bad_state",
            )
        # Compared as values, not as text: a share stored as 0.5000 is the 0.50 typed.
        changed = [name for name, value in fields.items() if getattr(programme, name) != value]
        before = {name: str(getattr(programme, name)) for name in changed}
        for name, value in fields.items():
            setattr(programme, name, value)
        clean_bilingual(programme)
        _check_voucher_kinds(programme.voucher_kinds)
        programme.save()
        programme.providers.set(providers)
        _replace_funding(programme, funding_sources)
        if document != programme.current_ruleset().document:
            revise_rules(programme=programme, by=by, rules=document, note="draft")
        audit.record(
            actor=by,
            action=actions.PROGRAMME_UPDATE,
            obj=programme,
            programme=programme,
            before=before,
            after={name: str(getattr(programme, name)) for name in changed},
        )
    return programme


def _replace_funding(programme: Programme, funding_sources) -> None:
    programme.funding_sources.all().delete()
    for name_zh, name_en, weight in funding_sources:
        source = FundingSource(programme=programme, name_zh=name_zh, name_en=name_en, weight=weight)
        clean_bilingual(source)
        source.save()


def close_programme(*, programme: Programme, by) -> Programme:
    """No new applications; vouchers already issued run to their expiry."""
    require(by, "vouchers.manage_programme", programme)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.status != Programme.Status.PUBLISHED:
            raise DomainError(
                "status", "只能关闭已发布的项目", "only a published programme can be closed",
                code="bad_state",
            )  # fmt: skip
        programme.close()
        programme.save(update_fields=["status"])
        audit.record(
            actor=by,
            action=actions.PROGRAMME_CLOSE,
            obj=programme,
            programme=programme,
            before={"status": Programme.Status.PUBLISHED},
            after={"status": programme.status},
        )
    return programme
