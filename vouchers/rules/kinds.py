"""One pure function per rule kind: `(params, facts) -> RuleResult`.

Each function judges plain values (no database), says why in Chinese and English, and
returns the figures it compared as strings so a reviewer can redo the check by hand.
`params` is the rule's object from a validated document, without its "kind".
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from accounts import industries as industries_
from vouchers.money import to_decimal, yuan
from vouchers.rules.facts import ApplicantFacts, ContractFacts, Facts, RuleResult
from vouchers.rules.sme import size_class as classify_size
from vouchers.rules.wording import membership, money_text, result


def revenue_floor(params: dict, facts: Facts) -> RuleResult:
    revenue = to_decimal(facts.applicant.prior_year_revenue)
    floor = yuan(params["min_revenue"])
    passed = revenue >= floor  # "at least": the floor itself passes
    amounts = money_text(revenue), money_text(floor)
    if passed:
        zh = "上年度主营业务收入 {} 元，达到门槛 {} 元".format(*amounts)
        en = "prior-year revenue {} yuan meets the floor of {} yuan".format(*amounts)
    else:
        zh = "上年度主营业务收入 {} 元，低于门槛 {} 元".format(*amounts)
        en = "prior-year revenue {} yuan is below the floor of {} yuan".format(*amounts)
    return result("revenue_floor", passed, zh, en, prior_year_revenue=revenue, min_revenue=floor)


def entity_kinds(params: dict, facts: Facts) -> RuleResult:
    subject = ("申报主体类型", "the applicant type")
    return membership(
        "entity_kinds", "entity_kind", facts.applicant.kind, params["allowed"], subject
    )


def registered_region(params: dict, facts: Facts) -> RuleResult:
    region = facts.applicant.registered_region.strip()
    if params["scope"] == "any":
        zh, en = f"不限注册地（注册地 {region}）", f"any registered region may apply ({region})"
        return result("registered_region", True, zh, en, registered_region=region)
    regions = params["regions"]
    passed = any(region.startswith(prefix) for prefix in regions)
    listed = "、".join(regions), ", ".join(regions)
    if passed:
        zh = f"注册地区划代码 {region} 属于本地范围（{listed[0]}）"
        en = f"registered region {region} is within the local scope ({listed[1]})"
    else:
        zh = f"注册地区划代码 {region} 不在本地范围（{listed[0]}）内"
        en = f"registered region {region} is outside the local scope ({listed[1]})"
    return result(
        "registered_region",
        passed,
        zh,
        en,
        registered_region=region,
        regions=",".join(regions),
    )


def size_class(params: dict, facts: Facts) -> RuleResult:
    applicant = facts.applicant
    revenue = to_decimal(applicant.prior_year_revenue)
    size = classify_size(applicant.industry, applicant.employees, revenue)
    subject = ("按《中小企业划型标准规定》，企业规模", "under the 2011 SME standard the size")
    result = membership("size_class", "size_class", size, params["allowed"], subject)
    figures = {
        **result.figures,
        "industry": applicant.industry,
        "employees": str(applicant.employees),
        "prior_year_revenue": str(revenue),
    }
    return replace(result, figures=figures)


def startup(params: dict, facts: Facts) -> RuleResult:
    passed = facts.applicant.is_startup
    if passed:
        zh, en = "申报主体为初创企业", "the applicant is a start-up"
    else:
        zh, en = "申报主体不是初创企业", "the applicant is not a start-up"
    return result("startup", passed, zh, en, is_startup=passed)


def industries(params: dict, facts: Facts) -> RuleResult:
    """GB/T 4754 codes; a section allowed allows each of its divisions."""
    industry, allowed = facts.applicant.industry, params["allowed"]
    subject = ("所属行业", "the industry")
    passed = industries_.within(industry, allowed)
    return membership("industries", "industry", industry, allowed, subject, passed)


def designated_provider(params: dict, facts: Facts) -> RuleResult:
    provider_id = facts.contract.provider_id
    designated = facts.terms.designated_provider_ids
    passed = provider_id in designated
    # A person reads the provider's name; the figures keep the id that was compared.
    name = facts.contract.provider_name or f"#{provider_id}"
    if passed:
        zh = f"服务商 {name} 在本项目指定服务商名单内"
        en = f"the provider {name} is on the programme's designated list"
    else:
        zh = f"服务商 {name} 不在本项目指定服务商名单内"
        en = f"the provider {name} is not on the programme's designated list"
    listed = ",".join(str(pk) for pk in sorted(designated))
    return result(
        "designated_provider",
        passed,
        zh,
        en,
        provider_id=provider_id,
        designated_provider_ids=listed,
    )


def _keys(values) -> set[str]:
    """Credit codes and shareholder names compared stripped and case-insensitively."""
    return {value.strip().upper() for value in values if value.strip()}


class Reason(NamedTuple):
    zh: str
    en: str


def related_party_links(applicant: ApplicantFacts, contract: ContractFacts) -> list[Reason]:
    """Every link that makes the provider a related party of the applicant."""
    links = []
    representative = applicant.legal_representative.strip()
    if representative and representative == contract.provider_legal_representative.strip():
        zh = f"双方法定代表人相同（{representative}）"
        links.append(Reason(zh, f"both have the same legal representative ({representative})"))
    code = contract.provider_credit_code.strip().upper()
    if code in _keys(applicant.related_parties):
        zh = f"申报主体已声明服务商（{code}）为关联方"
        links.append(Reason(zh, f"the applicant declared the provider ({code}) as related"))
    if code in _keys(applicant.shareholders):
        zh = f"服务商（{code}）是申报主体的股东"
        links.append(Reason(zh, f"the provider ({code}) is a shareholder of the applicant"))
    if applicant.credit_code.strip().upper() in _keys(contract.provider_shareholders):
        links.append(
            Reason("申报主体是服务商的股东", "the applicant is a shareholder of the provider")
        )
    for shared in sorted(_keys(applicant.shareholders) & _keys(contract.provider_shareholders)):
        links.append(Reason(f"双方有共同股东（{shared}）", f"they share a shareholder ({shared})"))
    return links + _same_identifier_links(applicant, contract)


def _same_identifier_links(applicant: ApplicantFacts, contract: ContractFacts) -> list[Reason]:
    """The same credit code or ID number on both sides, compared by keyed hash (the
    plaintext never reaches the engine), so the reasons name the link, not the number."""
    links = []
    own = applicant.legal_rep_id_digest
    if own and own == contract.provider_legal_rep_id_digest:
        links.append(
            Reason(
                "双方法定代表人身份证号相同",
                "both legal representatives have the same ID number",
            )
        )
    if contract.provider_credit_code_digest in set(applicant.shareholder_digests):
        zh = f"服务商（{contract.provider_credit_code}）是申报主体申报的股东"
        en = f"the provider ({contract.provider_credit_code}) is a declared shareholder of the applicant"
        links.append(Reason(zh, en))
    shared = set(applicant.shareholder_digests) & set(contract.provider_shareholder_digests)
    if shared:
        links.append(
            Reason(
                f"双方申报的股东中有 {len(shared)} 个相同的统一社会信用代码或身份证号",
                f"{len(shared)} shareholder credit code(s) or ID number(s) appear on both sides",
            )
        )
    return links


def not_related_party(params: dict, facts: Facts) -> RuleResult:
    links = related_party_links(facts.applicant, facts.contract)
    if links:
        zh = "服务商是申报主体的关联方：" + "；".join(link.zh for link in links)
        en = "the provider is a related party of the applicant: " + "; ".join(
            link.en for link in links
        )
    else:
        zh = "服务商与申报主体无关联关系"
        en = "the provider is not a related party of the applicant"
    return result(
        "not_related_party",
        not links,
        zh,
        en,
        applicant_credit_code=facts.applicant.credit_code,
        provider_credit_code=facts.contract.provider_credit_code,
        links=len(links),
    )


def latest_service_end(service_start: date, max_term_months: int) -> date:
    """The last day of a term of N months: the day before the same date N months on,
    so 2024-01-01 plus 12 months ends on 2024-12-31."""
    return service_start + relativedelta(months=max_term_months) - timedelta(days=1)


class Check(NamedTuple):
    passed: bool
    zh: str
    en: str


def _signed_from(signed: date, bound: date) -> Check:
    if signed >= bound:
        return Check(
            True, f"签订日期 {signed} 不早于 {bound}", f"signed on {signed}, not before {bound}"
        )
    return Check(False, f"签订日期 {signed} 早于 {bound}", f"signed on {signed}, before {bound}")


def _signed_to(signed: date, bound: date) -> Check:
    if signed <= bound:
        return Check(
            True, f"签订日期 {signed} 不晚于 {bound}", f"signed on {signed}, not after {bound}"
        )
    return Check(False, f"签订日期 {signed} 晚于 {bound}", f"signed on {signed}, after {bound}")


def _term(start: date, end: date, months: int) -> Check:
    latest = latest_service_end(start, months)
    period_zh, period_en = f"服务期 {start} 至 {end}", f"the service period {start} to {end}"
    if end <= latest:
        return Check(
            True, f"{period_zh} 不超过 {months} 个月", f"{period_en} is within {months} months"
        )
    return Check(
        False,
        f"{period_zh} 超过 {months} 个月（应不晚于 {latest} 结束）",
        f"{period_en} is longer than {months} months (it must end by {latest})",
    )


def _window_checks(params: dict, contract: ContractFacts) -> list[Check]:
    """One check per bound the rule sets (bounds inclusive), plus the period's order."""
    signed, start, end = contract.signed_on, contract.service_start, contract.service_end
    checks = []
    if end < start:
        zh = f"服务结束日期 {end} 早于开始日期 {start}"
        checks.append(Check(False, zh, f"the service ends on {end}, before it starts on {start}"))
    if "signed_from" in params:
        checks.append(_signed_from(signed, date.fromisoformat(params["signed_from"])))
    if "signed_to" in params:
        checks.append(_signed_to(signed, date.fromisoformat(params["signed_to"])))
    if "max_term_months" in params:
        checks.append(_term(start, end, params["max_term_months"]))
    return checks


def contract_window(params: dict, facts: Facts) -> RuleResult:
    checks = _window_checks(params, facts.contract)
    failed = [check for check in checks if not check.passed]
    if failed:
        lead, shown = (
            ("合同日期不符合要求：", "the contract dates are outside the window: "),
            failed,
        )
    else:
        lead, shown = ("合同日期符合要求：", "the contract dates are within the window: "), checks
    zh = lead[0] + "；".join(check.zh for check in shown)
    en = lead[1] + "; ".join(check.en for check in shown)
    contract = facts.contract
    bounds = {
        key: params[key] for key in ("signed_from", "signed_to", "max_term_months") if key in params
    }
    return result(
        "contract_window",
        not failed,
        zh,
        en,
        signed_on=contract.signed_on,
        service_start=contract.service_start,
        service_end=contract.service_end,
        **bounds,
    )


def one_subsidy_per_contract(params: dict, facts: Facts) -> RuleResult:
    number = facts.contract.number
    elsewhere = facts.context.contract_subsidised_elsewhere
    if elsewhere:
        zh = f"合同 {number} 已获其他资金补贴，同一合同只能补贴一次"
        en = f"contract {number} has been subsidised elsewhere; a contract is subsidised once"
    else:
        zh = f"合同 {number} 未获其他补贴"
        en = f"contract {number} has not been subsidised elsewhere"
    return result(
        "one_subsidy_per_contract",
        not elsewhere,
        zh,
        en,
        contract_number=number,
        subsidised_elsewhere=elsewhere,
    )


def no_dishonesty(params: dict, facts: Facts) -> RuleResult:
    years, listed_until = params["years"], facts.applicant.dishonest_until
    # A listing that ended exactly `years` years ago is out of the look-back window.
    cutoff = facts.context.today - relativedelta(years=years)
    passed = listed_until is None or listed_until <= cutoff
    if listed_until is None:
        zh, en = "申报主体无失信记录", "the applicant has no dishonesty (失信) record"
    elif passed:
        zh = f"失信名单期限至 {listed_until}，已满 {years} 年（不晚于 {cutoff}）"
        en = f"the dishonesty listing ran until {listed_until}, at least {years} years ago"
    else:
        zh = f"失信名单期限至 {listed_until}，未满 {years} 年（须不晚于 {cutoff}）"
        en = (
            f"the dishonesty listing runs until {listed_until}, less than {years} years ago"
            f" (it must have ended by {cutoff})"
        )
    return result(
        "no_dishonesty",
        passed,
        zh,
        en,
        dishonest_until=listed_until or "",
        cutoff=cutoff,
        years=years,
    )


def purposes(params: dict, facts: Facts) -> RuleResult:
    subject = ("算力用途", "the compute purpose")
    return membership("purposes", "purpose", facts.contract.purpose, params["allowed"], subject)


def service_categories(params: dict, facts: Facts) -> RuleResult:
    subject = ("服务类别", "the service category")
    category = facts.contract.service_category
    return membership(
        "service_categories", "service_category", category, params["allowed"], subject
    )


def contract_paid(params: dict, facts: Facts) -> RuleResult:
    paid = facts.contract.paid_in_full
    if paid:
        zh, en = "合同款项已全额支付", "the contract has been paid in full"
    else:
        zh, en = "合同款项尚未全额支付", "the contract has not been paid in full"
    return result("contract_paid", paid, zh, en, paid_in_full=paid)


RULE_KINDS: dict[str, Callable[[dict, Facts], RuleResult]] = {
    "revenue_floor": revenue_floor,
    "entity_kinds": entity_kinds,
    "registered_region": registered_region,
    "size_class": size_class,
    "startup": startup,
    "industries": industries,
    "designated_provider": designated_provider,
    "not_related_party": not_related_party,
    "contract_window": contract_window,
    "one_subsidy_per_contract": one_subsidy_per_contract,
    "no_dishonesty": no_dishonesty,
    "purposes": purposes,
    "service_categories": service_categories,
    "contract_paid": contract_paid,
}
