"""Settings for the whole backend, read from the environment.

Every variable is documented in `.env.example`. A `.env` file beside `manage.py` is loaded
first when present; variables already set in the real environment win over it.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from .env import (
    cookie_name,
    email_settings,
    env_bool,
    env_int,
    env_list,
    is_low_entropy,
    untrusted_web_origin,
)

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)

# --- Core ---------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)


def secret(name: str, development_value: str) -> str:
    """A key from the environment. With DEBUG off it must be long and random: we refuse to
    start otherwise (Django's deploy check, security.W009, only warns), since a weak key lets
    anyone forge sessions or tokens."""
    value = os.environ.get(name, "")
    if DEBUG and not value:
        return development_value
    if not DEBUG and is_low_entropy(value):
        raise ImproperlyConfigured(
            f"{name} must be set to a long random value when DJANGO_DEBUG is off (at least 50 "
            "characters, no repeated pattern). `make install` writes one to backend/.env; "
            "generate another with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return value


# Django's own signing: the admin's sessions, CSRF, password reset links. To rotate it without
# signing anyone out, move the old value to DJANGO_SECRET_KEY_FALLBACKS (comma-separated).
SECRET_KEY = secret(
    "DJANGO_SECRET_KEY", "django-insecure-development-only-key-never-use-in-production"
)
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", "")
# Signs the JWTs, and only them: rotating one key never breaks what the other signs. A new
# JWT_SIGNING_KEY signs everyone out (their tokens no longer verify).
JWT_SIGNING_KEY = secret("JWT_SIGNING_KEY", "development-only-jwt-signing-key-never-in-production")
if not DEBUG and JWT_SIGNING_KEY in {SECRET_KEY, *SECRET_KEY_FALLBACKS}:
    raise ImproperlyConfigured("JWT_SIGNING_KEY must differ from DJANGO_SECRET_KEY.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

# --- This project's own settings ----------------------------------------------------------------
# Not Django's nor a library's: what accounts/ and config/ read (each comment names where). Each
# comes from the environment variable of the same name (WEB_ORIGIN for WEB_ORIGINS), documented
# in .env.example. JWT_SIGNING_KEY, above, is one of them too.

# Token lifetimes in seconds (accounts/tokens.py; simplejwt's ACCESS_TOKEN_LIFETIME and
# REFRESH_TOKEN_LIFETIME are not used). The refresh lifetime is the idle timeout: each rotation
# renews it, up to SESSION_MAX_LIFETIME after login (accounts/device_sessions.py).
JWT_ACCESS_TOKEN_LIFETIME = env_int("JWT_ACCESS_TOKEN_LIFETIME", {{ cookiecutter.access_token_lifetime_minutes|int * 60 }})
JWT_REFRESH_TOKEN_LIFETIME = env_int("JWT_REFRESH_TOKEN_LIFETIME", {{ cookiecutter.refresh_token_lifetime_days|int * 86400 }})
SESSION_MAX_LIFETIME = env_int("SESSION_MAX_LIFETIME", 30 * 86400)
# A rotated refresh token presented again within this window gets its unused successor once more
# (accounts/rotation.py): long enough for a restarted server to answer a retry, short enough to
# leave a thief little time (Okta's grace period defaults to 30 s as well).
REFRESH_REUSE_GRACE_SECONDS = env_int("REFRESH_REUSE_GRACE_SECONDS", 30)
# How long each process trusts an access token it accepted without asking the database again
# (accounts/auth_cache.py). Revocations reach every process at once through Redis; this bounds
# only changes made behind the models' back and, without Redis, how late the other worker
# processes of one server learn of a revocation. 0: check every request in full.
AUTH_CACHE_SECONDS = env_int("AUTH_CACHE_SECONDS", 60 if os.environ.get("REDIS_URL") else 5)

# Login throttling (accounts/throttles.py, README "Login throttling"). Attempts per client IP,
# whatever the account; then failed attempts only, forgotten on success: per account and client
# IP, and per account from addresses it never signed in from, each followed by a backoff that
# doubles from 1 s up to 15 min.
LOGIN_THROTTLE_RATE = os.environ.get("LOGIN_THROTTLE_RATE", "10/min")
LOGIN_FAILURES_PER_CLIENT = env_int("LOGIN_FAILURES_PER_CLIENT", 5)
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 50)
# The other endpoints anyone may call (password reset, sign-up, confirmation links;
# accounts/throttles.py): requests to each per client IP, and per email address they are about.
ACCOUNT_IP_RATE = os.environ.get("ACCOUNT_IP_RATE", "30/hour")
ACCOUNT_EMAIL_RATE = os.environ.get("ACCOUNT_EMAIL_RATE", "5/hour")
# How long the link that confirms a new email address works, in seconds (accounts/email_change.py).
EMAIL_CHANGE_LIFETIME = env_int("EMAIL_CHANGE_LIFETIME", 86400)
# How long the link that confirms a new account's address works, in seconds.  # signup
SIGNUP_VERIFICATION_LIFETIME = env_int("SIGNUP_VERIFICATION_LIFETIME", 3 * 86400)  # signup

# Two-factor sign-in (accounts/two_factor.py, accounts/passkeys.py; README "Two-factor sign-in").
# The roles whose users must have a second factor (an authenticator app or a passkey): until
# they add one, they can do nothing but add one. Comma-separated; empty: nobody must.
TWO_FACTOR_REQUIRED_ROLES = env_list("TWO_FACTOR_REQUIRED_ROLES", "staff,admin")
# How long, in seconds, the second step of a sign-in may take after the password.
SECOND_FACTOR_LIFETIME = env_int("SECOND_FACTOR_LIFETIME", 300)
# Wrong codes one second step accepts before the password must be given again.
SECOND_FACTOR_MAX_FAILURES = env_int("SECOND_FACTOR_MAX_FAILURES", 5)
# Step-up (accounts/step_up.py): the sensitive actions (password, email, two-factor, passkeys,
# recovery codes, "log out everywhere") want a password, code or passkey given on this device
# within this many seconds.
REAUTH_WINDOW = env_int("REAUTH_WINDOW", 300)
# The security log users read (accounts/security_events.py): `manage.py flushexpired` deletes
# events older than this many days (0: never). Closing an account erases its events at once.
SECURITY_LOG_RETENTION_DAYS = env_int("SECURITY_LOG_RETENTION_DAYS", 180)

# Number of reverse proxies in front of the API whose X-Forwarded-For is trusted for the client
# IP (login throttling, device sessions, the security log; DRF's NUM_PROXIES below). 0: the
# socket's address, never the header. Required with DEBUG off (system check accounts.E002):
# behind a proxy, 0 would make every client share the proxy's address, so one login throttle.
NUM_PROXIES = env_int("NUM_PROXIES", -1)  # -1: not set

# The web client's origins: the only ones CORS allows (with credentials) and CSRF trusts.
WEB_ORIGINS = env_list("WEB_ORIGIN", "http://localhost:{{ cookiecutter.web_port }}" if DEBUG else "")
# Production settings over plain http, on this machine only (end-to-end tests, a trial run):
# with LOCAL_TRIAL=1 and DEBUG off, WEB_ORIGIN may be http://localhost (or 127.0.0.1).
LOCAL_TRIAL = env_bool("LOCAL_TRIAL", False)
# With DEBUG off, credentialed CORS and CSRF trust only what was set on purpose.
if not DEBUG and (problem := untrusted_web_origin(WEB_ORIGINS, local_trial=LOCAL_TRIAL)):
    raise ImproperlyConfigured(problem)

# Passkeys (WebAuthn, accounts/passkeys.py): the relying party is the web client's site, the
# host of the first WEB_ORIGIN unless set; only the WEB_ORIGIN origins may use them.
WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID") or (
    urlsplit(WEB_ORIGINS[0]).hostname if WEB_ORIGINS else "localhost"
)

# The cookies (accounts/cookies.py for the tokens'; the CSRF and admin session cookies below
# follow the same rules): Secure and with prefixed names, and on which domain (None: the API's
# own host only).
COOKIE_SECURE = env_bool("COOKIE_SECURE", not DEBUG)
COOKIE_DOMAIN = os.environ.get("COOKIE_DOMAIN") or None

# /api/schema/ and /api/docs/ (config/urls.py): public with DEBUG on, off (404) without unless
# set to 1.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", DEBUG)

# The project's name, as people read it: the API docs' title, the mails (accounts/mail.py).
PROJECT_NAME = "{{ cookiecutter.project_name }}"

# Mail (accounts/mail.py): EMAIL_URL names the server (config/env.py's email_settings: smtp://,
# smtp+tls://, smtps://, console://). Unset with DEBUG on, mails are printed to the API's log;
# with DEBUG off it must name an SMTP server, or the API refuses to start. Links in mails point
# at the first WEB_ORIGIN.
EMAIL_URL = os.environ.get("EMAIL_URL") or ("console://" if DEBUG else "")
if not DEBUG and not EMAIL_URL.startswith("smtp"):
    raise ImproperlyConfigured(
        "EMAIL_URL must name an SMTP server (smtp://, smtp+tls://, smtps://) when DJANGO_DEBUG "
        "is off: mails printed to a log would reach nobody."
    )
globals().update(email_settings(EMAIL_URL))  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT...
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL",
    f"{PROJECT_NAME} <noreply@{{ cookiecutter.domain_name }}>",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mails go out in a thread of their own after the request's transaction commits (0: within the
# request, as the backend tests want).
EMAIL_IN_BACKGROUND = env_bool("EMAIL_IN_BACKGROUND", True)

# How long an invitation's link works, in seconds (accounts/invitations.py): 7 days.
INVITATION_LIFETIME = env_int("INVITATION_LIFETIME", 7 * 86400)

# --- Django and its libraries -------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "accounts",
    "support",  # example_app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.csp.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],  # templates/emails/: the mails (accounts/mail.py)
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database and cache -------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so the read-then-write of a token rotation
        # (accounts/rotation.py) is serialised; concurrent writers wait up to `timeout` seconds
        # instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not SQLite's shared in-memory database, so tests against a live server see the
    # same locking as production.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, shared by every API process: the throttling counters (the cache) and the news of
# revoked sessions (accounts/revocations.py). With Redis down the API stays up: the counters
# are forgotten (throttling is off until it is back, config/cache.py) and each request asks the
# database whether its session still holds. Without REDIS_URL: one process (development).
REDIS_URL = os.environ.get("REDIS_URL", "")
REVOCATION_CHANNEL = "{{ cookiecutter.project_slug }}:auth:revoked"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            # Redis down or slow must not hold requests up.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Users and passwords ------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# New passwords are hashed with Argon2id (argon2-cffi), with Django's parameters: memory-hard,
# so guessing costs attackers memory as well as time (a GPU or ASIC gains far less than against
# PBKDF2); the Password Hashing Competition's winner and OWASP's first choice. The others only
# verify hashes made before, and each is rehashed with Argon2 at its user's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# --- API ----------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.CookieOrBearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Lists: `?page=`, `?page_size=` (config/pagination.py) and each view's FilterSet.
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "NUM_PROXIES": max(NUM_PROXIES, 0),
}

# simplejwt: the signing key and the token class authentication accepts. The lifetimes are
# JWT_ACCESS_TOKEN_LIFETIME and JWT_REFRESH_TOKEN_LIFETIME, above; accounts/rotation.py always
# rotates and blacklists (system check accounts.E001 needs the blacklist app); the views name
# their serializers.
SIMPLE_JWT = {
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "AUTH_TOKEN_CLASSES": ("accounts.tokens.SessionAccessToken",),
}

# --- Browser: CORS, CSRF, admin session cookie --------------------------------------------------

CORS_ALLOWED_ORIGINS = WEB_ORIGINS
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"
# Headers the web client may read besides the safelisted ones: how long to wait after a 429.
CORS_EXPOSE_HEADERS = ["Retry-After"]

CSRF_TRUSTED_ORIGINS = WEB_ORIGINS
# Prefixed names (config/env.py, cookie_name), as for the token cookies (accounts/cookies.py).
CSRF_COOKIE_NAME = cookie_name("csrftoken", secure=COOKIE_SECURE, domain=COOKIE_DOMAIN)
CSRF_COOKIE_SECURE = COOKIE_SECURE
CSRF_COOKIE_DOMAIN = COOKIE_DOMAIN
# The web client reads the token from GET /api/auth/csrf/, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
# The admin's session cookie: host-only, so always `__Host-` over https.
SESSION_COOKIE_NAME = cookie_name("sessionid", secure=COOKIE_SECURE, domain=None)
SESSION_COOKIE_SECURE = COOKIE_SECURE

# --- HTTPS and security headers -----------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Behind a TLS-terminating proxy (Caddy, an Ingress), which sets X-Forwarded-Proto and drops
    # the client's. Only then: with NUM_PROXIES 0 clients reach the API directly, and the header
    # would be theirs to fake.
    if NUM_PROXIES > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^api/health/$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 365 * 86400)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Metrics ------------------------------------------------------------------------------------

# GET /metrics (config/metrics.py) answers Prometheus when it brings this bearer token, and 404
# to anyone else; unset: always 404. Long and random with DEBUG off, as the keys above.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
if not DEBUG and METRICS_TOKEN and is_low_entropy(METRICS_TOKEN):
    raise ImproperlyConfigured(
        "METRICS_TOKEN must be a long random value (at least 50 characters), or unset."
    )
# First: it times each request, all middleware included, per view; and answers /metrics before
# the Host check and the https redirect, as Prometheus scrapes each replica by its address.
MIDDLEWARE = ["config.metrics.request_metrics", *MIDDLEWARE]
# gunicorn.conf.py makes prometheus_client's multiprocess directory; a manage.py command run with
# the same environment (the migration Job) must find one too.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)

# --- Static files, API docs, i18n ---------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG  # production serves what `collectstatic` gathered

SPECTACULAR_SETTINGS = {
    "TITLE": f"{PROJECT_NAME} API",
    "DESCRIPTION": "{{ cookiecutter.description }}",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are public: no authentication, so a stale cookie cannot 401 them.
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Fields of the same name with other choices: a name each.
    "ENUM_NAME_OVERRIDES": {
        "InvitationStatusEnum": "accounts.models.Invitation.Status",
        "StatusEnum": "support.models.SupportRequest.Status",  # example_app
    },
    # drf-spectacular's default hook, then ours: the 400/401/403 every operation can give.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.errors.document_errors",
    ],
    # Swagger UI from the sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Authentication events (accounts/security_log.py): route them to your log store.
        "accounts.security": {"level": "INFO"},
    },
}
