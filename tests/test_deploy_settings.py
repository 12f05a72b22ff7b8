"""With production variables (DEBUG=0, a real secret key, the site's host names) Django's
deployment checks find nothing to warn about: HTTPS redirect, secure cookies and HSTS
come on by themselves once DEBUG is off."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "PERSONAL_DATA_SALT": secrets.token_urlsafe(32),
    "PERSONAL_DATA_HASH_KEY": secrets.token_urlsafe(32),
    "ALLOWED_HOSTS": "vouchers.example.cn",
    "SITE_URL": "https://vouchers.example.cn",
}


def check_deploy(**variables) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION, **variables}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_variables():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "variable, warning",
    [
        ("SESSION_COOKIE_SECURE", "W012"),
        ("SECURE_SSL_REDIRECT", "W008"),
        ("CSRF_COOKIE_SECURE", "W016"),
    ],
)
def test_turning_a_protection_off_is_reported(variable, warning):
    result = check_deploy(**{variable: "0"})
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_a_malformed_proxy_header_fails_at_start_up():
    result = check_deploy(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER" in result.stderr


@pytest.mark.parametrize("variable", ["PERSONAL_DATA_SALT", "PERSONAL_DATA_HASH_KEY"])
def test_without_a_personal_data_key_start_up_fails(variable):
    result = check_deploy(**{variable: ""})
    assert result.returncode != 0
    assert f"{variable} must be set" in result.stderr


@pytest.mark.parametrize("site_url", ["", "vouchers.example.cn", "ftp://vouchers.example.cn"])
def test_without_a_site_url_the_check_fails(site_url):
    result = check_deploy(SITE_URL=site_url)
    assert result.returncode != 0
    assert "voucher.E001" in result.stdout + result.stderr


def test_with_debug_on_the_site_url_defaults_to_this_machine():
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.SITE_URL)"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "SITE_URL"}, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8000", result.stderr
