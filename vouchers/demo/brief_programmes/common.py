"""What the programmes of the brief share: providers, platform-wide rules and the
defaults of a programme's fields."""

from stdnum.cn import uscc


def credit_code(prefix: str, region: str, serial: int) -> str:
    """A valid 统一社会信用代码: prefix (91 enterprise, 12 public institution) + region +
    a 9-digit organisation code + the GB 32100-2015 check character."""
    body = f"{prefix}{region}{serial:09d}"
    return body + uscc.calc_check_digit(body)


def provider_entry(name: str, region: str, serial: int, representative: str) -> dict:
    return {
        "name": name,
        "region": region,
        "credit_code": credit_code("91", region, serial),
        "legal_representative": representative,
    }


# Compute providers by key. The people named as legal representatives are fictional.
PROVIDERS = {
    "cd-icc": provider_entry("成都智算中心", "510100", 700000001, "周启明"),
    "nsc-cd": provider_entry("国家超算成都中心", "510100", 700000002, "吴天府"),
    "gz-compute": provider_entry("贵安智算中心", "520100", 700000003, "郑黔云"),
    "gy-exchange": provider_entry("贵阳大数据交易所", "520100", 700000004, "王数易"),
    "gz-goods": provider_entry("一码贵州特色商品平台", "520100", 700000005, "冯山货"),
    "hz-aicc": provider_entry("杭州人工智能计算中心", "330100", 700000006, "陈西湖"),
    "hz-partner": provider_entry("杭州城西科创算力服务有限公司", "330100", 700000007, "褚钱塘"),
    "bj-dec": provider_entry("北京数字经济算力中心", "110000", 700000008, "卫京算"),
    "bj-aipc": provider_entry("北京人工智能公共算力平台", "110000", 700000009, "蒋中关"),
    "sz-pcl": provider_entry("鹏城云脑算力服务平台", "440300", 700000010, "沈鹏城"),
    "nsc-sz": provider_entry("国家超级计算深圳中心", "440300", 700000011, "韩南山"),
    "zz-aicc": provider_entry("郑州人工智能计算中心", "410100", 700000012, "杨中原"),
    "nsc-zz": provider_entry("国家超级计算郑州中心", "410100", 700000013, "朱郑算"),
    "hf-acc": provider_entry("合肥先进计算中心", "340100", 700000014, "秦庐州"),
    "qy-hub": provider_entry("庆阳东数西算算力中心", "621000", 700000015, "尤陇东"),
    "lf-compute": provider_entry("廊坊智算中心", "131000", 700000016, "许安次"),
    "yz-compute": provider_entry("扬州智算中心", "321000", 700000017, "何广陵"),
    # On no programme's list: the failing case of "designated provider" rules uses it.
    "unlisted": provider_entry("申城通用云计算有限公司", "310000", 700000018, "吕浦东"),
}

ALL_KINDS = ["enterprise", "research_institute", "university"]
# Platform-wide rules of the brief: a related-party provider is never eligible and a
# contract is subsidised once across the platform, so every programme carries them.
PLATFORM_RULES = [{"kind": "not_related_party"}, {"kind": "one_subsidy_per_contract"}]
COMPUTE_ONLY = {"kind": "service_categories", "allowed": ["compute_service"]}
DESIGNATED = {"kind": "designated_provider"}


def local_regions(*regions: str) -> dict:
    return {"kind": "registered_region", "scope": "local", "regions": list(regions)}


def flat_rate(rate: str) -> list[dict]:
    return [{"rate": rate, "when": {}}]


def programme_terms(name_zh, name_en, region_code, region_name, budget, **terms) -> dict:
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
