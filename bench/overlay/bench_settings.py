"""Copied by bench/run.py into the baked project's backend/: its settings, unchanged, plus the
benchmark's URLs (the unauthenticated ceiling) and, for the token-preparation phase only
(BENCH_FAST_HASHER=1, never the measured server) and the soak test's server (bench/soak.py), a
cheap password hasher."""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"

if os.environ.get("BENCH_FAST_HASHER") == "1":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
