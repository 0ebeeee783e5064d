"""`manage.py reset_two_factor EMAIL`: for a user who lost their authenticator app, their recovery
codes and their passkeys, after you have made sure who is asking (README "Two-factor sign-in").
Removes every second factor; they sign in with the password alone, and enrol again (at once, if
their role requires two-factor). They get a mail saying so."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User, normalize_email
from accounts.two_factor import reset_two_factor


class Command(BaseCommand):
    help = "Remove a user's second factors (authenticator app, recovery codes, passkeys)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email=normalize_email(email)).first()
        if user is None:
            raise CommandError(f"No user with the address {email}.")
        reset_two_factor(user, by="manage.py")
        self.stdout.write(f"Two-factor reset for {user.email}.")
