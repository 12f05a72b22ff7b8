"""The brief's second table: other regions' published 2023-2025 policies."""

from vouchers.demo.brief_programmes.common import (
    ALL_KINDS,
    COMPUTE_ONLY,
    DESIGNATED,
    PLATFORM_RULES,
    flat_rate,
    local_regions,
    programme_terms,
)
from vouchers.demo.brief_programmes.first_table import HANGZHOU_AUTHORITY

SHENZHEN = {
    "key": "shenzhen",
    "authority": {
        "name_zh": "深圳市工信局",
        "name_en": "Shenzhen Municipal Bureau of Industry and Information Technology",
        "region_code": "440300",
        "region_name": "深圳市",
    },
    "fields": programme_terms(
        "深圳市训力券",
        "Shenzhen model-training compute vouchers",
        "440300",
        "深圳市",
        "500000000.00",
        annual_cap="10000000.00",
        public_notice_days=5,  # chosen
        settlement_mode="reimburse",  # chosen: paid to the renter after the fact
    ),
    "rules": {
        "rules": [
            {"kind": "entity_kinds", "allowed": ALL_KINDS},
            local_regions("4403"),  # chosen: Shenzhen entities
            {"kind": "purposes", "allowed": ["model_training"]},
            DESIGNATED,
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": [
            {"rate": "0.50", "when": {}, "label_zh": "一般", "label_en": "standard"},
            {
                "rate": "0.60",
                "when": {"is_startup": True},
                "label_zh": "初创企业",
                "label_en": "start-up",
            },
        ],
    },
    "funding_sources": [("深圳市本级财政", "Shenzhen municipal budget", "1")],
    "providers": ["sz-pcl", "nsc-sz"],
    "distinct": {
        "rule": "purposes",
        "why_en": "compute rented for model training; start-ups get 60% instead of 50%",
        "passing": {
            # 60% of 20 million is 12 million, held to the 10 million cap.
            "applicant": {"region": "440305", "is_startup": True},
            "contract": {"value": "20000000.00"},
            "rate": "0.60",
            "entitlement": "10000000.00",
        },
        "failing": {"contract": {"purpose": "model_inference"}},
    },
}

HANGZHOU_2024 = {
    "key": "hangzhou",
    "authority": HANGZHOU_AUTHORITY,
    "fields": programme_terms(
        "杭州市算力券",
        "Hangzhou compute vouchers",
        "330100",
        "杭州市",
        "250000000.00",
        annual_cap="8000000.00",
    ),
    "rules": {
        "rules": [
            {"kind": "entity_kinds", "allowed": ["enterprise"]},  # chosen
            local_regions("3301"),  # chosen
            DESIGNATED,
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        # Where several tiers apply only the highest counts.
        "rate_tiers": [
            {"rate": "0.20", "when": {}, "label_zh": "一般", "label_en": "standard"},
            {
                "rate": "0.30",
                "when": {"accelerator_origin": "domestic"},
                "label_zh": "国产算力",
                "label_en": "domestic compute",
            },
            {
                "rate": "0.30",
                "when": {"filed_model_service": True},
                "label_zh": "已备案大模型服务",
                "label_en": "filed foundation-model service",
            },
        ],
    },
    "funding_sources": [("杭州市本级财政", "Hangzhou municipal budget", "1")],
    "providers": ["hz-aicc", "hz-partner"],
    "distinct": {
        "rule": "designated_provider",
        "why_en": "providers from the city's compute centres and matching partners; 30% for "
        "domestic compute or a filed model service, 20% otherwise",
        "passing": {
            # Foreign chips but a filed model service: the 30% tier; 99,999.999 rounds down.
            "applicant": {"region": "330108"},
            "contract": {
                "accelerator_origin": "foreign",
                "filed_model_service": True,
                "value": "333333.33",
            },
            "rate": "0.30",
            "entitlement": "99999.99",
        },
        "failing": {"contract": {"provider": "unlisted"}},
    },
}

HENAN = {
    "key": "henan",
    "authority": {
        "name_zh": "河南省工信厅",
        "name_en": "Henan Department of Industry and Information Technology",
        "region_code": "410000",
        "region_name": "河南省",
    },
    "fields": programme_terms(
        "河南省算力券",
        "Henan compute vouchers",
        "410000",
        "河南省",
        "50000000.00",
        annual_cap="1000000.00",
        public_notice_days=5,  # chosen
        settlement_mode="reimburse",  # chosen: "20% of usage fees" paid afterwards
    ),
    "rules": {
        "rules": [
            {"kind": "entity_kinds", "allowed": ALL_KINDS},
            local_regions("41"),  # chosen: entities of the province
            DESIGNATED,
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": flat_rate("0.20"),
    },
    # Province : city = 1 : 1.
    "funding_sources": [
        ("河南省级财政", "Henan provincial budget", "1"),
        ("市级财政", "city budgets", "1"),
    ],
    "providers": ["zz-aicc", "nsc-zz"],
    "distinct": {
        "rule": "designated_provider",
        "why_en": "providers meeting the capacity criteria; funded province : city 1 : 1",
        "passing": {
            # 20% of 6 million is 1.2 million, held to the 1 million cap.
            "applicant": {"region": "410100"},
            "contract": {"value": "6000000.00"},
            "rate": "0.20",
            "entitlement": "1000000.00",
        },
        "failing": {"contract": {"provider": "unlisted"}},
    },
}

ANHUI = {
    "key": "anhui",
    "authority": {
        "name_zh": "安徽省数据资源局",
        "name_en": "Anhui Data Resources Administration",
        "region_code": "340000",
        "region_name": "安徽省",
    },
    "fields": programme_terms(
        "安徽省算力券",
        "Anhui compute vouchers",
        "340000",
        "安徽省",
        "200000000.00",  # chosen: the brief gives no budget
        annual_cap="2000000.00",  # chosen: the brief gives no cap
        claim_share_cap="0.20",  # "at most 20% of spend", fixed for the programme's life
    ),
    "rules": {
        "rules": [
            {"kind": "entity_kinds", "allowed": ALL_KINDS},
            local_regions("34"),  # chosen
            # Usage must be recorded by the provincial scheduling platform: only providers
            # connected to it are designated.
            DESIGNATED,
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": flat_rate("0.20"),
    },
    "funding_sources": [("安徽省级财政", "Anhui provincial budget", "1")],
    "providers": ["hf-acc"],
    "distinct": {
        "rule": "designated_provider",
        "why_en": "at most 20% of spend, on usage recorded by the provincial scheduling platform",
        "passing": {
            "applicant": {"region": "340100"},
            "contract": {"value": "1000000.00"},
            "rate": "0.20",
            "entitlement": "200000.00",
        },
        "failing": {"contract": {"provider": "unlisted"}},
    },
}

QINGYANG = {
    "key": "qingyang",
    "authority": {
        "name_zh": "庆阳市数据局",
        "name_en": "Qingyang Data Bureau",
        "region_code": "621000",
        "region_name": "庆阳市",
    },
    "fields": programme_terms(
        "庆阳市算力券",
        "Qingyang compute vouchers",
        "621000",
        "庆阳市",
        "100000000.00",
        min_award="5000.00",
        annual_cap="2000000.00",
        voucher_validity_months=12,
        settlement_mode="provider_deducts",
        settlement_period="quarterly",
    ),
    "rules": {
        "rules": [
            {"kind": "entity_kinds", "allowed": ALL_KINDS},
            # 东数西算: the vouchers bring outside users to local compute.
            {"kind": "registered_region", "scope": "any"},
            DESIGNATED,
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": flat_rate("0.30"),
    },
    "funding_sources": [("庆阳市本级财政", "Qingyang municipal budget", "1")],
    "providers": ["qy-hub"],
    "distinct": {
        "rule": "entitlement",
        "why_en": "an award of at least 5,000 yuan, the minimum itself included",
        "passing": {
            # 30% of 16,666.67 is 5,000.001: rounded down to exactly the minimum.
            "applicant": {"region": "440305"},
            "contract": {"value": "16666.67"},
            "rate": "0.30",
            "entitlement": "5000.00",
        },
        "failing": {"contract": {"value": "16666.66"}},
    },
}

LANGFANG = {
    "key": "langfang",
    "authority": {
        "name_zh": "廊坊市数据和政务服务局",
        "name_en": "Langfang Data and Government Services Bureau",
        "region_code": "131000",
        "region_name": "廊坊市",
    },
    "fields": programme_terms(
        "廊坊市算力券",
        "Langfang compute vouchers",
        "131000",
        "廊坊市",
        "10000000.00",
        annual_cap="1000000.00",
    ),
    "rules": {
        "rules": [
            {"kind": "entity_kinds", "allowed": ALL_KINDS},
            local_regions("1310"),  # chosen: entities of the city
            DESIGNATED,
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        # Both tiers apply to a major project; only the highest counts.
        "rate_tiers": [
            {"rate": "0.50", "when": {}, "label_zh": "一般项目", "label_en": "standard"},
            {
                "rate": "0.60",
                "when": {"project_class": "major"},
                "label_zh": "重大项目",
                "label_en": "major project",
            },
        ],
    },
    "funding_sources": [("廊坊市本级财政", "Langfang municipal budget", "1")],
    "providers": ["lf-compute"],
    "distinct": {
        "rule": "registered_region",
        "why_en": "Langfang entities; 60% for major projects, only the highest rate counts",
        "passing": {
            "applicant": {"region": "131002"},
            "contract": {"project_class": "major", "value": "1000000.00"},
            "rate": "0.60",
            "entitlement": "600000.00",
        },
        "failing": {"applicant": {"region": "110105"}},
    },
}

YANGZHOU = {
    "key": "yangzhou",
    "authority": {
        "name_zh": "扬州市数据局",
        "name_en": "Yangzhou Data Bureau",
        "region_code": "321000",
        "region_name": "扬州市",
    },
    "fields": programme_terms(
        "扬州市算力券",
        "Yangzhou compute vouchers",
        "321000",
        "扬州市",
        "20000000.00",  # chosen: the brief gives no budget
        annual_cap="500000.00",  # chosen: the brief gives no cap
        public_notice_days=7,  # chosen
        settlement_mode="reimburse",
    ),
    "rules": {
        "rules": [
            {"kind": "entity_kinds", "allowed": ALL_KINDS},
            local_regions("3210"),  # chosen
            DESIGNATED,
            {"kind": "contract_paid"},
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": flat_rate("0.20"),  # chosen: the brief gives no rate
    },
    # The data bureau reviews; the finance bureau pays.
    "funding_sources": [("扬州市财政局", "Yangzhou Finance Bureau", "1")],
    "providers": ["yz-compute"],
    "distinct": {
        "rule": "contract_paid",
        "why_en": "the contract signed and actually paid; buyer and provider not affiliated",
        "passing": {
            "applicant": {"region": "321002"},
            "contract": {"paid_in_full": True, "value": "500000.00"},
            "rate": "0.20",
            "entitlement": "100000.00",
        },
        "failing": {"contract": {"paid_in_full": False}},
    },
}
