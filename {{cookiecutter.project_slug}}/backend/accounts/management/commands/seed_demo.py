"""`manage.py seed_demo`: demo accounts, and each app's demo data, to try the portal out.

Creates a client and a staff member, or brings them back to the given email, password and role
when they exist; then calls `seed(users)` of every installed app that has a `demo` module, with
`users = {"client": User, "staff": User}`. Running it again adds nothing: each app's `seed` must
be idempotent too. A new app gets demo data by having a `demo.py` with that function.

Emails and the password (one for both): the options, else DEMO_CLIENT_EMAIL, DEMO_STAFF_EMAIL
and DEMO_PASSWORD, else the defaults below; printed at the end. Accounts with known passwords
have no place in production: with DEBUG off it refuses unless --force.
"""

import os
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from accounts.models import User, normalize_email
from accounts.two_factor import setup_required

DEFAULT_PASSWORD = "demo-portal-password"  # noqa: S105  (printed: it is meant to be known)
ACCOUNTS = {
    # key in `users`: (role, name, default email)
    "client": (User.Role.CLIENT, "Casey Client", "client@example.com"),
    "staff": (User.Role.STAFF, "Sam Staff", "staff@example.com"),
}


class Command(BaseCommand):
    help = "Create (or reset) a demo client and staff member, then each app's demo data."

    def add_arguments(self, parser):
        for key, (_, _, email) in ACCOUNTS.items():
            parser.add_argument(
                f"--{key}-email", help=f"Default: DEMO_{key.upper()}_EMAIL, else {email}."
            )
        parser.add_argument(
            "--password", help=f"Both accounts'. Default: DEMO_PASSWORD, else {DEFAULT_PASSWORD}."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (not in production!)."
        )

    def handle(self, *args, password=None, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: demo accounts have known passwords. Use --force to seed anyway."
            )
        password = password or os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            users = {key: self.demo_user(key, options, password) for key in ACCOUNTS}
            for app_config in apps.get_app_configs():
                if module_has_submodule(app_config.module, "demo"):
                    import_module(f"{app_config.name}.demo").seed(users)
                    self.stdout.write(f"Demo data of {app_config.label}: done.")
        for key, user in users.items():
            enrol = " (asked to set up two-factor at sign-in)" if setup_required(user) else ""
            self.stdout.write(f"{key}: {user.email} / {password}{enrol}")

    def demo_user(self, key: str, options: dict, password: str) -> User:
        role, name, default_email = ACCOUNTS[key]
        email = normalize_email(
            options[f"{key}_email"] or os.environ.get(f"DEMO_{key.upper()}_EMAIL") or default_email
        )
        user = User.objects.filter(email=email).first() or User(email=email, name=name)
        user.role, user.is_active = role, True
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(f"The {key}'s password: {' '.join(exc.messages)}") from exc
        if not user.check_password(password):  # unchanged, the user's sessions stay
            user.set_password(password)
        user.save()
        return user
