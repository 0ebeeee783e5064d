"""Invitations in Django's admin: listed, filtered, withdrawn and resent; never made there."""

import pytest
from django.core import mail
from django.test import Client

from accounts import invitations
from accounts.models import Invitation, User

from .conftest import make_user

LIST = "/admin/accounts/invitation/"


@pytest.fixture
def admin_site(db) -> Client:
    boss = User.objects.create_superuser(email="boss@example.com", password="a long passphrase!")
    client = Client()
    client.force_login(boss)
    return client


@pytest.fixture
def staff(db):
    return make_user("sam@example.com", User.Role.STAFF)


def test_the_admin_lists_and_filters_invitations_by_status(admin_site, staff):
    invitations.invite("pending@example.com", "client", staff)
    invitations.withdraw(invitations.invite("gone@example.com", "client", staff))
    page = admin_site.get(LIST, {"status": "pending"}).content.decode()
    assert "pending@example.com" in page and "gone@example.com" not in page
    page = admin_site.get(LIST, {"status": "withdrawn"}).content.decode()
    assert "gone@example.com" in page and "pending@example.com" not in page
    invitation = Invitation.objects.get(email="pending@example.com")
    detail = admin_site.get(f"{LIST}{invitation.pk}/change/").content.decode()
    assert "pending@example.com" in detail and invitation.token_digest not in detail


def test_invitations_are_not_made_in_the_admin(admin_site):
    assert admin_site.get(f"{LIST}add/").status_code == 403


def test_the_withdraw_action_kills_the_link(admin_site, staff):
    invitation = invitations.invite("new@example.com", "client", staff)
    response = admin_site.post(LIST, {"action": "withdraw", "_selected_action": [invitation.pk]})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"


def test_the_resend_action_mails_a_new_link(admin_site, staff):
    invitation = invitations.invite("new@example.com", "client", staff)
    old_digest = invitation.token_digest
    admin_site.post(LIST, {"action": "resend", "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.token_digest != old_digest and len(mail.outbox) == 2
