"""`make demo` prints where a provider starts and a login that opens the portal."""

from tests.authority.conftest import signed_in
from vouchers.demo.loader import Login, provider_portal_line


def test_the_demo_prints_a_provider_login_that_opens_the_portal(centre_engineer, centre):
    logins = [
        Login("bob", "reviewer", "成都市经信局"),
        Login(centre_engineer.username, "provider_staff", str(centre)),
    ]
    line = provider_portal_line(logins)
    assert "/provider/" in line and f"sign in as {centre_engineer.username}" in line
    assert signed_in(centre_engineer, verified=False).get("/provider/").status_code == 200
