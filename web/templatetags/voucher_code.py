"""`{{ voucher.code|voucher_code }}`: a voucher code in groups of four, as printed on the
voucher and read out on the phone (`K7QM-2XDP-9RT4-WB3N-0`)."""

from django import template

from vouchers.services import codes

register = template.Library()


@register.filter
def voucher_code(code: str) -> str:
    return codes.display(code or "")
