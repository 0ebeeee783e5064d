"""Prometheus: how long each request took, per view; and GET /metrics, to read it all.

`request_metrics`, the first middleware, times every request and counts its response by view
(the URL's name) and method, under django-prometheus's metric names so that dashboards made for
it work. Two updates per request, about 6 µs of CPU under gunicorn (multiprocess mode): its
middleware pair makes a dozen or so, about 50 µs (a twentieth of an authenticated request).

It also answers GET /metrics itself, before Django checks the Host header and redirects to
https: Prometheus scrapes each replica by its address (a pod's IP, a container's name), which
DJANGO_ALLOWED_HOSTS does not list, over plain http inside the cluster. Outside /api/, so a proxy
that routes only /api/, /admin/ and /static/ never exposes it; and a 404 to anyone without
`Authorization: Bearer <METRICS_TOKEN>` (always, when it is unset), so it does not even show that
it exists. Not a URL of config/urls.py, so not in the OpenAPI schema either.

Under gunicorn (gunicorn.conf.py) every worker writes its metrics to files in
PROMETHEUS_MULTIPROC_DIR, and /metrics adds up those of all the workers: one scrape, the whole
replica. Without it (runserver, tests): the one process's own metrics.
"""

import hmac
import os
from time import perf_counter

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from .errors import not_found

# Seconds; finer than Prometheus's default buckets at the short end, where most requests are.
LATENCY_BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

LATENCY = Histogram(
    "django_http_requests_latency_seconds_by_view_method",
    "Time to answer a request, all middleware included, by view (URL name) and method.",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)
RESPONSES = Counter(
    "django_http_responses_total_by_status_view_method",
    "Responses by status, view (URL name) and method.",
    ["status", "view", "method"],
)


def request_metrics(get_response):
    def middleware(request):
        if request.path_info == "/metrics":
            return metrics(request)
        start = perf_counter()
        response = get_response(request)
        match = request.resolver_match
        view = (match and match.view_name) or "<unnamed view>"
        # Any other method (anyone can send any) would be a new series each.
        method = request.method if request.method in METHODS else "<invalid method>"
        LATENCY.labels(view, method).observe(perf_counter() - start)
        RESPONSES.labels(str(response.status_code), view, method).inc()
        return response

    return middleware


def metrics(request):
    if not _authorized(request):
        return not_found(request)
    if request.method not in {"GET", "HEAD"}:
        return JsonResponse({"detail": "Method not allowed."}, status=405)
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


def _authorized(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    # Constant time: how much of a guess was right must not show in the answer's timing.
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def _registry():
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry
