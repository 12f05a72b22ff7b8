"""The brief's first table: Chengdu, Guizhou, Hangzhou (SMEs) and Beijing, the
programmes `load_demo` publishes."""

from vouchers.demo.brief_programmes.common import (
    ALL_KINDS,
    COMPUTE_ONLY,
    DESIGNATED,
    PLATFORM_RULES,
    flat_rate,
    local_regions,
    programme_terms,
)

CHENGDU = {
    "key": "chengdu",
    "authority": {
        "name_zh": "成都市经信局",
        "name_en": "Chengdu Economic and Information Technology Bureau",
        "region_code": "510100",
        "region_name": "成都市",
    },
    "fields": programme_terms(
        "成都市算力券",
        "Chengdu compute vouchers",
        "510100",
        "成都市",
        "10000000.00",
        min_award="10000.00",
        annual_cap="1000000.00",
    ),
    "rules": {
        "rules": [
            {"kind": "entity_kinds", "allowed": ALL_KINDS},
            # Users of the two centres may come from anywhere: no registration limit.
            {"kind": "registered_region", "scope": "any"},
            {"kind": "revenue_floor", "min_revenue": "10000000.00"},
            DESIGNATED,
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": flat_rate("0.50"),
    },
    "funding_sources": [("成都市本级财政", "Chengdu municipal budget", "1")],
    "providers": ["cd-icc", "nsc-cd"],
    "distinct": {
        "rule": "revenue_floor",
        "why_en": "prior-year revenue of at least 10,000,000 yuan, the floor itself included",
        "passing": {
            "applicant": {"region": "510107", "revenue": "10000000.00"},
            # 50% of 1,999,999.99 is 999,999.995: rounded down, just under the cap.
            "contract": {"value": "1999999.99"},
            "rate": "0.50",
            "entitlement": "999999.99",
        },
        "failing": {"applicant": {"revenue": "9999999.99"}},
    },
}

GUIZHOU = {
    "key": "guizhou",
    "authority": {
        "name_zh": "贵州省大数据局",
        "name_en": "Guizhou Provincial Big Data Development Administration",
        "region_code": "520000",
        "region_name": "贵州省",
    },
    "fields": programme_terms(
        "贵州省算力券",
        "Guizhou compute vouchers",
        "520000",
        "贵州省",
        "100000000.00",
        annual_cap="2000000.00",  # chosen: the brief gives no cap
        voucher_kinds=["cash_compute", "cash_data", "in_kind"],
    ),
    "rules": {
        "rules": [
            {"kind": "entity_kinds", "allowed": ["enterprise"]},
            # Enterprises inside and outside the province.
            {"kind": "registered_region", "scope": "any"},
            DESIGNATED,
            {
                "kind": "service_categories",
                "allowed": ["compute_service", "data_product", "specialty_goods"],
            },
            *PLATFORM_RULES,
        ],
        # chosen: the brief says only "a share of the purchase price"; 30% is assumed.
        "rate_tiers": flat_rate("0.30"),
    },
    "funding_sources": [("贵州省级财政", "Guizhou provincial budget", "1")],
    "providers": ["gz-compute", "gy-exchange", "gz-goods"],
    "distinct": {
        "rule": "entity_kinds",
        "why_en": "enterprises only, from inside or outside the province, cash and in-kind",
        "passing": {
            # An out-of-province (Shanghai) enterprise buying a data-exchange product.
            "applicant": {"region": "310104"},
            "contract": {
                "provider": "gy-exchange",
                "service_category": "data_product",
                "value": "123456.78",
            },
            "voucher_kind": "cash_data",
            "rate": "0.30",
            "entitlement": "37037.03",
        },
        "failing": {"applicant": {"kind": "university"}},
    },
}

HANGZHOU_AUTHORITY = {
    "name_zh": "杭州市经信局",
    "name_en": "Hangzhou Economic and Information Technology Bureau",
    "region_code": "330100",
    "region_name": "杭州市",
}

HANGZHOU_SME = {
    "key": "hangzhou-sme",
    "authority": HANGZHOU_AUTHORITY,
    "fields": programme_terms(
        "杭州市中小企业算力券",
        "Hangzhou SME compute vouchers",
        "330100",
        "杭州市",
        "50000000.00",
        annual_cap="1000000.00",  # chosen: the brief gives no cap
    ),
    "rules": {
        "rules": [
            {"kind": "entity_kinds", "allowed": ["enterprise"]},
            local_regions("3301"),  # chosen: a city programme for the city's SMEs
            {"kind": "size_class", "allowed": ["medium", "small", "micro"]},
            DESIGNATED,
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": flat_rate("0.30"),  # chosen: the brief gives no rate
    },
    "funding_sources": [("杭州市本级财政", "Hangzhou municipal budget", "1")],
    "providers": ["hz-aicc", "hz-partner"],
    "distinct": {
        "rule": "size_class",
        "why_en": "small and medium enterprises only (2011 SME standard)",
        "passing": {
            # software & IT (65) with 30 staff and 5 million revenue is "small".
            "applicant": {"region": "330106", "employees": 30, "revenue": "5000000.00"},
            "contract": {"value": "100000.00"},
            "rate": "0.30",
            "entitlement": "30000.00",
        },
        # 400 staff and 200 million revenue in software & IT (65) is "large".
        "failing": {"applicant": {"employees": 400, "revenue": "200000000.00"}},
    },
}

BEIJING = {
    "key": "beijing",
    "authority": {
        "name_zh": "北京市经信局",
        "name_en": "Beijing Municipal Bureau of Economy and Information Technology",
        "region_code": "110000",
        "region_name": "北京市",
    },
    "fields": programme_terms(
        "北京市行业大模型算力券",
        "Beijing industry-model compute vouchers",
        "110000",
        "北京市",
        "100000000.00",  # chosen: the brief gives no budget
        annual_cap="2000000.00",
        # The programme's own "at most 20% of a contract": unlike a rate tier it is not in
        # the revisable rule document, so no later rule version can pay more.
        claim_share_cap="0.20",
        public_notice_days=7,  # chosen: the list of awards is published for a week
        settlement_mode="reimburse",
    ),
    "rules": {
        "rules": [
            {"kind": "entity_kinds", "allowed": ["enterprise"]},
            local_regions("11"),
            {"kind": "industries", "allowed": ["65", "C"]},
            {"kind": "purposes", "allowed": ["model_training", "model_inference"]},
            DESIGNATED,
            {"kind": "contract_window", "signed_from": "2023-09-01", "max_term_months": 12},
            {"kind": "no_dishonesty", "years": 3},
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": flat_rate("0.20"),
    },
    "funding_sources": [("北京市本级财政", "Beijing municipal budget", "1")],
    "providers": ["bj-dec", "bj-aipc"],
    "distinct": {
        "rule": "contract_window",
        "why_en": "contract signed on or after 2023-09-01, for a term of at most 12 months",
        "passing": {
            "applicant": {"region": "110108"},
            # Both bounds exactly: signed on the first day, a term of exactly 12 months.
            "contract": {
                "value": "10000000.00",
                "signed_on": "2023-09-01",
                "service_start": "2023-09-01",
                "service_end": "2024-08-31",
            },
            "rate": "0.20",
            "entitlement": "2000000.00",
        },
        "failing": {"contract": {"signed_on": "2023-08-31"}},
    },
}
