"""The web client's Content-Security-Policy holds in a real browser: the app works under it,
nothing it does is blocked, and a script the page did not trust does not run."""

import re

from playwright.sync_api import expect

from helpers import sign_in

# Records every CSP violation of the page, from before its first script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers["content-security-policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split("; ")}


def test_pages_carry_a_fresh_nonce_on_every_script(page, base_url, api_url):
    first = page.request.get(f"{base_url}/login")
    second = page.request.get(f"{base_url}/login")
    policy = policy_of(first)

    nonce = re.fullmatch(r"'nonce-(.+)'", policy["script-src"][1]).group(1)
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'", "'strict-dynamic'"]
    assert policy["connect-src"] == ["'self'", api_url]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy_of(second)["script-src"][1] != f"'nonce-{nonce}'"
    scripts = re.findall(r"<script\b[^>]*>", first.text())
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assert first.headers["x-content-type-options"] == "nosniff"
    assert first.headers["x-frame-options"] == "DENY"


def test_the_app_runs_under_its_policy(page, user):
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, user)
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    assert page.evaluate("window.__cspViolations") == []


def test_an_injected_script_does_not_run(page, base_url):
    # What a stored XSS would do: an inline script in the page's HTML, without the nonce.
    def inject(route):
        response = route.fetch()
        html = response.text()
        assert html.count("</body>") == 1
        injected = html.replace("</body>", "<script>window.__injected = true</script></body>")
        route.fulfill(response=response, body=injected)

    page.add_init_script(RECORD_VIOLATIONS)
    page.route(f"{base_url}/login", inject)
    page.goto("/login")

    violations = page.evaluate(
        """() => window.__cspViolations.length ? window.__cspViolations : new Promise((resolve) =>
          document.addEventListener(
            "securitypolicyviolation", () => resolve(window.__cspViolations), {once: true}))"""
    )
    assert violations and violations[0].startswith("script-src"), violations
    assert page.evaluate("window.__injected") is None
    expect(page.get_by_label("Email")).to_be_visible()  # the app itself still runs


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def test_the_api_docs_work_under_the_apis_policy(page, api_url):
    page.add_init_script(RECORD_VIOLATIONS)
    errors = console_errors(page)
    response = page.goto(f"{api_url}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI has started, fetched the schema and listed the operations.
    expect(page.locator('.opblock-summary-path[data-path="/api/auth/login/"]')).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_admin_login_works_under_the_apis_policy(page, api_url):
    page.add_init_script(RECORD_VIOLATIONS)
    errors = console_errors(page)
    response = page.goto(f"{api_url}/admin/login/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    expect(page.get_by_label("Email address")).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_a_browsers_prefetch_of_a_page_carries_the_policy(page, base_url):
    # A speculative prefetch (a <link rel=prefetch>, the Speculation Rules API) is a document the
    # browser may display later: it needs the policy. Only the router's own RSC prefetches skip
    # the proxy (they carry no HTML to run).
    for headers in ({"Purpose": "prefetch"}, {"Sec-Purpose": "prefetch"}):
        response = page.request.get(f"{base_url}/login", headers=headers)
        assert response.ok, headers
        nonce = re.fullmatch(r"'nonce-(.+)'", policy_of(response)["script-src"][1]).group(1)
        assert f'nonce="{nonce}"' in response.text(), headers

    router_prefetch = {"Next-Router-Prefetch": "1", "RSC": "1"}
    router = page.request.get(f"{base_url}/login", headers=router_prefetch)
    assert router.ok
    assert "content-security-policy" not in router.headers
