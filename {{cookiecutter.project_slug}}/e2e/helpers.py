"""What the end-to-end tests share: signing in, reading cookies and claims, watching the network,
waiting for tokens to expire, and asking the database."""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, expect

from conftest import PASSWORD

# Makes a tab report itself hidden, so it does not renew tokens ahead of expiry: the tests
# that need an expired access token use it (a visible tab would renew it in time).
HIDDEN_TAB = """
Object.defineProperty(Document.prototype, "visibilityState", { get: () => "hidden" });
Object.defineProperty(Document.prototype, "hidden", { get: () => true });
"""


def sign_in(page: Page, user, next_path: str = "/dashboard") -> None:
    """Signs `user` in from /login: the password, then (two-factor on) a code of their
    authenticator app, computed from its secret in the database."""
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    user.refresh_from_db()
    if user.two_factor_enabled:
        page.get_by_label("Authentication code").fill(totp_code(page, user))
        page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"**{next_path}")
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)


# --- Two-factor codes ---------------------------------------------------------------------------

TOTP_STEP = 30  # seconds (accounts/totp.py)


def totp_code(page: Page, user) -> str:
    """A code of `user`'s authenticator app that the API accepts now: the API accepts the
    steps next to its own (one each side) but each step once, so this is the current step's
    code, or a later one's when that was used (re-read from the database). Waits, in the
    browser's clock (the same machine's), for the step to come within reach if needed."""
    import pyotp
    from accounts.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed_at__isnull=False)
    step = max(int(time.time()) // TOTP_STEP, device.last_used_step + 1)
    # Usable from the start of the step before it.
    usable_ms = (step - 1) * TOTP_STEP * 1000
    page.wait_for_function(f"() => Date.now() >= {usable_ms}", polling=200, timeout=65_000)
    return pyotp.TOTP(device.secret, interval=TOTP_STEP).at(step * TOTP_STEP)


def wrong_totp_code(user) -> str:
    """Six digits the API refuses now: no code of the steps it accepts (nor one step beyond)."""
    import pyotp
    from accounts.models import TOTPDevice

    totp = pyotp.TOTP(TOTPDevice.objects.get(user=user).secret, interval=TOTP_STEP)
    near = {totp.at(time.time() + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def confirm(page: Page, button: str) -> None:
    """Answers the open confirm dialog with its button `button` (the rest of the page is inert)."""
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=button, exact=True).click()
    expect(dialog).to_be_hidden()


def alerts(page: Page):
    """The page's own alerts (Next.js's route announcer has role="alert" too)."""
    return page.locator('[role="alert"]:not(#__next-route-announcer__)')


def cookie(context: BrowserContext, name: str) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == name), None)


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def wait_until_expired(page: Page, token: str) -> None:
    """Waits (in the browser's clock) until the token's `exp` has passed."""
    expires_ms = claims(token)["exp"] * 1000 + 250
    page.wait_for_function(f"() => Date.now() > {expires_ms}", polling=100, timeout=30_000)


@dataclass
class Traffic:
    """The API calls a browser context makes: (method, path, status)."""

    api_url: str
    calls: list[tuple[str, str, int]] = field(default_factory=list)
    responses: list = field(default_factory=list)

    def attach(self, context: BrowserContext) -> Traffic:
        context.on("response", self._record)
        return self

    def _record(self, response) -> None:
        if response.url.startswith(self.api_url):
            path = re.sub(r"^https?://[^/]+", "", response.url)
            self.calls.append((response.request.method, path, response.status))
            self.responses.append(response)

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p, _ in self.calls if m == method and p == path)

    def statuses(self, method: str, path: str) -> list[int]:
        return [s for m, p, s in self.calls if m == method and p == path]

    def mark(self) -> int:
        return len(self.calls)

    def since(self, mark: int) -> Traffic:
        return Traffic(self.api_url, self.calls[mark:], self.responses[mark:])


def click_refresh(page: Page) -> None:
    """The dashboard's Refresh: reloads the profile and the sessions, in parallel."""
    page.get_by_role("button", name="Refresh").click()


def completed_actions(page: Page) -> int:
    return int(page.get_by_test_id("dashboard").get_attribute("data-completed-actions"))


def wait_for_actions(page: Page, count: int) -> None:
    """Waits until the dashboard has finished `count` actions (it counts them)."""
    expect(page.get_by_test_id("dashboard")).to_have_attribute("data-completed-actions", str(count))


def refresh_and_wait(page: Page) -> None:
    """Refresh, then wait until that action has finished, whatever its outcome."""
    done = completed_actions(page)
    click_refresh(page)
    wait_for_actions(page, done + 1)


def answer(route, origin: str, status: int, body: str = "", content_type: str = "text/plain"):
    """Fulfills an intercepted API call (cross-origin: with the CORS headers the page needs to
    read it), as a proxy or the API might answer: `answer(route, base_url, 503, "...")`."""
    route.fulfill(
        status=status,
        body=body,
        content_type=content_type,
        headers={
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Vary": "Origin",
        },
    )


# --- The database (read-only) -------------------------------------------------------------------


def is_blacklisted(refresh_token: str) -> bool:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    return BlacklistedToken.objects.filter(token__jti=claims(refresh_token)["jti"]).exists()


def blacklisted_at(refresh_token: str):
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    return BlacklistedToken.objects.get(token__jti=claims(refresh_token)["jti"]).blacklisted_at


def sessions_of(user):
    from accounts.models import DeviceSession

    return list(DeviceSession.objects.filter(user=user).order_by("created_at"))


def replay_refresh(context: BrowserContext, api_url: str, refresh_token: str):
    """POST /api/auth/refresh/ with `refresh_token` from `context`, as a thief's browser would."""
    csrf = context.request.get(f"{api_url}/api/auth/csrf/").json()["csrfToken"]
    context.add_cookies(
        [{"name": "refresh", "value": refresh_token, "domain": "localhost", "path": "/api/auth/"}]
    )
    return context.request.post(f"{api_url}/api/auth/refresh/", headers={"X-CSRFToken": csrf})
