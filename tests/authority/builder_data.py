"""Form data for the programme builder: what a manager types, field by field."""

from authority.builder.rule_forms import RULE_FORMS

# Every rule kind of the engine, with parameters, in the builder's order.
EVERY_RULE = {
    "rules": [
        {"kind": "entity_kinds", "allowed": ["enterprise", "university"]},
        {"kind": "registered_region", "scope": "local", "regions": ["5101", "510107"]},
        {"kind": "revenue_floor", "min_revenue": "10000000.00"},
        {"kind": "size_class", "allowed": ["small", "micro"]},
        {"kind": "startup"},
        {"kind": "industries", "allowed": ["65", "C"]},
        {"kind": "designated_provider"},
        {"kind": "not_related_party"},
        {
            "kind": "contract_window",
            "signed_from": "2024-01-01",
            "signed_to": "2024-12-31",
            "max_term_months": 12,
        },
        {"kind": "one_subsidy_per_contract"},
        {"kind": "no_dishonesty", "years": 3},
        {"kind": "purposes", "allowed": ["model_training"]},
        {"kind": "service_categories", "allowed": ["compute_service"]},
        {"kind": "contract_paid"},
    ],
    "rate_tiers": [
        {"rate": "0.50", "when": {}},
        {"rate": "0.60", "when": {"is_startup": True}, "label_zh": "初创", "label_en": "start-ups"},
        {
            "rate": "0.30",
            "when": {
                "accelerator_origin": "domestic",
                "project_class": "major",
                "filed_model_service": False,
                "entity_kind": "university",
            },
        },
    ],
}
TEXT_LISTS = {"regions", "allowed"}  # typed as "a, b" where the form has a text box
TYPED_LISTS = {("registered_region", "regions"), ("industries", "allowed")}


def terms(**changes) -> dict:
    values = {
        "code": "cd-2025",
        "name_zh": "成都市算力券（2025年度）",
        "name_en": "Chengdu compute vouchers 2025",
        "region_code": "510100",
        "region_name": "成都市",
        "year": "2025",
        "total_budget": "10000000.00",
        "applications_open": "2025-01-01",
        "applications_close": "2025-12-31",
        "voucher_validity_months": "12",
        "public_notice_days": "7",
        "min_award": "10000.00",
        "annual_cap": "1000000.00",
        "claim_share_cap": "50%",
        "settlement_mode": "provider_deducts",
        "settlement_period": "quarterly",
        "voucher_kinds": ["cash_compute"],
        "objection_email": "",
    }
    return {**values, **changes}


def rule_data(document: dict) -> dict:
    by_kind = {rule["kind"]: rule for rule in document["rules"]}
    data = {}
    for kind in RULE_FORMS:
        rule = by_kind.get(kind)
        if rule is None:
            continue
        data[f"{kind}-enabled"] = "on"
        for name, value in rule.items():
            if name == "kind":
                continue
            if (kind, name) in TYPED_LISTS:
                value = ", ".join(value)
            data[f"{kind}-{name}"] = value if isinstance(value, list) else str(value)
    return data


def tier_data(tiers: list[dict], typed_rates=None) -> dict:
    data = {
        "tiers-TOTAL_FORMS": str(len(tiers)),
        "tiers-INITIAL_FORMS": "0",
        "tiers-MIN_NUM_FORMS": "1",
        "tiers-MAX_NUM_FORMS": "1000",
    }
    for index, tier in enumerate(tiers):
        rate = typed_rates[index] if typed_rates else tier["rate"]
        data[f"tiers-{index}-rate"] = rate
        for name, value in tier["when"].items():
            if isinstance(value, bool):
                value = "yes" if value else "no"
            data[f"tiers-{index}-{name}"] = value
        for name in ("label_zh", "label_en"):
            if name in tier:
                data[f"tiers-{index}-{name}"] = tier[name]
    return data


def funding_data(sources=(("成都市本级财政", "Chengdu municipal budget", "1"),)) -> dict:
    data = {
        "funding-TOTAL_FORMS": str(len(sources)),
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "1000",
    }
    for index, (name_zh, name_en, weight) in enumerate(sources):
        data[f"funding-{index}-name_zh"] = name_zh
        data[f"funding-{index}-name_en"] = name_en
        data[f"funding-{index}-weight"] = weight
    return data


def builder_data(*, document=EVERY_RULE, providers=(), typed_rates=None, **changes) -> dict:
    return {
        **terms(**changes),
        "providers": [str(pk) for pk in providers],
        **rule_data(document),
        **tier_data(document["rate_tiers"], typed_rates),
        **funding_data(),
    }
