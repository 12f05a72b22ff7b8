"""The national industry classification GB/T 4754-2017 (国民经济行业分类): its 20
sections (门类, A-T) and 97 two-digit divisions (大类, 01-97), with their Chinese and
English names. An entity declares a section or, better, a division; a programme's
industry rule lists sections and divisions, and a section covers all its divisions.

Plain data and pure functions: the rule engine uses them without a database.
"""

from typing import NamedTuple

from django.utils.functional import lazy
from django.utils.translation import get_language


class Industry(NamedTuple):
    code: str
    name_zh: str
    name_en: str


# Each section, then the range of its divisions, then the divisions' names in order.
_TABLE: tuple[tuple[Industry, tuple[tuple[str, str], ...]], ...] = (
    (
        Industry("A", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery"),
        (
            ("农业", "Agriculture"),
            ("林业", "Forestry"),
            ("畜牧业", "Animal husbandry"),
            ("渔业", "Fishery"),
            ("农、林、牧、渔专业及辅助性活动", "Support activities for agriculture and fishery"),
        ),
    ),
    (
        Industry("B", "采矿业", "Mining"),
        (
            ("煤炭开采和洗选业", "Mining and washing of coal"),
            ("石油和天然气开采业", "Extraction of petroleum and natural gas"),
            ("黑色金属矿采选业", "Mining and processing of ferrous metal ores"),
            ("有色金属矿采选业", "Mining and processing of non-ferrous metal ores"),
            ("非金属矿采选业", "Mining and processing of non-metallic minerals"),
            ("开采专业及辅助性活动", "Support activities for mining"),
            ("其他采矿业", "Other mining"),
        ),
    ),
    (
        Industry("C", "制造业", "Manufacturing"),
        (
            ("农副食品加工业", "Processing of food from agricultural products"),
            ("食品制造业", "Manufacture of foods"),
            ("酒、饮料和精制茶制造业", "Manufacture of liquor, beverages and refined tea"),
            ("烟草制品业", "Manufacture of tobacco products"),
            ("纺织业", "Manufacture of textiles"),
            ("纺织服装、服饰业", "Manufacture of textile wearing apparel and accessories"),
            (
                "皮革、毛皮、羽毛及其制品和制鞋业",
                "Manufacture of leather, fur, feather and related products and footwear",
            ),
            (
                "木材加工和木、竹、藤、棕、草制品业",
                "Processing of timber; wood, bamboo, rattan, palm and straw products",
            ),
            ("家具制造业", "Manufacture of furniture"),
            ("造纸和纸制品业", "Manufacture of paper and paper products"),
            ("印刷和记录媒介复制业", "Printing and reproduction of recording media"),
            (
                "文教、工美、体育和娱乐用品制造业",
                "Manufacture of articles for culture, education, arts, sport and entertainment",
            ),
            ("石油、煤炭及其他燃料加工业", "Processing of petroleum, coal and other fuels"),
            (
                "化学原料和化学制品制造业",
                "Manufacture of raw chemical materials and chemical products",
            ),
            ("医药制造业", "Manufacture of medicines"),
            ("化学纤维制造业", "Manufacture of chemical fibres"),
            ("橡胶和塑料制品业", "Manufacture of rubber and plastic products"),
            ("非金属矿物制品业", "Manufacture of non-metallic mineral products"),
            ("黑色金属冶炼和压延加工业", "Smelting and pressing of ferrous metals"),
            ("有色金属冶炼和压延加工业", "Smelting and pressing of non-ferrous metals"),
            ("金属制品业", "Manufacture of metal products"),
            ("通用设备制造业", "Manufacture of general-purpose machinery"),
            ("专用设备制造业", "Manufacture of special-purpose machinery"),
            ("汽车制造业", "Manufacture of automobiles"),
            (
                "铁路、船舶、航空航天和其他运输设备制造业",
                "Manufacture of railway, ship, aerospace and other transport equipment",
            ),
            ("电气机械和器材制造业", "Manufacture of electrical machinery and equipment"),
            (
                "计算机、通信和其他电子设备制造业",
                "Manufacture of computers, communication and other electronic equipment",
            ),
            ("仪器仪表制造业", "Manufacture of measuring instruments and meters"),
            ("其他制造业", "Other manufacturing"),
            ("废弃资源综合利用业", "Utilisation of waste resources"),
            ("金属制品、机械和设备修理业", "Repair of metal products, machinery and equipment"),
        ),
    ),
    (
        Industry(
            "D",
            "电力、热力、燃气及水生产和供应业",
            "Production and supply of electricity, heat, gas and water",
        ),
        (
            ("电力、热力生产和供应业", "Production and supply of electricity and heat"),
            ("燃气生产和供应业", "Production and supply of gas"),
            ("水的生产和供应业", "Production and supply of water"),
        ),
    ),
    (
        Industry("E", "建筑业", "Construction"),
        (
            ("房屋建筑业", "Construction of buildings"),
            ("土木工程建筑业", "Civil engineering"),
            ("建筑安装业", "Building installation"),
            (
                "建筑装饰、装修和其他建筑业",
                "Building decoration, renovation and other construction",
            ),
        ),
    ),
    (
        Industry("F", "批发和零售业", "Wholesale and retail trade"),
        (("批发业", "Wholesale trade"), ("零售业", "Retail trade")),
    ),
    (
        Industry("G", "交通运输、仓储和邮政业", "Transport, storage and postal services"),
        (
            ("铁路运输业", "Rail transport"),
            ("道路运输业", "Road transport"),
            ("水上运输业", "Water transport"),
            ("航空运输业", "Air transport"),
            ("管道运输业", "Pipeline transport"),
            ("多式联运和运输代理业", "Multimodal transport and transport agencies"),
            ("装卸搬运和仓储业", "Loading, unloading and storage"),
            ("邮政业", "Postal services"),
        ),
    ),
    (
        Industry("H", "住宿和餐饮业", "Accommodation and catering"),
        (("住宿业", "Accommodation"), ("餐饮业", "Catering")),
    ),
    (
        Industry(
            "I",
            "信息传输、软件和信息技术服务业",
            "Information transmission, software and information technology services",
        ),
        (
            (
                "电信、广播电视和卫星传输服务",
                "Telecommunications, broadcasting and satellite transmission services",
            ),
            ("互联网和相关服务", "Internet and related services"),
            ("软件和信息技术服务业", "Software and information technology services"),
        ),
    ),
    (
        Industry("J", "金融业", "Finance"),
        (
            ("货币金融服务", "Monetary financial services"),
            ("资本市场服务", "Capital market services"),
            ("保险业", "Insurance"),
            ("其他金融业", "Other financial services"),
        ),
    ),
    (Industry("K", "房地产业", "Real estate"), (("房地产业", "Real estate"),)),
    (
        Industry("L", "租赁和商务服务业", "Leasing and business services"),
        (("租赁业", "Leasing"), ("商务服务业", "Business services")),
    ),
    (
        Industry("M", "科学研究和技术服务业", "Scientific research and technical services"),
        (
            ("研究和试验发展", "Research and experimental development"),
            ("专业技术服务业", "Professional technical services"),
            ("科技推广和应用服务业", "Technology promotion and application services"),
        ),
    ),
    (
        Industry(
            "N",
            "水利、环境和公共设施管理业",
            "Water conservancy, environment and public facilities management",
        ),
        (
            ("水利管理业", "Water conservancy management"),
            ("生态保护和环境治理业", "Ecological protection and environmental management"),
            ("公共设施管理业", "Public facilities management"),
            ("土地管理业", "Land management"),
        ),
    ),
    (
        Industry("O", "居民服务、修理和其他服务业", "Resident services, repair and other services"),
        (
            ("居民服务业", "Resident services"),
            (
                "机动车、电子产品和日用产品修理业",
                "Repair of motor vehicles, electronic products and household goods",
            ),
            ("其他服务业", "Other services"),
        ),
    ),
    (Industry("P", "教育", "Education"), (("教育", "Education"),)),
    (
        Industry("Q", "卫生和社会工作", "Health and social work"),
        (("卫生", "Health"), ("社会工作", "Social work")),
    ),
    (
        Industry("R", "文化、体育和娱乐业", "Culture, sports and entertainment"),
        (
            ("新闻和出版业", "News and publishing"),
            (
                "广播、电视、电影和录音制作业",
                "Radio, television, film and sound recording production",
            ),
            ("文化艺术业", "Culture and arts"),
            ("体育", "Sports"),
            ("娱乐业", "Entertainment"),
        ),
    ),
    (
        Industry(
            "S",
            "公共管理、社会保障和社会组织",
            "Public administration, social security and social organisations",
        ),
        (
            ("中国共产党机关", "Organs of the Communist Party of China"),
            ("国家机构", "State organs"),
            ("人民政协、民主党派", "CPPCC and democratic parties"),
            ("社会保障", "Social security"),
            (
                "群众团体、社会团体和其他成员组织",
                "Mass, social and other membership organisations",
            ),
            ("基层群众自治组织及其他组织", "Grass-roots self-governing and other organisations"),
        ),
    ),
    (
        Industry("T", "国际组织", "International organisations"),
        (("国际组织", "International organisations"),),
    ),
)


def _build():
    """Number the divisions in order (01-97) and list each section before its own."""
    codes, section_of = {}, {}
    number = 0
    for section, names in _TABLE:
        codes[section.code] = section
        for name_zh, name_en in names:
            number += 1
            code = f"{number:02d}"
            codes[code] = Industry(code, name_zh, name_en)
            section_of[code] = section.code
    return codes, section_of


# Every code an entity may declare, each section followed by its divisions.
CODES, _SECTION_OF = _build()
SECTIONS = {code: industry for code, industry in CODES.items() if code.isalpha()}
DIVISIONS = {code: industry for code, industry in CODES.items() if code.isdigit()}


def _label(industry: Industry) -> str:
    """ "65 软件和信息技术服务业" or "65 Software and information technology services", in
    the reader's language when shown. With translations off (makemigrations, so that
    migrations never depend on a language) it is the English, like the gettext labels."""
    chinese = (get_language() or "en").startswith("zh")
    return f"{industry.code} {industry.name_zh if chinese else industry.name_en}"


CHOICES = [(code, lazy(_label, str)(industry)) for code, industry in CODES.items()]


def section_of(code: str) -> str | None:
    """The section a code belongs to (a section is its own); None for no GB/T code."""
    return code if code in SECTIONS else _SECTION_OF.get(code)


def within(code: str, allowed) -> bool:
    """Whether `code` is one of `allowed`, or a division of a section listed there."""
    return code in allowed or section_of(code) in allowed
