"""The programmes of the product brief (BRIEF.md, both tables) as plain data.

One entry per programme: its fields, its rule-set document (format in
`vouchers/rules/schema.py`), funding sources with weights, designated providers by key,
and `distinct`: the rule that sets the programme apart, with an applicant/contract that
passes (and the rate and entitlement the brief's arithmetic gives it) and the smallest
change to it that fails on that rule.  The failing case is the passing one plus its
changes, so it cannot fail for another reason.

`load_demo` builds the first table from here; `tests/test_brief_programmes.py` builds all.
Amounts and rates are decimal strings, as in rule-set documents, never floats.  Where the
brief gives no figure the value is marked "chosen". Dates of the application window and
the sample contracts follow the year given to `programme_fields` / `contract_profile`, so
the same data serves the 2024 tests and a demo in the current year.
"""

from datetime import date
from decimal import Decimal

from stdnum.cn import uscc


def credit_code(prefix: str, region: str, serial: int) -> str:
    """A valid 统一社会信用代码: prefix (91 enterprise, 12 public institution) + region +
    a 9-digit organisation code + the GB 32100-2015 check character."""
    body = f"{prefix}{region}{serial:09d}"
    return body + uscc.calc_check_digit(body)


def _provider(name: str, region: str, serial: int, representative: str) -> dict:
    return {
        "name": name,
        "region": region,
        "credit_code": credit_code("91", region, serial),
        "legal_representative": representative,
    }


# Compute providers by key. The people named as legal representatives are fictional.
PROVIDERS = {
    "cd-icc": _provider("成都智算中心", "510100", 700000001, "周启明"),
    "nsc-cd": _provider("国家超算成都中心", "510100", 700000002, "吴天府"),
    "gz-compute": _provider("贵安智算中心", "520100", 700000003, "郑黔云"),
    "gy-exchange": _provider("贵阳大数据交易所", "520100", 700000004, "王数易"),
    "gz-goods": _provider("一码贵州特色商品平台", "520100", 700000005, "冯山货"),
    "hz-aicc": _provider("杭州人工智能计算中心", "330100", 700000006, "陈西湖"),
    "hz-partner": _provider("杭州城西科创算力服务有限公司", "330100", 700000007, "褚钱塘"),
    "bj-dec": _provider("北京数字经济算力中心", "110000", 700000008, "卫京算"),
    "bj-aipc": _provider("北京人工智能公共算力平台", "110000", 700000009, "蒋中关"),
    "sz-pcl": _provider("鹏城云脑算力服务平台", "440300", 700000010, "沈鹏城"),
    "nsc-sz": _provider("国家超级计算深圳中心", "440300", 700000011, "韩南山"),
    "zz-aicc": _provider("郑州人工智能计算中心", "410100", 700000012, "杨中原"),
    "nsc-zz": _provider("国家超级计算郑州中心", "410100", 700000013, "朱郑算"),
    "hf-acc": _provider("合肥先进计算中心", "340100", 700000014, "秦庐州"),
    "qy-hub": _provider("庆阳东数西算算力中心", "621000", 700000015, "尤陇东"),
    "lf-compute": _provider("廊坊智算中心", "131000", 700000016, "许安次"),
    "yz-compute": _provider("扬州智算中心", "321000", 700000017, "何广陵"),
    # On no programme's list: the failing case of "designated provider" rules uses it.
    "unlisted": _provider("申城通用云计算有限公司", "310000", 700000018, "吕浦东"),
}

ALL_KINDS = ["enterprise", "research_institute", "university"]
# Platform-wide rules of the brief: a related-party provider is never eligible and a
# contract is subsidised once across the platform, so every programme carries them.
PLATFORM_RULES = [{"kind": "not_related_party"}, {"kind": "one_subsidy_per_contract"}]
COMPUTE_ONLY = {"kind": "service_categories", "allowed": ["compute_service"]}
DESIGNATED = {"kind": "designated_provider"}


def _local(*regions: str) -> dict:
    return {"kind": "registered_region", "scope": "local", "regions": list(regions)}


def _flat(rate: str) -> list[dict]:
    return [{"rate": rate, "when": {}}]


def _fields(name_zh, name_en, region_code, region_name, budget, **terms) -> dict:
    """Programme fields; the defaults are choices where the brief is silent."""
    return {
        "name_zh": name_zh,
        "name_en": name_en,
        "region_code": region_code,
        "region_name": region_name,
        "total_budget": budget,
        "voucher_validity_months": 12,  # chosen unless given: a programme year
        "public_notice_days": 0,
        "min_award": None,
        "annual_cap": None,
        "claim_share_cap": None,
        "settlement_mode": "provider_deducts",
        "settlement_period": "monthly",  # chosen unless given
        "voucher_kinds": ["cash_compute"],
        **terms,
    }


CHENGDU = {
    "key": "chengdu",
    "authority": {
        "name_zh": "成都市经信局",
        "name_en": "Chengdu Economic and Information Technology Bureau",
        "region_code": "510100",
        "region_name": "成都市",
    },
    "fields": _fields(
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
        "rate_tiers": _flat("0.50"),
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
    "fields": _fields(
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
        "rate_tiers": _flat("0.30"),
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
    "fields": _fields(
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
            _local("3301"),  # chosen: a city programme for the city's SMEs
            {"kind": "size_class", "allowed": ["medium", "small", "micro"]},
            DESIGNATED,
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": _flat("0.30"),  # chosen: the brief gives no rate
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
    "fields": _fields(
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
            _local("11"),
            {"kind": "industries", "allowed": ["65", "C"]},
            {"kind": "purposes", "allowed": ["model_training", "model_inference"]},
            DESIGNATED,
            {"kind": "contract_window", "signed_from": "2023-09-01", "max_term_months": 12},
            {"kind": "no_dishonesty", "years": 3},
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": _flat("0.20"),
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

SHENZHEN = {
    "key": "shenzhen",
    "authority": {
        "name_zh": "深圳市工信局",
        "name_en": "Shenzhen Municipal Bureau of Industry and Information Technology",
        "region_code": "440300",
        "region_name": "深圳市",
    },
    "fields": _fields(
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
            _local("4403"),  # chosen: Shenzhen entities
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
    "fields": _fields(
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
            _local("3301"),  # chosen
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
    "fields": _fields(
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
            _local("41"),  # chosen: entities of the province
            DESIGNATED,
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": _flat("0.20"),
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
    "fields": _fields(
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
            _local("34"),  # chosen
            # Usage must be recorded by the provincial scheduling platform: only providers
            # connected to it are designated.
            DESIGNATED,
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": _flat("0.20"),
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
    "fields": _fields(
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
        "rate_tiers": _flat("0.30"),
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
    "fields": _fields(
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
            _local("1310"),  # chosen: entities of the city
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
    "fields": _fields(
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
            _local("3210"),  # chosen
            DESIGNATED,
            {"kind": "contract_paid"},
            COMPUTE_ONLY,
            *PLATFORM_RULES,
        ],
        "rate_tiers": _flat("0.20"),  # chosen: the brief gives no rate
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

# The brief's first table: the programmes `load_demo` publishes.
FIRST_TABLE = [CHENGDU, GUIZHOU, HANGZHOU_SME, BEIJING]
SECOND_TABLE = [SHENZHEN, HANGZHOU_2024, HENAN, ANHUI, QINGYANG, LANGFANG, YANGZHOU]
PROGRAMMES = FIRST_TABLE + SECOND_TABLE

MONEY_FIELDS = ("total_budget", "min_award", "annual_cap", "claim_share_cap")


def programme_code(entry: dict, year: int) -> str:
    return f"{entry['key']}-{year}"


def programme_fields(entry: dict, *, authority, year: int) -> dict:
    """The entry's model fields for `year`: applications open all that calendar year."""
    fields = dict(entry["fields"])
    for name in MONEY_FIELDS:
        if fields[name] is not None:
            fields[name] = Decimal(fields[name])
    return {
        **fields,
        "authority": authority,
        "code": programme_code(entry, year),
        "name_zh": f"{fields['name_zh']}（{year}年度）",
        "name_en": f"{fields['name_en']} {year}",
        "year": year,
        "applications_open": date(year, 1, 1),
        "applications_close": date(year, 12, 31),
    }


APPLICANT = {
    "kind": "enterprise",
    "revenue": "20000000.00",
    "employees": 120,
    "industry": "65",
    "is_startup": False,
}
CONTRACT = {
    "value": "100000.00",
    "accelerator_origin": "domestic",
    "service_category": "compute_service",
    "purpose": "model_training",
    "project_class": "normal",
    "filed_model_service": False,
    "paid_in_full": False,
}


def _case(entry: dict, passing: bool) -> dict:
    distinct = entry["distinct"]
    if passing:
        return distinct["passing"]
    changes = distinct["failing"]
    return {
        part: {**distinct["passing"].get(part, {}), **changes.get(part, {})}
        for part in ("applicant", "contract")
    }


def applicant_profile(entry: dict, *, passing: bool) -> dict:
    """kind, region, revenue, employees, industry, is_startup of the case's applicant."""
    region = entry["fields"]["region_code"]
    return {**APPLICANT, "region": region, **_case(entry, passing).get("applicant", {})}


def contract_profile(entry: dict, *, passing: bool, year: int) -> dict:
    """The case's contract: provider key, Decimal value, dates (default: March to December
    of `year`), and the other Contract fields."""
    defaults = {
        **CONTRACT,
        "provider": entry["providers"][0],
        "signed_on": date(year, 3, 1),
        "service_start": date(year, 3, 1),
        "service_end": date(year, 12, 31),
    }
    profile = {**defaults, **_case(entry, passing).get("contract", {})}
    for name in ("signed_on", "service_start", "service_end"):
        if isinstance(profile[name], str):
            profile[name] = date.fromisoformat(profile[name])
    profile["value"] = Decimal(profile["value"])
    return profile
