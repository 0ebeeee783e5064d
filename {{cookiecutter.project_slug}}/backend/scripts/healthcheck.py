"""Health check of the API in a container: exit 0 when GET /api/health/ answers 200.

Run by the image's HEALTHCHECK and the compose files. It asks the server on this host, port
$PORT (default 8000), under the first host name of DJANGO_ALLOWED_HOSTS: Django answers 400 to
any other. The endpoint answers 503 when the database does not, so this fails then too.
"""

import os
import sys
import urllib.request


def main() -> int:
    port = os.environ.get("PORT", "8000")
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")
    host = next((h.strip().lstrip(".") for h in hosts if h.strip() not in {"", "*"}), "localhost")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/health/", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (fixed http URL)
            return 0 if response.status == 200 else 1
    except OSError as error:  # refused, timed out, or an HTTP error status (HTTPError)
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
