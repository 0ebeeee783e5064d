"""The option combinations every bake test runs with, and the answers they lead to."""

import json

from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

from template_copy import ROOT

COMBINATIONS = {
    "defaults": {},
    # Changes every option of cookiecutter.json (test_render checks it stays that way).
    "custom": {
        "project_name": "Acmé Portal",
        "project_slug": "acme-portal",
        "description": "Where Acmé customers follow their orders.",
        "author_name": "Zoë Acmé",
        "email": "dev@acme.test",
        "domain_name": "portal.acme.test",
        "api_port": "8123",
        "web_port": "3123",
        "access_token_lifetime_minutes": "5",
        "refresh_token_lifetime_days": "2",
        "example_app": "n",
        "signup": "open",
    },
}


def options() -> dict:
    """The questions of cookiecutter.json with their raw defaults (private keys left out)."""
    raw = json.loads((ROOT / "cookiecutter.json").read_text())
    return {key: value for key, value in raw.items() if not key.startswith("_")}


def answers(name: str) -> dict:
    """Every answer of a combination, rendered the way cookiecutter renders them."""
    context = generate_context(
        context_file=str(ROOT / "cookiecutter.json"), extra_context=COMBINATIONS[name]
    )
    return dict(prompt_for_config(context, no_input=True))
