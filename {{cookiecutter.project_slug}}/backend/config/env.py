"""Reading settings from the environment: typed, validated, with errors that say what to fix."""

import os
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def is_low_entropy(value: str) -> bool:
    """True for keys anyone could guess or reproduce: short, few distinct characters, or a
    repeated pattern ('12345' * 10), where few of the 4-character windows differ."""
    windows = {value[i : i + 4] for i in range(len(value) - 3)}
    return (
        len(value) < 50
        or len(set(value)) < 10
        or len(windows) < 0.9 * (len(value) - 3)
        or value.startswith("django-insecure")
    )


LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def untrusted_web_origin(origins: list[str], *, local_trial: bool) -> str | None:
    """What is wrong with WEB_ORIGIN for production, or None: every origin must be https, or
    http on this machine for a local trial."""
    if not origins:
        return "WEB_ORIGIN must be set when DJANGO_DEBUG is off."
    for origin in origins:
        parts = urlsplit(origin)
        local = parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
        if parts.scheme != "https" and not (local_trial and local):
            return (
                f"WEB_ORIGIN must be https:// when DJANGO_DEBUG is off, not {origin!r} (for a "
                "trial on this machine over http://localhost, also set LOCAL_TRIAL=1)."
            )
    return None


def cookie_name(name: str, *, secure: bool, domain: str | None, path: str = "/") -> str:
    """`name` with the prefix the browser enforces, so no other site on the domain can set or
    overwrite the cookie: `__Host-` where its rules allow (Secure, Path=/, no Domain), else
    `__Secure-`; none over plain-http development (the browser would refuse both)."""
    if not secure:
        return name
    return ("__Host-" if path == "/" and not domain else "__Secure-") + name


EMAIL_SCHEMES = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",  # STARTTLS, usually port 587
    "smtps": "django.core.mail.backends.smtp.EmailBackend",  # TLS from the start, usually 465
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def email_settings(url: str) -> dict:
    """Django's EMAIL_* settings from one URL: smtp://user:password@host:port (smtp+tls://,
    smtps://), console:// (mails printed to the log) or locmem:// (kept in memory, for tests).
    User and password are percent-decoded."""
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with one of {', '.join(f'{s}://' for s in EMAIL_SCHEMES)}"
        )
    settings = {"EMAIL_BACKEND": EMAIL_SCHEMES[parts.scheme]}
    if parts.scheme.startswith("smtp"):
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured("EMAIL_URL has an invalid port") from None
        settings.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=port or {"smtps": 465, "smtp+tls": 587}.get(parts.scheme, 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_TLS=parts.scheme == "smtp+tls",
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_TIMEOUT=10,  # a mail server that hangs must not hold a worker for long
        )
    return settings
