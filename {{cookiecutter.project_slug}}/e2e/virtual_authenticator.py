"""Chromium's virtual authenticator, through the Chrome DevTools Protocol (WebAuthn domain): a
platform authenticator (CTAP2, internal transport) that keeps discoverable credentials, verifies
the user and answers the browser's passkey prompts by itself.

It belongs to one page (its CDP session): that page's navigations and sign-ins keep it, so a
passkey made in Settings signs the same page in again after a sign-out.

(Not named webauthn.py: the suite's directory comes first on sys.path, and that name would hide
the `webauthn` library the backend imports in this process.)
"""

from __future__ import annotations

import base64

from playwright.sync_api import Page


class VirtualAuthenticator:
    def __init__(self, page: Page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("WebAuthn.enable", {"enableUI": False})
        added = self.cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )
        self.id = added["authenticatorId"]

    def credentials(self) -> list[dict]:
        """The credentials it holds (credentialId base64, rpId, userHandle, signCount...)."""
        answer = self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.id})
        return answer["credentials"]

    def credential_ids(self) -> set[str]:
        """Its credentials' ids, base64url without padding, as the API stores them."""
        return {_base64url(c["credentialId"]) for c in self.credentials()}

    def refuse_user_verification(self) -> None:
        """From now on the user "fails" the fingerprint or PIN: the browser's prompt ends with
        NotAllowedError, as when the user cancels it."""
        self.cdp.send(
            "WebAuthn.setUserVerified", {"authenticatorId": self.id, "isUserVerified": False}
        )

    def remove(self) -> None:
        self.cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": self.id})
        self.cdp.detach()


def _base64url(standard: str) -> str:
    return base64.urlsafe_b64encode(base64.b64decode(standard)).decode().rstrip("=")
