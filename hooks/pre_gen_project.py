"""Check the answers before anything is generated; exit 1 with one line per problem."""

import json
import re
import sys

# tojson escapes quotes, so this raw string stays valid whatever the answers contain.
answers = json.loads(r'{{ cookiecutter | tojson }}')  # fmt: skip
slug, email, domain = answers["project_slug"], answers["email"], answers["domain_name"]
ports = {name: answers[name] for name in ("api_port", "web_port")}
access = answers["access_token_lifetime_minutes"]
refresh = answers["refresh_token_lifetime_days"]
texts = {name: answers[name] for name in ("project_name", "description", "author_name")}

errors = []


def as_int(name, value):
    value = str(value).strip()
    if re.fullmatch(r"[0-9]+", value):
        return int(value)
    errors.append(f"{name} must be a whole number, not {value!r}")
    return None


if not re.fullmatch(r"[a-z][a-z0-9-]*[a-z0-9]", slug):
    errors.append(
        f"project_slug {slug!r} is invalid: it names the project directory and the docker "
        "compose project, so use lowercase letters, digits and hyphens, starting with a letter "
        "and not ending with a hyphen (e.g. client-portal)"
    )

port_numbers = {}
for name, value in ports.items():
    number = as_int(name, value)
    if number is not None and not 1024 <= number <= 65535:
        errors.append(f"{name} must be between 1024 and 65535, not {number}")
    elif number is not None:
        port_numbers[name] = number
if len(port_numbers) == 2 and port_numbers["api_port"] == port_numbers["web_port"]:
    errors.append(f"api_port and web_port must differ (both are {port_numbers['api_port']})")

minutes = as_int("access_token_lifetime_minutes", access)
days = as_int("refresh_token_lifetime_days", refresh)
if minutes == 0:
    errors.append("access_token_lifetime_minutes must be at least 1")
if days == 0:
    errors.append("refresh_token_lifetime_days must be at least 1")
if minutes and days and minutes >= days * 24 * 60:
    errors.append(
        f"the access token lifetime ({minutes} minutes) must be shorter than the refresh token "
        f"lifetime ({days} days = {days * 24 * 60} minutes)"
    )

if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]+", email):
    errors.append(f"email {email!r} does not look like an email address (e.g. you@example.com)")

label = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
if len(domain) > 253 or not re.fullmatch(rf"{label}(?:\.{label})+", domain, re.IGNORECASE):
    errors.append(f"domain_name {domain!r} does not look like a host name (e.g. example.com)")

# These end up inside Python and TOML string literals.
for name, value in texts.items():
    if '"' in value or "\\" in value or "\n" in value:
        errors.append(f"{name} must not contain double quotes, backslashes or newlines: {value!r}")
    elif not value.strip():
        errors.append(f"{name} must not be empty")

for error in errors:
    print(f"ERROR: {error}", file=sys.stderr)
sys.exit(1 if errors else 0)
