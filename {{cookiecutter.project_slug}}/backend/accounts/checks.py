from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, register
from rest_framework_simplejwt.settings import api_settings

BLACKLIST_APP = "rest_framework_simplejwt.token_blacklist"


@register(Tags.security)
def rotation_needs_blacklist(app_configs=None, **kwargs):
    """simplejwt silently skips blacklisting when its app is missing, so a rotated refresh token
    would stay valid: refuse to start instead."""
    if api_settings.ROTATE_REFRESH_TOKENS and not apps.is_installed(BLACKLIST_APP):
        return [
            Error(
                "Refresh token rotation is on but the token blacklist app is not installed, "
                "so rotated refresh tokens would stay valid.",
                hint=f"Add {BLACKLIST_APP!r} to INSTALLED_APPS.",
                id="accounts.E001",
            )
        ]
    return []


@register(Tags.security)
def num_proxies_is_set(app_configs=None, **kwargs):
    """Behind a proxy, a NUM_PROXIES left at 0 makes every client share the proxy's address,
    and so one login throttle (anyone could lock everyone out); set too high, clients could
    choose their address. Production must say how many proxies there are."""
    if not settings.DEBUG and settings.NUM_PROXIES < 0:
        return [
            Error(
                "NUM_PROXIES is not set, and DJANGO_DEBUG is off.",
                hint="Set NUM_PROXIES to the number of reverse proxies in front of the API "
                "that append to X-Forwarded-For (0 if clients connect directly).",
                id="accounts.E002",
            )
        ]
    return []
