"""Region codes read as names (GB/T 2260), in the reader's language, never a bare code."""

from django.utils import translation

from accounts.regions import PROVINCES, region_name


def test_a_district_reads_with_its_city_in_both_languages():
    with translation.override("zh-hans"):
        assert region_name("510107") == "成都市武侯区"
    with translation.override("en"):
        assert region_name("510107") == "Wuhou District, Chengdu"


def test_a_municipalitys_district_reads_with_the_municipality():
    with translation.override("zh-hans"):
        assert region_name("110108") == "北京市海淀区"


def test_a_city_and_a_province_read_alone():
    with translation.override("zh-hans"):
        assert (region_name("510100"), region_name("520000")) == ("成都市", "贵州省")


def test_an_unnamed_code_reads_after_the_nearest_named_division():
    with translation.override("zh-hans"):
        assert region_name("510199") == "成都市 510199"
        assert region_name("511502") == "四川省 511502"
    assert region_name("990101") == "990101"


def test_every_province_level_division_is_named():
    assert len(PROVINCES) == 34
    assert all(code.endswith("0000") for code in PROVINCES)


def test_every_region_the_demo_declares_is_named():
    from vouchers.demo.cast import ENTITY_KINDS

    declared = {row[1] for _, _, rows in ENTITY_KINDS.values() for row in rows}
    assert declared
    with translation.override("zh-hans"):
        assert all(not region_name(code)[-1].isdigit() for code in declared), declared
