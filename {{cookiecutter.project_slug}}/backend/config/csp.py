"""A Content-Security-Policy on every response of the API.

The API's own HTML (the admin, /api/docs/ when public) may load scripts, styles and images from
the API's origin only: an injected <script> or a script from elsewhere does not run. Swagger UI
is served in its CSP-friendly form, its start-up script a file (SpectacularSwaggerSplitView);
inline styles stay allowed, as the admin and Swagger UI set some. Everything else (JSON) may
load nothing at all and be framed by nobody.
"""

HTML_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
OTHER_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def content_security_policy(get_response):
    def middleware(request):
        response = get_response(request)
        html = response.get("Content-Type", "").startswith("text/html")
        response.headers.setdefault(
            "Content-Security-Policy", HTML_POLICY if html else OTHER_POLICY
        )
        return response

    return middleware
