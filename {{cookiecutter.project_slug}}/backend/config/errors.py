"""Every error is JSON with a `detail` string, from DRF views and from Django alike."""

from django.http import JsonResponse
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
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
