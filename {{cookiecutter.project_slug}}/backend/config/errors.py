"""Every error is JSON with a `detail` string, from DRF views and from Django alike."""

from django.http import JsonResponse
from rest_framework.exceptions import Throttled
from rest_framework.views import exception_handler

from accounts import metrics


def api_exception_handler(exc, context):
    if isinstance(exc, Throttled):
        metrics.count_throttled(context["request"])
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        # simplejwt lists which token classes it tried and why: internals, not for clients.
        response.data.pop("messages", None)
    if response is not None and not (isinstance(response.data, dict) and "detail" in response.data):
        # Validation errors come as {"field": ["message"]}: keep them under "errors".
        response.data = {"detail": _summary(response.data), "errors": response.data}
    return response


def _summary(errors) -> str:
    if isinstance(errors, dict) and errors:
        field, messages = next(iter(errors.items()))
        message = messages[0] if isinstance(messages, list) and messages else messages
        if isinstance(message, str):
            return message if field == "non_field_errors" else f"{field}: {message}"
    return "Invalid input."


def bad_request(request, exception=None):
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request, exception=None):
    return JsonResponse({"detail": "Permission denied."}, status=403)


def not_found(request, exception=None):
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request):
    return JsonResponse({"detail": "Server error."}, status=500)


def csrf_failure(request, reason=""):
    return JsonResponse({"detail": f"CSRF Failed: {reason}"}, status=403)


# --- The same errors in the OpenAPI schema ------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {},
            "description": "What is wrong with each field of the input.",
        },
    },
    "required": ["detail"],
}
ERRORS = {
    "400": "The input is not valid.",
    "401": "Not signed in, or the credentials or token are not valid.",
    "403": "The CSRF check failed (cookie-authenticated requests), or not allowed.",
    "404": "Not found: no such object (or not one you may see), or a page past the end.",
}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the errors it can give, as
    the handlers above shape them. 400 where there is a body or query parameters to validate;
    401 where there are credentials to check (a body of them, or authentication); 403 for every
    unsafe method, which the CSRF check guards whenever the browser's cookies come along; 404
    where the path names an object, or a `page` is asked for. Views document the rest (a 403 of
    a staff-only list, say)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for operations in result["paths"].values():
        for method, operation in operations.items():
            parameters = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
            statuses = []
            if "requestBody" in operation or any(where == "query" for where, _ in parameters):
                statuses.append("400")
            if method in {"post", "put", "patch", "delete"}:
                statuses += ["401", "403"]
            elif operation.get("security"):
                statuses.append("401")
            if any(where == "path" for where, _ in parameters) or ("query", "page") in parameters:
                statuses.append("404")
            for status in statuses:
                operation["responses"].setdefault(status, {"description": ERRORS[status], **error})
    return result
