"""The probes of `make scale` (bench/scale.py), beside the soak's simulated browsers:

- revocation latency: a session ended on one replica (logout, a device session revoked, a
  password change), its access token asked for on the two others until they refuse it;
- refresh races: one refresh token sent by several threads at once through the proxy, which
  spreads them over the replicas: at most one successor may come out of it;
- page loads: the web servers' pages and Django's static files, through the proxy.

Every request counts in the soak's Tally (requests; 5xx and failed connections as errors).
"""

import base64
import contextlib
import json
import math
import threading
import time

import requests

from bench.soak import PASSWORD, Tally, session_id

ATTEMPTS = 3  # a sample whose access token expired before the revocation is taken again
POLL_TIMEOUT = 10.0  # seconds a replica may keep accepting a revoked token before we give up
WARM_REQUESTS = 4  # `me` calls per replica before the revocation: each worker remembers it


class Expired(RuntimeError):
    """The access token expired before the revocation (a slow machine): take the sample again."""


def call(tally: Tally, session, method: str, url: str, **kwargs):
    """One request; None when the server could not answer (logged in the tally as an error)."""
    tally.add(requests=1)
    try:
        response = session.request(method, url, timeout=30, **kwargs)
    except requests.RequestException as error:
        tally.errors.append((time.monotonic(), f"{method} {url}: {type(error).__name__}"))
        return None
    if response.status_code >= 500:
        tally.errors.append((time.monotonic(), f"{method} {url}: {response.status_code}"))
        return None
    return response


class Client:
    """A browser of the probes: a cookie jar, signed in at `base` (the proxy or a replica).
    Cookies are host-only, so the jar's cookies also go to the other replicas' ports."""

    def __init__(self, tally: Tally, base: str, email: str, password: str = PASSWORD):
        self.tally, self.email = tally, email
        self.session = requests.Session()
        self.csrf = ""
        for _ in range(20):
            response = call(tally, self.session, "GET", f"{base}/api/auth/csrf/")
            if response is not None and response.status_code == 200:
                self.csrf = response.json()["csrfToken"]
                body = {"email": email, "password": password}
                response = self.post(f"{base}/api/auth/login/", json=body)
                if response is not None and response.status_code == 200:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"{email} could not sign in at {base}")

    def post(self, url: str, **kwargs):
        headers = {"X-CSRFToken": self.csrf}
        return call(self.tally, self.session, "POST", url, headers=headers, **kwargs)

    def delete(self, url: str):
        return call(self.tally, self.session, "DELETE", url, headers={"X-CSRFToken": self.csrf})

    @property
    def access(self) -> str:
        return self.session.cookies.get("access")


class Revocations:
    """Revocation latency: a session ended on one replica, its access token asked for on the
    two others until they refuse it; the seconds from the end's answer to each refusal, per
    kind of end. Also the round trips of `me` on those replicas just before (what one request
    takes there and then), and how often the first request after the end was refused already."""

    def __init__(self, tally: Tally, replicas: list[str]):
        self.tally, self.replicas = tally, replicas
        self.latencies: dict[str, list[float]] = {"logout": [], "session": [], "password": []}
        self.round_trips: list[float] = []
        self.first_refused = 0
        self.failures: list[str] = []

    def take(self, kind: str, number: int, email: str) -> None:
        """One sample of `kind`, the session ended on replica `number`; taken again if the access
        token expired on the way (a slow machine), a failure noted if it goes wrong."""
        how = {"logout": self.logout, "session": self.session, "password": self.password}[kind]
        for attempt in range(ATTEMPTS):
            try:
                self.latencies[kind] += how(self.replicas[number], self.others(number), email)
                return
            except Expired:
                if attempt == ATTEMPTS - 1:
                    self.failures.append(f"{kind}: the access token expired {ATTEMPTS} times")
            except RuntimeError as error:
                self.failures.append(f"{kind}: {error}")
                return

    def others(self, number: int) -> list[str]:
        return self.replicas[:number] + self.replicas[number + 1 :]

    def logout(self, here: str, others: list[str], email: str) -> list[float]:
        """Sign in and log out (POST /api/auth/logout/ with the CSRF token) on `here`."""
        client = Client(self.tally, here, email)
        return self.measure(others, client.access, lambda: client.post(f"{here}/api/auth/logout/"))

    def session(self, here: str, others: list[str], email: str) -> list[float]:
        """Two devices of one user; the first revokes the second's session on `here`."""
        first, second = Client(self.tally, here, email), Client(self.tally, here, email)
        url = f"{here}/api/auth/sessions/{session_id(second.access)}/"
        return self.measure(others, second.access, lambda: first.delete(url))

    def password(self, here: str, others: list[str], email: str) -> list[float]:
        """Two devices; the first changes the password on `here`, which signs every other device
        out. The password is PASSWORD again afterwards."""
        first, second = Client(self.tally, here, email), Client(self.tally, here, email)
        url, new = f"{here}/api/account/password/", f"{PASSWORD}-changed"
        body = {"current_password": PASSWORD, "new_password": new}
        latencies = self.measure(others, second.access, lambda: first.post(url, json=body))
        first.post(url, json={"current_password": new, "new_password": PASSWORD})
        return latencies

    def measure(self, others: list[str], access: str, revoke) -> list[float]:
        """`access` remembered by every worker of the `others` replicas, then `revoke()` (which
        must succeed), then the seconds until each of the `others` refuses it."""
        session = requests.Session()
        for url in others:
            for _ in range(WARM_REQUESTS):
                started = time.perf_counter()
                response = self.me(session, url, access)
                if response is not None and response.status_code == 401 and expired(access):
                    raise Expired
                if response is None or response.status_code != 200:
                    status = response.status_code if response is not None else "no answer"
                    raise RuntimeError(f"{url}: me before the revocation: {status}")
                self.round_trips.append(time.perf_counter() - started)
        response = revoke()
        if response is not None and response.status_code == 401 and expired(access):
            raise Expired
        if response is None or response.status_code not in (200, 204):
            status = response.status_code if response is not None else "no answer"
            raise RuntimeError(f"the revocation failed: {status}")
        since, out = time.perf_counter(), {}
        pollers = [
            threading.Thread(target=self.poll, args=(url, access, since, out)) for url in others
        ]
        for thread in pollers:
            thread.start()
        for thread in pollers:
            thread.join()
        self.first_refused += sum(polls == 1 for _, polls in out.values())
        return [latency for latency, _ in out.values()]

    def poll(self, url: str, access: str, since: float, out: dict) -> None:
        """`me` on `url` until it says 401; out[url] = (the seconds from `since` to that answer,
        the requests it took), (POLL_TIMEOUT, 0) if it never came."""
        session, polls = requests.Session(), 0
        while time.perf_counter() - since < POLL_TIMEOUT:
            response = self.me(session, url, access)
            polls += 1
            if response is not None and response.status_code == 401:
                out[url] = (time.perf_counter() - since, polls)
                return
        out[url] = (POLL_TIMEOUT, 0)

    def me(self, session, url: str, access: str):
        return call(self.tally, session, "GET", f"{url}/api/auth/me/", cookies={"access": access})


def expired(token: str) -> bool:
    """Has the JWT `token` expired (its `exp`), give or take a second?"""
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims["exp"] <= time.time() + 1


def refresh_race(tally: Tally, origin: str, email: str, senders: int) -> tuple[set, set, list]:
    """One fresh session's refresh token sent by `senders` threads at once through the proxy.
    Returns the successors handed out (the refresh cookies of the 200s), the replicas that
    answered, and every status."""
    client = Client(tally, origin, email)
    start = threading.Barrier(senders)
    successors, upstreams, statuses = set(), set(), []

    def send() -> None:
        session = requests.Session()
        session.cookies.update(client.session.cookies)
        start.wait()
        response = call(
            tally,
            session,
            "POST",
            f"{origin}/api/auth/refresh/",
            headers={"X-CSRFToken": client.csrf},
        )
        if response is None:
            statuses.append("no answer")
            return
        statuses.append(response.status_code)
        upstreams.add(response.headers.get("X-Upstream", "?"))
        if response.status_code == 200:
            successors.add(response.cookies.get("refresh"))

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with contextlib.suppress(Exception):
        client.post(f"{origin}/api/auth/logout/")
    return successors, upstreams, statuses


PAGES = ["/login", "/", "/forgot-password", "/admin/login/", "/static/admin/css/base.css"]


def load_pages(tally: Tally, origin: str, stop: threading.Event, odd: list, every=2.0) -> None:
    """The pages, one after the other, every `every` seconds until `stop`; into `odd`, what
    answered other than 200 (after redirects) without being a server error."""
    session = requests.Session()
    while not stop.wait(every):
        for path in PAGES:
            response = call(tally, session, "GET", f"{origin}{path}")
            if response is not None and response.status_code != 200:
                odd.append(f"GET {path}: {response.status_code}")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (`share` in 0..1) of non-empty `values`."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
