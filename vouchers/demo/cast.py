"""The demo's cast: fictional applicant entities and the applications they file, by
the state each application ends in."""

from dataclasses import dataclass, field

from accounts.models import Entity

# (name, registered region, GB/T 4754 industry, employees, prior-year revenue, extras) per kind.
ENTERPRISES = [
    ("成都星河智能科技有限公司", "510107", "65", 120, "25000000.00", {}),
    # Declares the phone of 国家超算成都中心: a related-party warning its reviewer ticks.
    ("成都蜀光医疗影像科技有限公司", "510104", "65", 80, "12000000.00", {"phone": "028-6000-0002"}),
    # Below Chengdu's 10 million revenue floor: its draft shows the rule failing.
    ("成都锦城小微软件有限公司", "510106", "65", 15, "8000000.00", {}),
    # Shares its legal representative with 贵安智算中心: a related party there.
    (
        "贵阳数博科技有限公司",
        "520115",
        "65",
        60,
        "9000000.00",
        {"related_to": "gz-compute"},
    ),
    ("遵义黔云数据服务有限公司", "520302", "65", 45, "6000000.00", {}),
    ("上海浦江大模型科技有限公司", "310104", "65", 200, "60000000.00", {}),
    ("杭州西溪智造有限公司", "330106", "34", 150, "30000000.00", {}),
    ("杭州钱塘小模型科技有限公司", "330114", "65", 30, "3000000.00", {"is_startup": True}),
    ("杭州良渚视觉科技有限公司", "330110", "65", 12, "1000000.00", {}),
    ("北京中关村智言科技有限公司", "110108", "65", 260, "150000000.00", {}),
    # On the dishonesty (失信) list until about a year ago: Beijing's 3-year rule fails.
    (
        "北京亦庄智能制造有限公司",
        "110115",
        "39",
        500,
        "300000000.00",
        {"dishonest_days_ago": 400},
    ),
    ("深圳南山算法科技有限公司", "440305", "65", 90, "25000000.00", {"is_startup": True}),
]
INSTITUTES = [
    ("成都天府人工智能研究院", "510107", "73", 180, "30000000.00", {}),
    ("四川锦江计算科学研究所", "510104", "73", 90, "15000000.00", {}),
    ("成都电子信息产业技术研究院", "510116", "73", 120, "12000000.00", {}),
    ("贵州黔中大数据研究院", "520115", "73", 70, "8000000.00", {}),
    ("贵州山地信息技术研究所", "520102", "73", 40, "5000000.00", {}),
    ("杭州之江智能计算研究院", "330106", "73", 300, "40000000.00", {}),
    ("浙江钱塘数据科学研究所", "330108", "73", 110, "20000000.00", {}),
    ("北京海淀认知智能研究院", "110108", "73", 260, "50000000.00", {}),
    ("北京怀柔先进计算研究所", "110116", "73", 150, "18000000.00", {}),
    ("上海张江类脑智能研究院", "310115", "73", 140, "26000000.00", {}),
    ("武汉光谷智能感知研究所", "420111", "73", 85, "11000000.00", {}),
    ("西安秦岭计算数学研究所", "610113", "73", 60, "7000000.00", {}),
]
UNIVERSITIES = [
    ("成都锦江理工大学", "510106", "83", 2600, "80000000.00", {}),
    ("西南信息工程大学", "510105", "83", 1900, "60000000.00", {}),
    ("乐山蜀南科技学院", "511100", "83", 700, "20000000.00", {}),
    ("贵阳数据科技大学", "520100", "83", 1200, "30000000.00", {}),
    ("黔东南职业技术学院", "522600", "83", 400, "5000000.00", {}),
    ("杭州钱江工业大学", "330100", "83", 2400, "70000000.00", {}),
    ("衢州浙西数字经济学院", "330800", "83", 500, "10000000.00", {}),
    ("北京燕山信息科技大学", "110108", "83", 3000, "90000000.00", {}),
    ("京北人工智能学院", "110114", "83", 800, "25000000.00", {}),
    ("上海浦东数理大学", "310115", "83", 2000, "50000000.00", {}),
    ("南京钟山智能科技大学", "320100", "83", 1800, "40000000.00", {}),
    ("重庆山城计算机学院", "500000", "83", 600, "15000000.00", {}),
]
# Username prefix and credit-code prefix (91 enterprise, 12 public institution) per kind.
ENTITY_KINDS = {
    Entity.Kind.ENTERPRISE: ("ent", "91", ENTERPRISES),
    Entity.Kind.RESEARCH_INSTITUTE: ("inst", "12", INSTITUTES),
    Entity.Kind.UNIVERSITY: ("uni", "12", UNIVERSITIES),
}
# The providers' related-party profiles (fictional), by provider key.
PROVIDER_PROFILES = {"nsc-cd": {"phone": "02860000002"}}
# Fictional legal representatives; none shares a name with a provider's.
SURNAMES = "赵钱孙李郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"
GIVEN_NAMES = ("立新", "海燕", "建国", "文静", "志远", "晓峰")


@dataclass(frozen=True)
class Scenario:
    """One demo application: the state it ends in and the contract it names."""

    state: str
    programme: str
    entity: str
    provider: str
    value: str
    contract: dict = field(default_factory=dict)
    voucher_kind: str = ""


# Not a status: an active reimburse voucher whose claim is approved, waiting to be paid.
CLAIM_APPROVED = "claim_approved"

SCENARIOS = [
    Scenario("draft", "chengdu", "ent01", "cd-icc", "400000.00"),
    Scenario("draft", "chengdu", "ent03", "cd-icc", "100000.00"),  # fails the revenue floor
    Scenario("draft", "guizhou", "ent04", "gz-compute", "200000.00"),  # fails: related party
    Scenario("draft", "beijing", "ent11", "bj-aipc", "3000000.00"),  # fails: dishonesty record
    Scenario("submitted", "chengdu", "ent02", "nsc-cd", "600000.00"),
    Scenario("submitted", "chengdu", "inst02", "cd-icc", "240000.00"),
    Scenario("returned", "hangzhou-sme", "ent08", "hz-aicc", "80000.00"),
    Scenario("rejected", "guizhou", "ent05", "gz-compute", "150000.00"),
    Scenario("withdrawn", "hangzhou-sme", "ent09", "hz-partner", "50000.00"),
    Scenario("active", "chengdu", "inst01", "cd-icc", "1000000.00"),
    Scenario("active", "chengdu", "uni01", "nsc-cd", "800000.00"),
    Scenario(
        "active",
        "guizhou",
        "ent12",
        "gz-goods",
        "50000.00",
        {"service_category": "specialty_goods", "purpose": "other"},
        "in_kind",
    ),
    Scenario("public_notice", "beijing", "ent10", "bj-dec", "5000000.00"),
    Scenario(
        "exhausted",
        "guizhou",
        "ent06",
        "gy-exchange",
        "300000.00",
        {"service_category": "data_product", "purpose": "other"},
        "cash_data",
    ),
    Scenario("expired", "hangzhou-sme", "ent07", "hz-aicc", "200000.00"),
    Scenario("revoked", "chengdu", "uni02", "cd-icc", "300000.00"),
    # Beijing reimburses: 智言's second contract, its claim approved for a payment batch.
    Scenario(CLAIM_APPROVED, "beijing", "ent10", "bj-aipc", "1000000.00"),
]
