from django.template import Context, Template


def test_a_voucher_code_is_shown_in_groups_of_four():
    rendered = Template("{% load voucher_code %}{{ code|voucher_code }}").render(
        Context({"code": "K7QM2XDP9RT4WB3NF"})
    )
    assert rendered == "K7QM-2XDP-9RT4-WB3N-F"
