"""What another site can make a signed-in browser do to the API: nothing that signs it out.

The foreign page is served from 127.0.0.1, another site than the app's localhost, so the
browser treats its requests as cross-site (SameSite=Lax keeps the cookies from its POSTs)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from helpers import cookie, sessions_of, sign_in


@pytest.fixture
def foreign_site(api_url):
    """A page on another site with a form that POSTs (no fields) to the API's logout."""
    page = (
        "<!doctype html><title>Win a prize</title>"
        f'<form method="post" action="{api_url}/api/auth/logout/">'
        "<button>Claim your prize</button></form>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_foreign_sites_form_does_not_sign_the_user_out(page, context, user, foreign_site):
    sign_in(page, user)
    refresh = cookie(context, "refresh")["value"]

    page.goto(foreign_site)
    with page.expect_navigation():
        page.get_by_role("button", name="Claim your prize").click()

    # The browser kept its cookies, the session lives, and the app still knows the user.
    assert cookie(context, "refresh")["value"] == refresh
    assert cookie(context, "access") is not None
    assert sessions_of(user)[0].revoked_at is None
    page.goto("/dashboard")
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
