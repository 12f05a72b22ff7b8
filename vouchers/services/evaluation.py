"""Turn stored rows into the plain facts the pure rule engine judges."""

from dataclasses import replace
from datetime import date

from accounts.personal import digest
from vouchers.models import Application, CapUsage, Voucher
from vouchers.money import ZERO
from vouchers.rules import evaluate
from vouchers.rules.facts import (
    ApplicantFacts,
    Context,
    ContractFacts,
    Evaluation,
    Facts,
    ProgrammeTerms,
    RuleResult,
)
from vouchers.services import dishonesty, ledger


def applicant_facts(application: Application) -> ApplicantFacts:
    entity = application.entity
    until = dishonesty.listed_until(credit_code=entity.credit_code)
    return declared_facts(entity, application.declaration, dishonest_until=until)


def declared_facts(entity, declaration, *, dishonest_until) -> ApplicantFacts:
    """The entity as its declaration states it; the dishonesty listing looked up by the
    caller (one query per application here, one for all in the policy simulator)."""
    return ApplicantFacts(
        credit_code=entity.credit_code,
        kind=entity.kind,
        registered_region=declaration.registered_region,
        industry=declaration.industry,
        employees=declaration.employees,
        prior_year_revenue=declaration.prior_year_revenue,
        is_startup=declaration.is_startup,
        legal_representative=entity.legal_representative,
        shareholders=tuple(entity.shareholders),
        related_parties=tuple(entity.related_parties),
        dishonest_until=dishonest_until,
        legal_rep_id_digest=declaration.legal_rep_id_digest,
        shareholder_digests=tuple(declaration.shareholder_digests),
    )


def contract_facts(application: Application) -> ContractFacts:
    contract = application.contract
    provider = contract.provider
    return ContractFacts(
        number=contract.number,
        provider_id=provider.pk,
        provider_credit_code=provider.credit_code,
        provider_legal_representative=provider.legal_representative,
        provider_shareholders=tuple(provider.shareholders),
        signed_on=contract.signed_on,
        service_start=contract.service_start,
        service_end=contract.service_end,
        value=contract.value,
        accelerator_origin=contract.accelerator_origin,
        service_category=contract.service_category,
        purpose=contract.purpose,
        project_class=contract.project_class,
        filed_model_service=contract.filed_model_service,
        paid_in_full=contract.paid_in_full,
        provider_name=provider.name,
        provider_credit_code_digest=digest(provider.credit_code),
        provider_legal_rep_id_digest=provider.legal_rep_id_digest,
        provider_shareholder_digests=tuple(provider.shareholder_digests),
    )


def programme_terms(application: Application) -> ProgrammeTerms:
    programme = application.programme
    return ProgrammeTerms(
        designated_provider_ids=frozenset(programme.providers.values_list("pk", flat=True)),
        min_award=programme.min_award,
        annual_cap=programme.annual_cap,
        claim_share_cap=programme.claim_share_cap,
    )


def remaining_cap(application: Application):
    programme = application.programme
    if programme.annual_cap is None:
        return None
    usage = CapUsage.objects.filter(programme=programme, entity_id=application.entity_id).first()
    return programme.annual_cap - (usage.used if usage else 0)


def contract_subsidised_elsewhere(application: Application) -> bool:
    """Compared by the provider and the number's key (vouchers/contract_numbers.py), so
    `ht-dup ` is the contract `HT-DUP` whatever row it was typed into."""
    contract = application.contract
    same = {
        "contract__provider_id": contract.provider_id,
        "contract__number_key": contract.number_key,
    }
    others = Application.objects.filter(**same, status=Application.Status.APPROVED)
    return others.exclude(pk=application.pk).exists() or Voucher.objects.filter(**same).exists()


def evaluate_application(application: Application, *, today: date) -> Evaluation:
    context = Context(
        today=today,
        remaining_budget=ledger.available_account(application.programme).balance,
        remaining_cap=remaining_cap(application),
        contract_subsidised_elsewhere=contract_subsidised_elsewhere(application),
    )
    facts = Facts(
        applicant=applicant_facts(application),
        contract=contract_facts(application),
        terms=programme_terms(application),
        context=context,
    )
    return with_provider_answer(evaluate(application.ruleset.document, facts), application.contract)


def with_provider_answer(evaluation: Evaluation, contract) -> Evaluation:
    """The provider's answer as one more line of the evaluation: a dispute fails the
    application; confirmed figures that differ from the declared ones pass, and say so."""
    Status = type(contract).ProviderStatus
    if contract.provider_status == Status.DISPUTED:
        zh = f"服务商对合同提出异议：{contract.provider_note}"
        en = f"the provider disputes the contract: {contract.provider_note}"
        result = RuleResult("provider_answer", False, zh, en, {"status": "disputed"})
        return replace(
            evaluation, results=(*evaluation.results, result), entitlement=ZERO, eligible=False
        )
    if contract.answer_differs:
        figures = {
            "declared_value": str(contract.value),
            "confirmed_value": str(contract.confirmed_value),
            "declared_period": f"{contract.service_start}/{contract.service_end}",
            "confirmed_period": f"{contract.confirmed_start}/{contract.confirmed_end}",
        }
        zh, en = "服务商确认的合同金额或期限与申报不一致", "the provider confirmed other figures"
        result = RuleResult("provider_answer", True, zh, en, figures)
        return replace(evaluation, results=(*evaluation.results, result))
    return evaluation


def trace(evaluation: Evaluation) -> dict:
    """The evaluation as JSON, kept on the application so a decision can be explained later."""
    return {
        "eligible": evaluation.eligible,
        "rate": str(evaluation.rate),
        "entitlement": str(evaluation.entitlement),
        "results": [
            {
                "kind": r.kind,
                "passed": r.passed,
                "reason_zh": r.reason_zh,
                "reason_en": r.reason_en,
                "figures": r.figures,
            }
            for r in evaluation.results
        ],
    }
