"""The demo gives its officers a second factor and prints a way to use it."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.authority.conftest import signed_in
from vouchers.demo import second_factor


def test_demo_officers_get_a_key_and_backup_codes_that_sign_them_in(bob, company):
    rows = second_factor.ensure_for([bob, company.clerk])
    assert [username for username, _, _ in rows] == ["bob"]  # officers only
    _, key, codes = rows[0]
    assert len(codes) == second_factor.SHOWN_CODES
    client = signed_in(bob, verified=False)
    assert client.post("/authority/two-factor/", {"code": codes[0]}).status_code == 302
    assert client.get("/authority/").status_code == 200
    assert "bob" in second_factor.table(rows) and key in second_factor.table(rows)


def test_a_second_run_keeps_the_key_and_prints_the_codes_still_unused(bob):
    ((_, key, codes),) = second_factor.ensure_for([bob])
    signed_in(bob, verified=False).post("/authority/two-factor/", {"code": codes[0]})
    ((_, again, left),) = second_factor.ensure_for([bob])
    assert again == key and codes[0] not in left
    assert TOTPDevice.objects.filter(user=bob).count() == 1
