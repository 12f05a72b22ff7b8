"""Personas for the government portal: Chengdu's reviewers bob and carol and manager
alice, Hangzhou's reviewer dave (the wrong tenant), each with an authenticator; a client
signed in with both factors, and one signed in with the password only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership
from tests import builders
from web.auth import SESSION_KEY as RECENT_LOGIN


def authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    """The six digits the officer's phone shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def signed_in(user, *, verified=True, language=None) -> Client:
    """A client signed in as `user` a moment ago (password just typed), with the second
    factor verified unless told otherwise."""
    client = Client()
    if language:
        client.cookies["django_language"] = language
    client.force_login(user)
    session = client.session
    session[RECENT_LOGIN] = timezone.now().timestamp()
    session.save()
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or authenticator(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def company(db):
    """Declared two months before applying: a declaration within 30 days of applying is
    a warning of its own (tests/authority/test_warnings.py), ticked before approval."""
    return builders.entity(declared_on=builders.TODAY - timedelta(days=60))


@pytest.fixture
def frank(chengdu):
    """Chengdu's finance officer."""
    return builders.member("frank", Membership.Role.FINANCE_OFFICER, authority=chengdu)


@pytest.fixture
def as_bob(bob):
    return signed_in(bob)


@pytest.fixture
def as_bob_en(bob):
    return signed_in(bob, language="en")


@pytest.fixture
def as_carol(carol):
    return signed_in(carol)


@pytest.fixture
def as_alice(alice):
    return signed_in(alice)


@pytest.fixture
def as_dave(dave):
    return signed_in(dave)


@pytest.fixture
def as_frank(frank):
    return signed_in(frank)
