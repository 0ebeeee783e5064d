"""Copied by bench/stack.py into the baked project's backend/: its settings, unchanged, plus the
benchmark's URLs (the unauthenticated ceiling) and, for the token-preparation phase only
(BENCH_FAST_HASHER=1, never the measured server) and the soak test's server (bench/soak.py), a
cheap password hasher first: the configured ones stay behind it, so that `inproc.py users` can
hash the login user with the project's own default (PASSWORD_HASHERS[1])."""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"

if os.environ.get("BENCH_FAST_HASHER") == "1":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
