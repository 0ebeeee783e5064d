"""Passkeys (accounts/passkeys.py, passkey_views.py) through the real endpoints, with a software
authenticator that answers as a browser's would: an EC P-256 key, "none" attestation, assertions
signed over authenticatorData and the hash of clientDataJSON. The server side verifies them
with the `webauthn` library, as it does a real authenticator's."""

import base64
import hashlib
import json
import logging
import os
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookies import SimpleCookie

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.cache import cache
from django.db.models import QuerySet
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import passkeys
from accounts.models import AuthChallenge, DeviceSession, Passkey, TOTPDevice, User

from .conftest import PASSWORD, login, make_client, make_user, with_csrf

ORIGIN = "https://portal.example.com"
OTHER_ORIGIN = "https://app.example.com"  # also one of WEB_ORIGINS
RP_ID = "example.com"

LOGIN_OPTIONS = "/api/auth/passkeys/options/"
LOGIN = "/api/auth/passkeys/login/"
PASSKEYS = "/api/account/passkeys/"
REGISTRATION_OPTIONS = "/api/account/passkeys/options/"

# authenticatorData flags
USER_PRESENT, USER_VERIFIED, ATTESTED = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    """One passkey on a software authenticator. `counting=False` keeps the sign count at 0,
    as many platform authenticators do."""

    def __init__(self, counting=True):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0
        self.counting = counting
        self.user_handle = None

    @property
    def id(self) -> str:
        return b64url(self.credential_id)

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        # kty EC2, alg ES256, crv P-256, x, y
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _authenticator_data(self, rp_id: str, flags: int, attested: bool) -> bytes:
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags])
        data += self.sign_count.to_bytes(4, "big")
        if attested:
            data += bytes(16)  # AAGUID: none
            data += len(self.credential_id).to_bytes(2, "big") + self.credential_id
            data += self._cose_key()
        return data

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict, origin=ORIGIN, rp_id=RP_ID, verified=True) -> dict:
        """navigator.credentials.create(), as RegistrationResponseJSON."""
        self.user_handle = options.get("user", {}).get("id")
        flags = USER_PRESENT | ATTESTED | (USER_VERIFIED if verified else 0)
        auth_data = self._authenticator_data(rp_id, flags, attested=True)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal", "hybrid"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def get(self, options: dict, origin=ORIGIN, rp_id=RP_ID, verified=True) -> dict:
        """navigator.credentials.get(), as AuthenticationResponseJSON."""
        if self.counting:
            self.sign_count += 1
        flags = USER_PRESENT | (USER_VERIFIED if verified else 0)
        auth_data = self._authenticator_data(rp_id, flags, attested=False)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": self.user_handle,
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }


@pytest.fixture(autouse=True)
def _relying_party(settings, caplog):
    settings.WEB_ORIGINS = [ORIGIN, OTHER_ORIGIN]
    settings.WEBAUTHN_RP_ID = RP_ID
    settings.TWO_FACTOR_REQUIRED_ROLES = []  # the policy tests set it
    caplog.set_level(logging.INFO, logger="accounts.security")


def events(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "accounts.security" and r.event == name]


def registration_options(client) -> dict:
    response = client.post(REGISTRATION_OPTIONS)
    assert response.status_code == 200, response.content
    return response.json()["options"]


def add_passkey(client, authenticator=None, name="My laptop") -> tuple[SoftAuthenticator, dict]:
    authenticator = authenticator or SoftAuthenticator()
    credential = authenticator.create(registration_options(client))
    response = client.post(PASSKEYS, {"name": name, "credential": credential}, format="json")
    assert response.status_code == 201, response.content
    return authenticator, response.json()


def login_options(client) -> dict:
    response = client.post(LOGIN_OPTIONS)
    assert response.status_code == 200, response.content
    return response.json()["options"]


def passkey_login(client, credential: dict):
    return client.post(LOGIN, {"credential": credential}, format="json")


def assert_refused(response):
    assert response.status_code == 400, response.content
    assert response.json() == {
        "detail": "That passkey could not be used.",
        "code": "passkey_invalid",
    }


def new_browser():
    return with_csrf(make_client())


@pytest.fixture
def with_passkey(signed_in) -> SoftAuthenticator:
    """Ada has one passkey (added while signed in with her password)."""
    authenticator, _ = add_passkey(signed_in)
    return authenticator


# --- Registration -------------------------------------------------------------------------------


def test_registration_options(settings, signed_in, user):
    options = registration_options(signed_in)
    assert options["rp"] == {"id": RP_ID, "name": settings.PROJECT_NAME}
    assert options["user"]["name"] == "ada@example.com"
    assert options["user"]["displayName"] == "Ada Lovelace"
    assert unb64url(options["user"]["id"]) == passkeys.user_handle(user)
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["attestation"] == "none"
    assert options["excludeCredentials"] == []
    # Stored: only a digest of the challenge, for this user and this purpose.
    [row] = AuthChallenge.objects.all()
    assert row.purpose == "passkey_registration"
    assert row.user == user
    assert row.digest == hashlib.sha256(unb64url(options["challenge"])).hexdigest()
    assert options["challenge"] not in row.digest


def test_register_a_passkey(signed_in, user, caplog):
    authenticator = SoftAuthenticator()
    credential = authenticator.create(registration_options(signed_in))
    response = signed_in.post(
        PASSKEYS, {"name": "  Work laptop  ", "credential": credential}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "name", "created_at", "last_used_at"}
    assert body["name"] == "Work laptop"
    assert body["last_used_at"] is None
    passkey = Passkey.objects.get(pk=body["id"])
    assert passkey.user == user
    assert passkey.credential_id == authenticator.id
    assert passkey.transports == ["internal", "hybrid"]
    assert not AuthChallenge.objects.exists()  # used up
    user.refresh_from_db()
    assert user.two_factor_enabled
    [event] = events(caplog, "passkey_added")
    assert event.user == user.pk
    assert event.passkey == passkey.pk


def test_exclude_credentials_lists_the_users_passkeys(signed_in, user):
    first, _ = add_passkey(signed_in)
    second, _ = add_passkey(signed_in, name="Phone")
    make_passkey_of_someone_else()
    options = registration_options(signed_in)
    excluded = options["excludeCredentials"]
    assert {c["id"] for c in excluded} == {first.id, second.id}
    assert all(c["type"] == "public-key" for c in excluded)
    assert excluded[0]["transports"] == ["internal", "hybrid"]


def make_passkey_of_someone_else() -> tuple[User, SoftAuthenticator, APIClient]:
    other = make_user("grace@example.com", name="Grace Hopper")
    client = new_browser()
    assert login(client, email=other.email).status_code == 200
    authenticator, _ = add_passkey(client, name="Grace's key")
    return other, authenticator, client


@pytest.mark.parametrize(
    ("change", "value"),
    [("origin", "https://evil.example"), ("rp_id", "evil.example"), ("verified", False)],
)
def test_registration_refused_for_another_origin_rp_or_without_verification(
    signed_in, user, change, value
):
    credential = SoftAuthenticator().create(registration_options(signed_in), **{change: value})
    response = signed_in.post(PASSKEYS, {"name": "Key", "credential": credential}, format="json")
    assert_refused(response)
    assert not Passkey.objects.exists()
    user.refresh_from_db()
    assert not user.two_factor_enabled


def test_registration_from_another_web_origin_is_accepted(signed_in):
    credential = SoftAuthenticator().create(registration_options(signed_in), origin=OTHER_ORIGIN)
    response = signed_in.post(PASSKEYS, {"name": "Key", "credential": credential}, format="json")
    assert response.status_code == 201, response.content


def test_registration_challenge_works_once(signed_in):
    options = registration_options(signed_in)
    first = SoftAuthenticator().create(options)
    assert (
        signed_in.post(PASSKEYS, {"name": "A", "credential": first}, format="json").status_code
        == 201
    )
    second = SoftAuthenticator().create(options)
    assert_refused(signed_in.post(PASSKEYS, {"name": "B", "credential": second}, format="json"))
    assert Passkey.objects.count() == 1


def test_registration_with_another_users_challenge_is_refused(signed_in, user):
    other = make_user("grace@example.com")
    grace = new_browser()
    assert login(grace, email=other.email).status_code == 200
    graces_options = registration_options(grace)
    credential = SoftAuthenticator().create(graces_options)
    assert_refused(
        signed_in.post(PASSKEYS, {"name": "Key", "credential": credential}, format="json")
    )
    assert not Passkey.objects.exists()


def test_registration_with_an_authentication_challenge_is_refused(signed_in):
    credential = SoftAuthenticator().create(login_options(signed_in))
    assert_refused(
        signed_in.post(PASSKEYS, {"name": "Key", "credential": credential}, format="json")
    )


def test_registration_with_an_expired_challenge_is_refused(signed_in):
    options = registration_options(signed_in)
    AuthChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    credential = SoftAuthenticator().create(options)
    assert_refused(
        signed_in.post(PASSKEYS, {"name": "Key", "credential": credential}, format="json")
    )


def test_the_same_authenticator_cannot_be_registered_twice(signed_in, with_passkey):
    # (The browser would refuse, through excludeCredentials; a client that does not.)
    credential = with_passkey.create(registration_options(signed_in))
    assert_refused(
        signed_in.post(PASSKEYS, {"name": "Again", "credential": credential}, format="json")
    )
    assert Passkey.objects.count() == 1


def test_another_users_credential_id_cannot_be_registered(signed_in):
    _, graces_authenticator, _ = make_passkey_of_someone_else()
    credential = graces_authenticator.create(registration_options(signed_in))
    assert_refused(
        signed_in.post(PASSKEYS, {"name": "Mine", "credential": credential}, format="json")
    )
    assert Passkey.objects.get().user.email == "grace@example.com"


@pytest.mark.parametrize(
    "credential",
    [
        {},
        {"id": "x", "rawId": "x", "type": "public-key", "response": {}},
        {
            "id": "AAAA",
            "rawId": "AAAA",
            "type": "public-key",
            "response": {"clientDataJSON": "!!notbase64", "attestationObject": "AAAA"},
        },
        {
            "id": "AAAA",
            "rawId": "AAAA",
            "type": "public-key",
            "response": {"clientDataJSON": b64url(b"\xff\xfe"), "attestationObject": "AAAA"},
        },
    ],
)
def test_garbage_registrations_are_refused_not_errors(signed_in, credential):
    registration_options(signed_in)
    assert_refused(
        signed_in.post(PASSKEYS, {"name": "Key", "credential": credential}, format="json")
    )


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_passkey_needs_a_name_of_1_to_100_characters(signed_in, name):
    credential = SoftAuthenticator().create(registration_options(signed_in))
    response = signed_in.post(PASSKEYS, {"name": name, "credential": credential}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_credential_must_be_an_object(signed_in):
    response = signed_in.post(PASSKEYS, {"name": "Key", "credential": "text"}, format="json")
    assert response.status_code == 400
    assert "credential" in response.json()["errors"]


def test_the_account_endpoints_want_a_signed_in_user(browser):
    assert browser.get(PASSKEYS).status_code == 401
    assert browser.post(REGISTRATION_OPTIONS).status_code == 401
    assert browser.patch(f"{PASSKEYS}1/", {"name": "x"}, format="json").status_code == 401
    assert browser.delete(f"{PASSKEYS}1/").status_code == 401


def test_registration_options_want_the_csrf_token(signed_in):
    signed_in.credentials()  # no X-CSRFToken
    assert signed_in.post(REGISTRATION_OPTIONS).status_code == 403
    assert not AuthChallenge.objects.exists()


# --- Signing in ---------------------------------------------------------------------------------


def test_login_options_are_discoverable(browser, with_passkey):
    other_browser = new_browser()
    options = login_options(other_browser)
    assert options["rpId"] == RP_ID
    assert options["userVerification"] == "required"
    assert options["allowCredentials"] == []
    [row] = AuthChallenge.objects.all()
    assert row.purpose == "passkey_authentication"
    assert row.user is None
    assert row.expires_at > timezone.now()


def test_login_options_for_a_signed_in_user_list_their_passkeys(signed_in, user, with_passkey):
    make_passkey_of_someone_else()
    AuthChallenge.objects.all().delete()
    options = login_options(signed_in)
    assert [c["id"] for c in options["allowCredentials"]] == [with_passkey.id]
    assert AuthChallenge.objects.get().user == user


def test_login_options_with_a_stale_cookie_are_anonymous(with_passkey):
    client = new_browser()
    client.cookies["access"] = "not-a-token"
    options = login_options(client)
    assert options["allowCredentials"] == []


def test_login_options_want_the_csrf_token(db):
    assert make_client().post(LOGIN_OPTIONS).status_code == 403
    assert not AuthChallenge.objects.exists()


def test_sign_in_with_a_passkey(with_passkey, user, caplog):
    client = new_browser()  # no email typed: a discoverable credential
    response = passkey_login(client, with_passkey.get(login_options(client)))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"]["email"] == "ada@example.com"
    assert body["user"]["two_factor_enabled"] is True
    assert {"access_expires_at", "refresh_expires_at", "access_expires_in"} <= set(body)
    assert client.cookies["access"]["httponly"]
    assert client.cookies["refresh"]["httponly"]
    # The cookies sign in, on a new device session.
    me = client.get("/api/auth/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "ada@example.com"
    assert DeviceSession.objects.filter(user=user).count() == 2  # the password's, this one
    [event] = [e for e in events(caplog, "login") if getattr(e, "method", None) == "passkey"]
    assert event.user == user.pk
    assert str(event.session) == str(
        DeviceSession.objects.filter(user=user).latest("created_at").pk
    )
    passkey = Passkey.objects.get()
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None
    assert not AuthChallenge.objects.exists()


def test_passkey_sign_in_deletes_the_second_step_cookie(with_passkey):
    client = new_browser()
    client.cookies["mfa"] = "a-sign-in-in-progress"
    response = passkey_login(client, with_passkey.get(login_options(client)))
    assert response.status_code == 200
    assert response.cookies["mfa"].value == ""
    assert response.cookies["mfa"]["path"] == "/api/auth/"


def test_sign_in_from_another_web_origin(with_passkey):
    client = new_browser()
    credential = with_passkey.get(login_options(client), origin=OTHER_ORIGIN)
    assert passkey_login(client, credential).status_code == 200


def test_a_replayed_assertion_is_refused(with_passkey, caplog):
    client = new_browser()
    credential = with_passkey.get(login_options(client))
    assert passkey_login(client, credential).status_code == 200
    attacker = new_browser()
    assert_refused(passkey_login(attacker, credential))
    assert "access" not in attacker.cookies
    assert events(caplog, "login_failed")[-1].method == "passkey"


def test_a_challenge_works_once(with_passkey):
    client = new_browser()
    options = login_options(client)
    assert passkey_login(client, with_passkey.get(options)).status_code == 200
    # A fresh signature (its count goes up) over the same challenge.
    assert_refused(passkey_login(new_browser(), with_passkey.get(options)))


def test_a_refused_attempt_uses_the_challenge_up(with_passkey):
    client = new_browser()
    options = login_options(client)
    assert_refused(passkey_login(client, with_passkey.get(options, origin="https://evil.example")))
    assert_refused(passkey_login(client, with_passkey.get(options)))


def test_an_expired_challenge_is_refused(with_passkey):
    client = new_browser()
    options = login_options(client)
    AuthChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_refused(passkey_login(client, with_passkey.get(options)))


def test_a_challenge_we_did_not_issue_is_refused(with_passkey):
    client = new_browser()
    login_options(client)
    forged = {"challenge": b64url(os.urandom(64))}
    assert_refused(passkey_login(client, with_passkey.get(forged)))


def test_a_registration_challenge_does_not_sign_in(signed_in, with_passkey):
    options = registration_options(signed_in)
    assert_refused(passkey_login(new_browser(), with_passkey.get(options)))


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("origin", "https://evil.example"),
        ("origin", "http://portal.example.com"),
        ("rp_id", "evil.example"),
        ("verified", False),
    ],
)
def test_sign_in_refused_for_another_origin_rp_or_without_verification(with_passkey, change, value):
    client = new_browser()
    credential = with_passkey.get(login_options(client), **{change: value})
    assert_refused(passkey_login(client, credential))
    assert "access" not in client.cookies
    assert Passkey.objects.get().last_used_at is None


def test_a_tampered_assertion_is_refused(with_passkey):
    client = new_browser()
    credential = with_passkey.get(login_options(client))
    signature = bytearray(unb64url(credential["response"]["signature"]))
    signature[-1] ^= 1
    credential["response"]["signature"] = b64url(bytes(signature))
    assert_refused(passkey_login(client, credential))


def test_an_unknown_passkey_is_refused(with_passkey):
    client = new_browser()
    stranger = SoftAuthenticator()
    stranger.user_handle = with_passkey.user_handle
    assert_refused(passkey_login(client, stranger.get(login_options(client))))


def test_another_accounts_user_handle_is_refused(with_passkey):
    client = new_browser()
    credential = with_passkey.get(login_options(client))
    credential["response"]["userHandle"] = b64url(b"999999")  # not signed: checked apart
    assert_refused(passkey_login(client, credential))


def test_a_sign_count_that_goes_back_is_refused(with_passkey):
    client = new_browser()
    for _ in range(3):
        assert passkey_login(client, with_passkey.get(login_options(client))).status_code == 200
    assert Passkey.objects.get().sign_count == 3
    with_passkey.sign_count = 1  # a clone, behind the original
    assert_refused(passkey_login(client, with_passkey.get(login_options(client))))
    with_passkey.sign_count = 2  # the same count again
    assert_refused(passkey_login(client, with_passkey.get(login_options(client))))
    assert Passkey.objects.get().sign_count == 3


def test_an_authenticator_without_a_sign_count_signs_in_every_time(signed_in):
    authenticator, _ = add_passkey(signed_in, SoftAuthenticator(counting=False))
    for _ in range(2):
        client = new_browser()
        credential = authenticator.get(login_options(client))
        assert passkey_login(client, credential).status_code == 200
    assert Passkey.objects.get().sign_count == 0


def test_an_inactive_users_passkey_is_refused(with_passkey, user):
    user.is_active = False
    user.save()
    client = new_browser()
    assert_refused(passkey_login(client, with_passkey.get(login_options(client))))


def test_a_challenge_issued_to_one_user_does_not_sign_in_another(signed_in, with_passkey):
    _, graces_authenticator, _ = make_passkey_of_someone_else()
    options = login_options(signed_in)  # Ada's: for her passkeys only
    assert_refused(passkey_login(new_browser(), graces_authenticator.get(options)))


def test_login_wants_the_csrf_token(with_passkey):
    client = new_browser()
    credential = with_passkey.get(login_options(client))
    client.credentials()
    assert passkey_login(client, credential).status_code == 403
    assert Passkey.objects.get().sign_count == 0


def assertion(client_data, user_handle=None, **response) -> dict:
    return {
        "id": "AAAA",
        "rawId": "AAAA",
        "type": "public-key",
        "response": {
            "clientDataJSON": b64url(json.dumps(client_data).encode()),
            "authenticatorData": "AAAA",
            "signature": "AAAA",
            "userHandle": user_handle,
            **response,
        },
    }


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"credential": "x"},
        {"credential": {"id": 1}},
        {"credential": assertion({"type": "webauthn.get", "challenge": 12, "origin": ORIGIN})},
        {"credential": assertion(["not", "an", "object"])},
        {"credential": assertion({"type": "webauthn.get"}, user_handle=5)},
        {"credential": assertion({}, signature={"nested": []})},
        {"credential": {**assertion({}), "authenticatorAttachment": "usb-stick"}},
    ],
)
def test_a_malformed_login_is_a_400(browser, body):
    response = browser.post(LOGIN, body, format="json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_passkey_login_is_throttled_per_ip(settings, with_passkey):
    cache.clear()  # the fixture's password sign-in counted too
    settings.LOGIN_THROTTLE_RATE = "2/min"
    client = new_browser()
    for _ in range(2):
        passkey_login(client, with_passkey.get({"challenge": b64url(os.urandom(32))}))
    response = passkey_login(client, with_passkey.get(login_options(client)))
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_login_options_are_throttled_per_ip(settings, db):
    settings.LOGIN_THROTTLE_RATE = "2/min"
    client = new_browser()
    for _ in range(2):
        login_options(client)
    assert client.post(LOGIN_OPTIONS).status_code == 429
    assert AuthChallenge.objects.count() == 2


# --- verify_authentication, as the reauth endpoint uses it ---------------------------------------


def test_verify_authentication_for_a_given_user(with_passkey, user):
    request = RequestFactory().post("/api/auth/reauth/")
    credential = with_passkey.get(login_options(new_browser()))
    assert passkeys.verify_authentication(request, credential, user=user).user == user


def test_verify_authentication_refuses_another_users_passkey(with_passkey, user):
    other, graces_authenticator, _ = make_passkey_of_someone_else()
    request = RequestFactory().post("/api/auth/reauth/")
    credential = graces_authenticator.get(login_options(new_browser()))
    with pytest.raises(passkeys.PasskeyRefused) as refused:
        passkeys.verify_authentication(request, credential, user=user)
    assert refused.value.status_code == 400
    assert Passkey.objects.get(user=other).sign_count == 0


# --- The user's passkeys ------------------------------------------------------------------------


def test_list_is_the_users_own(signed_in, with_passkey):
    make_passkey_of_someone_else()
    response = signed_in.get(PASSKEYS)
    assert response.status_code == 200
    [passkey] = response.json()
    assert passkey["name"] == "My laptop"
    assert set(passkey) == {"id", "name", "created_at", "last_used_at"}


def test_rename(signed_in, with_passkey):
    passkey = Passkey.objects.get()
    response = signed_in.patch(f"{PASSKEYS}{passkey.pk}/", {"name": " Old phone "}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Old phone"
    passkey.refresh_from_db()
    assert passkey.name == "Old phone"
    for name in ("", "  ", "x" * 101):
        bad = signed_in.patch(f"{PASSKEYS}{passkey.pk}/", {"name": name}, format="json")
        assert bad.status_code == 400
        assert "name" in bad.json()["errors"]
    passkey.refresh_from_db()
    assert passkey.name == "Old phone"


def test_another_users_passkey_is_not_found(signed_in, with_passkey):
    make_passkey_of_someone_else()
    theirs = Passkey.objects.get(user__email="grace@example.com")
    url = f"{PASSKEYS}{theirs.pk}/"
    assert signed_in.patch(url, {"name": "Mine now"}, format="json").status_code == 404
    assert signed_in.delete(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Grace's key"


def test_remove(signed_in, user, with_passkey, caplog):
    passkey = Passkey.objects.get()
    response = signed_in.delete(f"{PASSKEYS}{passkey.pk}/")
    assert response.status_code == 204
    assert not Passkey.objects.exists()
    user.refresh_from_db()
    assert not user.two_factor_enabled
    [event] = events(caplog, "passkey_removed")
    assert (event.user, event.passkey) == (user.pk, passkey.pk)
    # Gone: it signs in no more.
    client = new_browser()
    assert_refused(passkey_login(client, with_passkey.get(login_options(client))))


def test_two_factor_stays_on_while_a_passkey_is_left(signed_in, user):
    add_passkey(signed_in)
    add_passkey(signed_in, name="Phone")
    first = Passkey.objects.first()
    assert signed_in.delete(f"{PASSKEYS}{first.pk}/").status_code == 204
    user.refresh_from_db()
    assert user.two_factor_enabled


def test_remove_wants_a_recent_authentication(settings, signed_in, user, with_passkey):
    passkey = Passkey.objects.get()
    DeviceSession.objects.filter(user=user).update(
        authenticated_at=timezone.now() - timedelta(seconds=settings.REAUTH_WINDOW + 1)
    )
    response = signed_in.delete(f"{PASSKEYS}{passkey.pk}/")
    assert response.status_code == 403
    assert response.json()["code"] == "reauth_required"
    assert Passkey.objects.filter(pk=passkey.pk).exists()


def test_a_fresh_passkey_sign_in_allows_removing(settings, user, with_passkey):
    # Signed in with the passkey: that is a recent authentication too.
    client = new_browser()
    assert passkey_login(client, with_passkey.get(login_options(client))).status_code == 200
    passkey = Passkey.objects.get()
    assert client.delete(f"{PASSKEYS}{passkey.pk}/").status_code == 204


# --- The policy ---------------------------------------------------------------------------------


@pytest.fixture
def staff(db) -> User:
    return make_user("staff@example.com", role=User.Role.STAFF, name="Sam Staff")


@pytest.fixture
def staff_browser(staff) -> APIClient:
    client = new_browser()
    assert login(client, email=staff.email, password=PASSWORD).status_code == 200
    return client


def test_a_user_the_policy_covers_may_add_a_passkey(settings, staff, staff_browser):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff", "admin"]
    # Sent to add a second factor first: every passkey endpoint stays open to them.
    assert staff_browser.get(PASSKEYS).json() == []
    assert login_options(staff_browser)["allowCredentials"] == []
    assert staff_browser.patch(f"{PASSKEYS}1/", {"name": "x"}, format="json").status_code == 404
    assert staff_browser.delete(f"{PASSKEYS}1/").status_code == 404
    add_passkey(staff_browser)
    staff.refresh_from_db()
    assert staff.two_factor_enabled
    assert staff_browser.get(PASSKEYS).status_code == 200


def test_the_policy_keeps_the_last_factor(settings, staff, staff_browser):
    add_passkey(staff_browser)
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff", "admin"]
    passkey = Passkey.objects.get()
    response = staff_browser.delete(f"{PASSKEYS}{passkey.pk}/")
    assert response.status_code == 400
    assert response.json()["code"] == "two_factor_required"
    assert Passkey.objects.filter(pk=passkey.pk).exists()
    staff.refresh_from_db()
    assert staff.two_factor_enabled


def test_the_policy_lets_a_passkey_go_when_another_is_left(settings, staff, staff_browser):
    add_passkey(staff_browser)
    add_passkey(staff_browser, name="Backup key")
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff"]
    first, second = Passkey.objects.all()
    assert staff_browser.delete(f"{PASSKEYS}{first.pk}/").status_code == 204
    response = staff_browser.delete(f"{PASSKEYS}{second.pk}/")
    assert response.json()["code"] == "two_factor_required"


def test_the_policy_lets_a_passkey_go_when_an_authenticator_app_is_left(
    settings, staff, staff_browser
):
    add_passkey(staff_browser)
    TOTPDevice.objects.create(user=staff, secret="JBSWY3DPEHPK3PXP", confirmed_at=timezone.now())
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff"]
    passkey = Passkey.objects.get()
    assert staff_browser.delete(f"{PASSKEYS}{passkey.pk}/").status_code == 204
    staff.refresh_from_db()
    assert staff.two_factor_enabled  # the app


def test_an_unconfirmed_authenticator_app_is_no_factor_to_keep(settings, staff, staff_browser):
    add_passkey(staff_browser)
    TOTPDevice.objects.create(user=staff, secret="JBSWY3DPEHPK3PXP")  # enrolment not finished
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff"]
    passkey = Passkey.objects.get()
    assert staff_browser.delete(f"{PASSKEYS}{passkey.pk}/").status_code == 400


def test_without_the_policy_the_last_passkey_may_go(settings, staff, staff_browser):
    add_passkey(staff_browser)
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin"]
    passkey = Passkey.objects.get()
    assert staff_browser.delete(f"{PASSKEYS}{passkey.pk}/").status_code == 204
    staff.refresh_from_db()
    assert not staff.two_factor_enabled


# --- Races, against a live multi-threaded server ------------------------------------------------

CONCURRENCY = 8


def test_of_concurrent_sign_ins_over_one_challenge_one_succeeds(
    settings, live_server, transactional_db
):
    settings.LOGIN_THROTTLE_RATE = "1000/min"
    ada = make_user("ada@example.com")
    client = new_browser()
    assert login(client).status_code == 200
    authenticator, _ = add_passkey(client)
    options = login_options(new_browser())
    # Distinct assertions (each count higher), all over the same challenge.
    bodies = [
        json.dumps({"credential": authenticator.get(options)}).encode() for _ in range(CONCURRENCY)
    ]

    with urllib.request.urlopen(f"{live_server.url}/api/auth/csrf/") as response:
        token = json.loads(response.read())["csrfToken"]
        csrf_cookie = SimpleCookie(response.headers["Set-Cookie"])["csrftoken"].value
    headers = {
        "Content-Type": "application/json",
        "X-CSRFToken": token,
        "Cookie": f"csrftoken={csrf_cookie}",
    }
    barrier = threading.Barrier(CONCURRENCY)

    def sign_in(body: bytes) -> int:
        request = urllib.request.Request(f"{live_server.url}{LOGIN}", body, headers, method="POST")
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        statuses = sorted(pool.map(sign_in, bodies))

    assert statuses == [200] + [400] * (CONCURRENCY - 1)
    assert DeviceSession.objects.filter(user=ada).count() == 2  # the password's and one


def test_the_loser_of_a_race_for_a_challenge_is_refused(monkeypatch, with_passkey):
    # Deterministically, the moment two sign-ins race: the other one takes the challenge after
    # this one found it, before this one deletes it.
    options = login_options(new_browser())
    winner, loser = with_passkey.get(options), with_passkey.get(options)
    first = QuerySet.first
    raced = []

    def found_then_raced(queryset):
        row = first(queryset)
        if queryset.model is AuthChallenge and row is not None and not raced:
            raced.append(row)
            assert passkey_login(new_browser(), winner).status_code == 200
        return row

    monkeypatch.setattr(QuerySet, "first", found_then_raced)
    assert_refused(passkey_login(new_browser(), loser))
    assert raced
    assert Passkey.objects.get().sign_count == 1  # the winner's


def test_expired_challenges_are_forgotten_as_new_ones_are_issued(signed_in):
    login_options(new_browser())
    registration_options(signed_in)
    AuthChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    options = login_options(new_browser())
    [row] = AuthChallenge.objects.all()
    assert row.digest == hashlib.sha256(unb64url(options["challenge"])).hexdigest()


def test_an_id_past_any_integer_column_is_not_found(signed_in):
    url = f"{PASSKEYS}{10**30}/"
    assert signed_in.patch(url, {"name": "x"}, format="json").status_code == 404
    assert signed_in.delete(url).status_code == 404
