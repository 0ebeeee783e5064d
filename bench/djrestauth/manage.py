#!/usr/bin/env python
"""The dj-rest-auth baseline's manage.py (the benchmark runs it with the baked project's
virtualenv, dj-rest-auth on PYTHONPATH)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djrestauth.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
