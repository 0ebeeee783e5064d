from django.apps import apps
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
