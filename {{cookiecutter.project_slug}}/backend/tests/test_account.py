"""/api/account/: profile, password change, closing the account."""

from django.core import mail

from accounts import invitations
from accounts.models import DeviceSession, Invitation, User

from .conftest import PASSWORD, login, make_client, make_user, obtain_pair, with_csrf

NEW_PASSWORD = "another long passphrase"


def change_password(client, current=PASSWORD, new=NEW_PASSWORD):
    return client.post(
        "/api/account/password/",
        {"current_password": current, "new_password": new},
        format="json",
    )


def close(client, password=PASSWORD):
    return client.post("/api/account/close/", {"password": password}, format="json")


# --- Profile -------------------------------------------------------------------------------------


def test_change_the_name_and_see_it_in_the_next_access_token(signed_in, user):
    response = signed_in.patch("/api/account/profile/", {"name": "Ada King"}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": "ada@example.com",
        "name": "Ada King",
        "role": "client",
        "two_factor_enabled": False,
        "two_factor_setup_required": False,
    }
    user.refresh_from_db()
    assert user.name == "Ada King"
    assert signed_in.post("/api/auth/refresh/").status_code == 200
    state = signed_in.get("/api/auth/session/").json()  # read from the new access token
    assert state["user"]["name"] == "Ada King"


def test_the_profile_changes_the_name_only(signed_in, user):
    response = signed_in.patch(
        "/api/account/profile/", {"role": "admin", "email": "x@example.com"}, format="json"
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.role, user.email) == ("client", "ada@example.com")
    too_long = signed_in.patch("/api/account/profile/", {"name": "x" * 151}, format="json")
    assert too_long.status_code == 400 and "name" in too_long.json()["errors"]


def test_the_account_endpoints_need_a_signed_in_user(db):
    browser = with_csrf(make_client())
    assert browser.patch("/api/account/profile/", {"name": "X"}, format="json").status_code == 401
    assert change_password(browser).status_code == 401
    assert close(browser).status_code == 401


# --- Password change -----------------------------------------------------------------------------


def test_changing_the_password_keeps_this_device_and_signs_out_the_others(signed_in, user):
    other = with_csrf(make_client())
    assert login(other).status_code == 200
    mobile = obtain_pair()
    response = change_password(signed_in)
    assert response.status_code == 200, response.content
    assert response.json()["user"]["email"] == "ada@example.com"
    # This browser: new cookies, still signed in, and can refresh.
    assert signed_in.get("/api/auth/me/").status_code == 200
    assert signed_in.post("/api/auth/refresh/").status_code == 200
    # The others: out.
    assert other.get("/api/auth/me/").status_code == 401
    assert other.post("/api/auth/refresh/").status_code == 401
    refresh = make_client().post(
        "/api/auth/token/refresh/", {"refresh": mobile["refresh"]}, format="json"
    )
    assert refresh.status_code == 401
    assert DeviceSession.objects.filter(user=user).active().count() == 1
    # The new password signs in, the old one does not.
    assert login(with_csrf(make_client()), password=NEW_PASSWORD).status_code == 200
    assert login(with_csrf(make_client())).status_code == 401


def test_a_password_change_is_told_by_mail(signed_in, settings):
    settings.WEB_ORIGINS = ["https://portal.example.com"]
    change_password(signed_in)
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert settings.PROJECT_NAME in message.subject
    html, _ = message.alternatives[0]
    for part in (message.body, html):
        assert "signed out" in part and "https://portal.example.com/forgot-password" in part


def test_a_wrong_current_password_changes_nothing(signed_in, user):
    response = change_password(signed_in, current="not my password")
    assert response.status_code == 400
    assert response.json()["errors"]["current_password"] == ["This is not your current password."]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert mail.outbox == []
    assert signed_in.get("/api/auth/me/").status_code == 200


def test_a_weak_new_password_is_refused_on_its_field(signed_in, user):
    response = change_password(signed_in, new="password")
    assert response.status_code == 400 and "new_password" in response.json()["errors"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_guessing_the_current_password_is_throttled_like_sign_in(signed_in, settings):
    settings.LOGIN_FAILURES_PER_CLIENT = 2
    assert change_password(signed_in, current="guess 1").status_code == 400
    assert change_password(signed_in, current="guess 2").status_code == 400
    response = change_password(signed_in, current="guess 3")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    # The same counters as the login page: no way round it there either.
    assert login(with_csrf(make_client())).status_code == 429


# --- Closing the account -------------------------------------------------------------------------


def test_closing_erases_the_person_and_signs_out_everywhere(signed_in, user):
    other = with_csrf(make_client())
    assert login(other).status_code == 200
    response = close(signed_in)
    assert response.status_code == 204
    assert response.cookies["access"].value == "" and response.cookies["refresh"].value == ""
    user.refresh_from_db()
    assert not user.is_active and user.name == "" and not user.has_usable_password()
    assert user.email.endswith("@closed.invalid") and "ada" not in user.email
    assert not DeviceSession.objects.filter(user=user).exists()
    assert other.get("/api/auth/me/").status_code == 401
    assert login(with_csrf(make_client())).status_code == 401


def test_the_address_of_a_closed_account_can_be_invited_again(signed_in, user):
    staff = make_user("sam@example.com", User.Role.STAFF)
    invitation = invitations.invite("ada@example.com", "client", staff)
    Invitation.objects.filter(pk=invitation.pk).update(user=user, accepted_at=user.date_joined)
    assert close(signed_in).status_code == 204
    invitation.refresh_from_db()
    assert invitation.email.endswith("@closed.invalid")  # erased there too
    again = invitations.invite("ada@example.com", "client", staff)
    assert again.email == "ada@example.com"


def test_closing_needs_the_password(signed_in, user):
    response = close(signed_in, password="wrong")
    assert response.status_code == 400 and "password" in response.json()["errors"]
    user.refresh_from_db()
    assert user.is_active and user.email == "ada@example.com"
    assert signed_in.get("/api/auth/me/").status_code == 200
