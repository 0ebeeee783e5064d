"""The benchmark's second baseline: a minimal Django project with dj-rest-auth in its
httpOnly-cookie JWT mode, configured as its guide "JWT & Cookie Authentication" does it
(docs/guides/jwt-cookies.md of dj-rest-auth 7.2):

- dj-rest-auth's JWTCookieAuthentication as DRF's authentication class;
- REST_AUTH: USE_JWT, the access and refresh tokens in the `access` and `refresh` cookies,
  httpOnly, SameSite=Lax (JWT_AUTH_SECURE off only because the benchmark speaks plain http);
  everything else dj-rest-auth's defaults (the refresh cookie's path "/", SESSION_LOGIN on,
  JWT_AUTH_COOKIE_USE_CSRF off: the guide relies on SameSite);
- SIMPLE_JWT: 15-minute access, 7-day refresh, ROTATE_REFRESH_TOKENS and
  BLACKLIST_AFTER_ROTATION (so the token_blacklist app), UPDATE_LAST_LOGIN;
- `rest_framework.authtoken` installed, as dj-rest-auth's installation page requires;
- its URLs under /dj-rest-auth/ (urls.py): login/, user/, token/refresh/ ...

Everything else is `startproject`'s defaults. Only the database, the cache and the server are
the project's, exactly as for bench/baseline: the same DATABASES construction (persistent
connections, health checks, the same SQLite pragmas) and CACHES from the same environment
variables, served by the same gunicorn command, with the same Django, DRF and simplejwt.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf import global_settings

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "rest_framework.authtoken",
    "dj_rest_auth",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "djrestauth.urls"
WSGI_APPLICATION = "djrestauth.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# The project's database and cache settings, verbatim (backend/config/settings.py).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The benchmark prepares its refresh tokens by signing in many times: with a cheap hasher for
# that phase only (the measured server keeps Django's default, PBKDF2). Django's own hashers
# stay behind it, so that `inproc.py users` hashes the login user with that default.
if os.environ.get("BENCH_FAST_HASHER") == "1":
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *global_settings.PASSWORD_HASHERS,
    ]

# --- dj-rest-auth's configuration (its JWT cookie guide) ----------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dj_rest_auth.jwt_auth.JWTCookieAuthentication",
    ],
}

REST_AUTH = {
    "USE_JWT": True,
    "JWT_AUTH_COOKIE": "access",
    "JWT_AUTH_REFRESH_COOKIE": "refresh",
    "JWT_AUTH_HTTPONLY": True,
    "JWT_AUTH_SECURE": False,  # the guide: True in production (here: plain http on 127.0.0.1)
    "JWT_AUTH_SAMESITE": "Lax",
    "JWT_AUTH_RETURN_EXPIRATION": True,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
}

STATIC_URL = "static/"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
