"""Invitations: staff invite, resend, withdraw; the invitee looks the link up and accepts it."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import invitations
from accounts.invitations import InvitationRefused
from accounts.models import DeviceSession, Invitation, User

from .conftest import PASSWORD, acting_as, login, make_client, make_user, with_csrf

NEW_PASSWORD = "a fresh passphrase for the invitee"


@pytest.fixture
def staff(db):
    return make_user("sam@example.com", User.Role.STAFF, name="Sam Staff")


@pytest.fixture
def admin(db):
    return make_user("root@example.com", User.Role.ADMIN)


def token_of(message) -> str:
    """The token in the invitation mail's link (the only place it is)."""
    return re.search(r"/invite/([\w-]+)", message.body).group(1)


def invite(client, email="new@example.com", role="client", **extra):
    return client.post(
        "/api/users/invitations/", {"email": email, "role": role, **extra}, format="json"
    )


def accept(client, token, name="Nia New", password=NEW_PASSWORD):
    return client.post(
        "/api/auth/invitations/accept/",
        {"token": token, "name": name, "password": password},
        format="json",
    )


# --- invitations.py, one step at a time ----------------------------------------------------------


def test_invite_stores_only_a_digest_of_the_mailed_token(staff, settings):
    settings.INVITATION_LIFETIME = 3600
    invitation = invitations.invite("New@Example.com ", "client", staff, name="Nia")
    token = token_of(mail.outbox[0])
    assert invitation.email == "new@example.com"
    assert invitation.token_digest == invitations.digest(token) != token
    assert token not in str(Invitation.objects.values().get())
    assert abs(invitation.expires_at - timezone.now() - timedelta(hours=1)) < timedelta(minutes=1)
    assert invitation.status == "pending"
    assert invitations.pending_invitation(token) == invitation


def test_a_new_invitation_to_the_same_address_withdraws_the_pending_one(staff):
    first = invitations.invite("new@example.com", "client", staff)
    invitations.invite("new@example.com", "staff", staff)
    first.refresh_from_db()
    assert first.status == "withdrawn"
    with pytest.raises(InvitationRefused) as refused:
        invitations.pending_invitation(token_of(mail.outbox[0]))
    assert refused.value.code == "invitation_withdrawn"


def test_resend_kills_the_old_link_and_renews_the_expiry(staff):
    invitation = invitations.invite("new@example.com", "client", staff)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    invitation.refresh_from_db()
    assert invitation.status == "expired"
    invitations.resend(invitation)
    old, new = (token_of(message) for message in mail.outbox)
    assert invitation.status == "pending"
    with pytest.raises(InvitationRefused) as refused:
        invitations.pending_invitation(old)
    assert refused.value.code == "invitation_invalid"
    assert invitations.pending_invitation(new) == invitation


def test_withdraw_kills_the_link(staff):
    invitation = invitations.invite("new@example.com", "client", staff)
    invitations.withdraw(invitation)
    invitations.withdraw(invitation)  # twice: no error
    with pytest.raises(InvitationRefused) as refused:
        invitations.pending_invitation(token_of(mail.outbox[0]))
    assert (refused.value.code, refused.value.status_code) == ("invitation_withdrawn", 410)


def test_accept_creates_the_verified_user_once(staff):
    invitation = invitations.invite("new@example.com", "staff", staff, name="Nia")
    token = token_of(mail.outbox[0])
    user = invitations.accept(token, "", NEW_PASSWORD)
    assert (user.email, user.role, user.name, user.is_active) == (
        "new@example.com",
        "staff",
        "Nia",  # the invitation's name when none is given
        True,
    )
    assert user.email_verified_at is not None and user.check_password(NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.user == user and invitation.status == "accepted"
    with pytest.raises(InvitationRefused) as refused:
        invitations.accept(token, "Nia", NEW_PASSWORD)
    assert refused.value.code == "invitation_used"
    assert User.objects.filter(email="new@example.com").count() == 1


def test_accept_refuses_an_expired_invitation(staff):
    invitations.invite("new@example.com", "client", staff)
    Invitation.objects.update(expires_at=timezone.now())
    with pytest.raises(InvitationRefused) as refused:
        invitations.accept(token_of(mail.outbox[0]), "Nia", NEW_PASSWORD)
    assert refused.value.code == "invitation_expired"
    assert not User.objects.filter(email="new@example.com").exists()


def test_resend_and_withdraw_refuse_an_accepted_invitation(staff):
    invitation = invitations.invite("new@example.com", "client", staff)
    invitations.accept(token_of(mail.outbox[0]), "Nia", NEW_PASSWORD)
    invitation.refresh_from_db()
    with pytest.raises(ValueError):
        invitations.resend(invitation)
    with pytest.raises(ValueError):
        invitations.withdraw(invitation)


# --- The mail ------------------------------------------------------------------------------------


def test_the_mail_has_text_and_html_with_the_project_and_a_link_to_the_web_client(staff, settings):
    settings.WEB_ORIGINS = ["https://portal.example.com"]
    settings.PROJECT_NAME = "Acme Portal"
    invite(acting_as(staff), name="Nia")
    (message,) = mail.outbox
    assert message.to == ["new@example.com"]
    assert message.subject == "You are invited to Acme Portal"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    link = f"https://portal.example.com/invite/{token_of(message)}"
    for part in (message.body, html):
        assert link in part and "Acme Portal" in part and "Sam Staff" in part
        assert "7 days" in part and "Nia" in part


# --- Staff endpoints -----------------------------------------------------------------------------


def test_staff_invite_a_client_and_see_it_listed(staff):
    response = invite(acting_as(staff), name="Nia")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "new@example.com" and body["status"] == "pending"
    assert body["invited_by"] == {"id": staff.pk, "name": "Sam Staff", "email": staff.email}
    assert "token" not in str(body) and "digest" not in str(body)
    listed = acting_as(staff).get("/api/users/invitations/?status=pending").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert acting_as(staff).get("/api/users/invitations/?status=accepted").json()["count"] == 0


def test_the_list_filters_by_status(staff):
    pending = invitations.invite("a@example.com", "client", staff)
    expired = invitations.invite("b@example.com", "client", staff)
    withdrawn = invitations.invite("c@example.com", "client", staff)
    accepted = invitations.invite("d@example.com", "client", staff)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    invitations.withdraw(withdrawn)
    invitations.accept(token_of(mail.outbox[3]), "Dee", NEW_PASSWORD)
    client = acting_as(staff)
    for status, invitation in [
        ("pending", pending),
        ("expired", expired),
        ("withdrawn", withdrawn),
        ("accepted", accepted),
    ]:
        rows = client.get(f"/api/users/invitations/?status={status}").json()["results"]
        assert [(row["id"], row["status"]) for row in rows] == [(invitation.pk, status)]
    assert client.get("/api/users/invitations/").json()["count"] == 4
    assert client.get("/api/users/invitations/?status=bogus").status_code == 400


def test_clients_and_anonymous_cannot_touch_invitations(user, staff):
    invitation = invitations.invite("new@example.com", "client", staff)
    for client, expected in [(acting_as(user), 403), (make_client(), 401)]:
        assert client.get("/api/users/invitations/").status_code == expected
        assert invite(client, email="x@example.com").status_code == expected
        assert client.post(f"/api/users/invitations/{invitation.pk}/resend/").status_code == (
            expected
        )
        assert client.delete(f"/api/users/invitations/{invitation.pk}/").status_code == expected
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_only_admins_invite_admins(staff, admin):
    response = invite(acting_as(staff), role="admin")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only admins can invite admins."
    assert invite(acting_as(staff), role="staff").status_code == 201
    assert invite(acting_as(admin), email="boss@example.com", role="admin").status_code == 201


def test_staff_cannot_resend_or_withdraw_an_admin_invitation(staff, admin):
    invitation = invitations.invite("boss@example.com", "admin", admin)
    assert acting_as(staff).post(f"/api/users/invitations/{invitation.pk}/resend/").status_code == (
        403
    )
    assert acting_as(staff).delete(f"/api/users/invitations/{invitation.pk}/").status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_an_address_with_an_account_cannot_be_invited(staff, user):
    response = invite(acting_as(staff), email="ADA@example.com")
    assert response.status_code == 400
    assert response.json()["errors"]["email"] == ["This address already has an account."]
    user.is_active = False
    user.save()
    response = invite(acting_as(staff), email="ada@example.com")
    assert "not active" in response.json()["errors"]["email"][0]
    assert invite(acting_as(staff), email="not an address").status_code == 400
    assert invite(acting_as(staff), role="overlord").status_code == 400
    assert mail.outbox == []


def test_resend_and_withdraw_through_the_api(staff):
    invitation_id = invite(acting_as(staff)).json()["id"]
    response = acting_as(staff).post(f"/api/users/invitations/{invitation_id}/resend/")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    assert len(mail.outbox) == 2
    old, new = (token_of(message) for message in mail.outbox)
    assert make_client().get(f"/api/auth/invitations/{old}/").status_code == 404
    assert make_client().get(f"/api/auth/invitations/{new}/").status_code == 200

    assert acting_as(staff).delete(f"/api/users/invitations/{invitation_id}/").status_code == 204
    gone = make_client().get(f"/api/auth/invitations/{new}/")
    assert gone.status_code == 410 and gone.json()["code"] == "invitation_withdrawn"
    again = acting_as(staff).post(f"/api/users/invitations/{invitation_id}/resend/")
    assert again.status_code == 400
    assert acting_as(staff).delete("/api/users/invitations/999999/").status_code == 404


# --- Anyone with the link ------------------------------------------------------------------------


def test_the_link_shows_the_invitation(staff):
    invite(acting_as(staff), name="Nia")
    response = make_client().get(f"/api/auth/invitations/{token_of(mail.outbox[0])}/")
    assert response.status_code == 200
    assert response.json().keys() == {"email", "role", "name", "expires_at"}
    assert response.json()["email"] == "new@example.com"


def test_unknown_and_tampered_links_are_404(staff):
    invite(acting_as(staff))
    token = token_of(mail.outbox[0])
    for bad in ["nope", token[:-1] + ("A" if token[-1] != "A" else "B")]:
        response = make_client().get(f"/api/auth/invitations/{bad}/")
        assert response.status_code == 404
        assert response.json()["code"] == "invitation_invalid"
        assert accept(with_csrf(make_client()), bad).status_code == 404


def test_accepting_signs_in_on_this_browser(staff):
    invite(acting_as(staff), role="staff")
    browser = with_csrf(make_client())
    response = accept(browser, token_of(mail.outbox[0]))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"]["email"] == "new@example.com" and body["user"]["role"] == "staff"
    assert body["user"]["name"] == "Nia New" and body["access_expires_in"] > 0
    assert browser.cookies["access"].value and browser.cookies["refresh"].value
    assert browser.get("/api/auth/me/").json()["email"] == "new@example.com"
    assert DeviceSession.objects.filter(user__email="new@example.com").count() == 1


def test_a_used_link_fails_with_a_clear_message(staff):
    invite(acting_as(staff))
    token = token_of(mail.outbox[0])
    assert accept(with_csrf(make_client()), token).status_code == 200
    response = accept(with_csrf(make_client()), token, password="another passphrase here")
    assert response.status_code == 410
    assert response.json() == {
        "detail": "This invitation has already been accepted. Sign in instead.",
        "code": "invitation_used",
    }
    assert make_client().get(f"/api/auth/invitations/{token}/").status_code == 410


def test_an_expired_link_fails_with_a_clear_message(staff):
    invite(acting_as(staff))
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = accept(with_csrf(make_client()), token_of(mail.outbox[0]))
    assert response.status_code == 410 and response.json()["code"] == "invitation_expired"
    assert "expired" in response.json()["detail"]
    assert not User.objects.filter(email="new@example.com").exists()


def test_a_weak_password_is_refused_on_the_password_field(staff):
    invite(acting_as(staff))
    token = token_of(mail.outbox[0])
    response = accept(with_csrf(make_client()), token, password="password")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert not User.objects.filter(email="new@example.com").exists()
    assert make_client().get(f"/api/auth/invitations/{token}/").status_code == 200  # still usable


def test_an_address_that_got_an_account_meanwhile_is_refused(staff):
    invite(acting_as(staff))
    make_user("new@example.com")
    response = accept(with_csrf(make_client()), token_of(mail.outbox[0]))
    assert response.status_code == 400
    assert response.json()["code"] == "invitation_account_exists"


def test_accepting_needs_the_csrf_check(staff):
    invite(acting_as(staff))
    response = accept(make_client(), token_of(mail.outbox[0]))
    assert response.status_code == 403
    assert not User.objects.filter(email="new@example.com").exists()


def test_accepting_is_throttled_per_client_ip(staff, settings):
    settings.ACCOUNT_IP_RATE = "2/hour"
    browser = with_csrf(make_client())
    assert accept(browser, "guess-one").status_code == 404
    assert accept(browser, "guess-two").status_code == 404
    response = accept(browser, "guess-three")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_one_link_is_throttled_from_every_address(staff, settings):
    settings.ACCOUNT_EMAIL_RATE = "2/hour"
    for ip in ["203.0.113.1", "203.0.113.2"]:
        assert make_client().get("/api/auth/invitations/guess/", REMOTE_ADDR=ip).status_code == 404
    response = make_client().get("/api/auth/invitations/guess/", REMOTE_ADDR="203.0.113.3")
    assert response.status_code == 429


def test_the_invitees_password_is_theirs_alone(staff):
    """The staff member who invited does not learn or set it: only the link's holder does."""
    invite(acting_as(staff))
    accept(with_csrf(make_client()), token_of(mail.outbox[0]))
    assert not User.objects.get(email="new@example.com").check_password(PASSWORD)


def test_accepting_in_a_browser_signed_in_as_someone_else_ends_their_session(staff, user):
    """A shared computer: the invitee's account replaces whoever was signed in there."""
    browser = with_csrf(make_client())
    assert login(browser).status_code == 200
    invite(acting_as(staff))
    assert accept(browser, token_of(mail.outbox[0])).status_code == 200
    assert browser.get("/api/auth/me/").json()["email"] == "new@example.com"
    assert not DeviceSession.objects.filter(user=user).active().exists()


def test_an_invitation_dies_with_its_inviters_right_to_grant_the_role(staff, admin):
    invitations.invite("new@example.com", "staff", staff)
    invitations.invite("boss@example.com", "admin", admin)
    staff_link, admin_link = (token_of(message) for message in mail.outbox)
    staff.is_active = False
    staff.save()
    admin.role = User.Role.STAFF  # demoted: may no longer make admins
    admin.save()
    for token in (staff_link, admin_link):
        response = make_client().get(f"/api/auth/invitations/{token}/")
        assert response.status_code == 410 and response.json()["code"] == "invitation_withdrawn"
        assert accept(with_csrf(make_client()), token).status_code == 410
    assert not User.objects.filter(email__in=["new@example.com", "boss@example.com"]).exists()
