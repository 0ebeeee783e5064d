"""The pre-generation hook rejects bad answers; the post-generation hook writes backend/.env
and leaves the optional parts (the example app, open sign-up) out when asked to."""

import ast
import re

import pytest
from cookiecutter.exceptions import FailedHookException

from optional_parts import (
    API_DIR,
    API_TYPES,
    MARKER,
    answers_for,
    api_types_file,
    every_choice,
    example_app_files,
    signup_files,
)
from template_copy import ROOT, TEMPLATE_DIR

BAD_ANSWERS = [
    ({"project_slug": "My Project"}, "project_slug 'My Project'"),
    ({"project_slug": "1abc"}, "project_slug '1abc'"),
    ({"project_slug": "abc_"}, "project_slug 'abc_'"),
    ({"project_slug": "ab/c"}, "project_slug 'ab/c'"),
    ({"project_slug": "-abc"}, "project_slug '-abc'"),
    ({"project_slug": "abc-"}, "project_slug 'abc-'"),
    ({"project_slug": "Abc"}, "project_slug 'Abc'"),
    ({"api_port": "80"}, "api_port must be between 1024 and 65535"),
    ({"web_port": "70000"}, "web_port must be between 1024 and 65535"),
    ({"api_port": "http"}, "api_port must be a whole number"),
    ({"api_port": "3000", "web_port": "3000"}, "api_port and web_port must differ"),
    ({"access_token_lifetime_minutes": "0"}, "access_token_lifetime_minutes must be at least 1"),
    ({"access_token_lifetime_minutes": "-5"}, "access_token_lifetime_minutes must be a whole"),
    ({"refresh_token_lifetime_days": "1.5"}, "refresh_token_lifetime_days must be a whole"),
    ({"refresh_token_lifetime_days": "0"}, "refresh_token_lifetime_days must be at least 1"),
    (
        {"access_token_lifetime_minutes": "1440", "refresh_token_lifetime_days": "1"},
        "access token lifetime (1440 minutes) must be shorter",
    ),
    ({"email": "not-an-email"}, "email 'not-an-email'"),
    ({"email": "a b@example.com"}, "email 'a b@example.com'"),
    ({"domain_name": "localhost"}, "domain_name 'localhost'"),
    ({"domain_name": "https://example.com"}, "domain_name 'https://example.com'"),
    ({"domain_name": "exa mple.com"}, "domain_name 'exa mple.com'"),
    ({"project_name": 'The "Best" Portal', "project_slug": "best"}, "project_name must not"),
    ({"description": "back\\slash"}, "description must not"),
]


@pytest.mark.parametrize(
    ("extra", "message"), BAD_ANSWERS, ids=[str(extra) for extra, _ in BAD_ANSWERS]
)
def test_bad_answers_stop_generation(bake, tmp_path, capfd, extra, message):
    with pytest.raises(FailedHookException):
        bake(**extra)
    err = capfd.readouterr().err
    assert message in err
    error_lines = [line for line in err.splitlines() if line.startswith("ERROR: ")]
    assert len(error_lines) == 1, err  # one problem, one line
    # Nothing generated. (A slug with a slash leaves the empty parent folder cookiecutter made
    # before the hook ran: cookiecutter only removes the project folder itself.)
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]
    if "/" not in extra.get("project_slug", ""):
        assert not any((tmp_path / "bake0").iterdir())


def test_every_problem_is_reported(bake, capfd):
    with pytest.raises(FailedHookException):
        bake(project_slug="Bad Slug", api_port="1", email="nope", domain_name="nope")
    errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("ERROR: ")]
    assert len(errors) == 4, errors
    assert "docker compose" in errors[0]


@pytest.mark.parametrize(
    "extra",
    [
        {"project_slug": "a1"},
        {"project_slug": "my-portal-2", "api_port": "1024", "web_port": "65535"},
        {"access_token_lifetime_minutes": "1439", "refresh_token_lifetime_days": "1"},
        {"email": "first.last+tag@mail.example.co.uk", "domain_name": "my-app.example.io"},
    ],
    ids=str,
)
def test_good_answers_bake(bake, extra):
    project = bake(**extra)
    assert (project / "Makefile").is_file()
    if "project_slug" in extra:
        assert project.name == extra["project_slug"]


def test_default_slug_from_a_unicode_name_is_valid(bake):
    assert bake(project_name="Acmé Portal").name == "acme-portal"


def env_value(path, name):
    match = re.search(rf"^{name}=(.*)$", path.read_text(), flags=re.MULTILINE)
    assert match, f"{name} missing from {path}"
    return match.group(1)


KEYS = ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY")


def without_key(path):
    return re.sub(rf"^({'|'.join(KEYS)})=.*$", "", path.read_text(), flags=re.MULTILINE)


def test_post_gen_hook_writes_env_with_fresh_secret_keys(bake, capfd):
    first, second = bake(), bake()
    out = capfd.readouterr().out
    assert "cd client-portal\n" in out and "make dev " in out
    assert "http://localhost:3000\n" in out and "http://localhost:8000/api/\n" in out

    keys = [env_value(project / "backend" / ".env", k) for project in (first, second) for k in KEYS]
    assert all(len(key) >= 50 for key in keys), keys
    assert len(set(keys)) == 4  # each key fresh, in each project
    assert (first / "backend" / ".env").stat().st_mode & 0o077 == 0  # private to the owner
    for project in (first, second):
        assert all(env_value(project / "backend" / ".env.example", k) == "" for k in KEYS)
        # Apart from the key, .env is the example.
        assert without_key(project / "backend" / ".env") == without_key(
            project / "backend" / ".env.example"
        )


# --- example_app: the example resource (support requests), kept or left out --------------------


def marked_lines(project) -> list[str]:
    """Lines anywhere in the project that still carry an optional part's marker."""
    found = []
    for path in project.rglob("*"):
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if MARKER.search(line):
                found.append(f"{path.relative_to(project)}:{number}: {line}")
    return found


def installed_apps(project) -> list[str]:
    """INSTALLED_APPS of the project's settings, read without importing Django."""
    tree = ast.parse((project / "backend/config/settings.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["INSTALLED_APPS"]:
            return ast.literal_eval(node.value)
    raise AssertionError("no INSTALLED_APPS")


def python_files_parse(project) -> None:
    for path in (project / "backend").rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_example_app_is_in_by_default(bake):
    project = bake()
    assert (project / "backend/support/views.py").is_file()
    assert list((project / "backend/tests").glob("test_support_*.py"))
    assert "support" in installed_apps(project)
    urls = (project / "backend/config/urls.py").read_text()
    assert '    path("api/support/", include("support.urls")),\n' in urls
    assert '"/api/support/requests/"' in (project / API_TYPES).read_text()
    assert list((project / API_DIR).glob("schema.*.d.ts")) == []
    assert marked_lines(project) == []
    python_files_parse(project)


def test_without_the_example_app_nothing_of_it_is_left(bake):
    project = bake(example_app="n")
    left = [
        str(path.relative_to(project))
        for pattern in example_app_files()
        for path in project.glob(pattern)
    ]
    assert left == []
    assert "support" not in installed_apps(project)
    mentions = [
        f"{path.relative_to(project)}: {line.strip()}"
        for path in (project / "backend").rglob("*.py")
        for line in path.read_text().splitlines()
        if re.search(r"\bsupport\b", line, re.IGNORECASE)
    ]
    assert mentions == []
    api_types = (project / API_TYPES).read_text()
    assert "/api/support/" not in api_types and '"/api/users/"' in api_types
    assert list((project / API_DIR).glob("schema.*.d.ts")) == []
    assert marked_lines(project) == []
    python_files_parse(project)  # what the marked lines leave is still Python
    # The rest of the project is as it is with the example app.
    kept = bake(example_app="y")
    assert (project / "backend/accounts/roles.py").read_text() == (
        kept / "backend/accounts/roles.py"
    ).read_text()


def test_the_example_apps_files_are_listed_in_the_hook():
    patterns = example_app_files()
    template = ROOT / TEMPLATE_DIR
    assert "backend/support" in patterns
    # Each pattern names something the template has (the web client's may come later).
    for pattern in patterns:
        if pattern.startswith("backend/"):
            assert list(template.glob(pattern)), pattern


# --- signup: open sign-up with address verification, or invitations only ------------------------


def test_invite_only_by_default_leaves_nothing_of_open_sign_up(bake):
    project = bake()
    left = [
        str(p.relative_to(project)) for pattern in signup_files() for p in project.glob(pattern)
    ]
    assert left == []
    urls = (project / "backend/accounts/urls.py").read_text()
    assert "signup" not in urls
    assert '"/api/auth/signup/"' not in (project / API_TYPES).read_text()
    assert '"/api/auth/password-reset/"' in (project / API_TYPES).read_text()
    assert marked_lines(project) == []
    python_files_parse(project)


def test_open_sign_up_keeps_its_files_and_lines(bake):
    project = bake(signup="open")
    assert (project / "backend/accounts/signup.py").is_file()
    assert (project / "backend/tests/test_signup.py").is_file()
    assert (project / "backend/templates/emails/verify_email.txt").is_file()
    urls = (project / "backend/accounts/urls.py").read_text()
    assert '"signup/"' in urls and "# signup" not in urls
    assert '"/api/auth/signup/"' in (project / API_TYPES).read_text()
    assert "/api/support/" in (project / API_TYPES).read_text()  # the example app's too
    assert marked_lines(project) == []
    python_files_parse(project)
    # Apart from its own lines and files, the project is the same.
    invite = bake()
    assert (project / "backend/accounts/models.py").read_text() == (
        invite / "backend/accounts/models.py"
    ).read_text()


def test_the_signup_files_are_listed_in_the_hook():
    template = ROOT / TEMPLATE_DIR
    for pattern in signup_files():
        if pattern.startswith("backend/"):
            assert list(template.glob(pattern)), pattern


@pytest.mark.parametrize("kept", every_choice(), ids=lambda kept: str(answers_for(kept)))
def test_each_combination_gets_its_own_api_types(bake, kept):
    template = ROOT / TEMPLATE_DIR
    source = (template / api_types_file(kept)).read_text()
    project = bake(**answers_for(kept))
    assert (project / API_TYPES).read_text() == source
    assert ('"/api/support/requests/"' in source) == kept["example_app"]
    assert ('"/api/auth/signup/"' in source) == kept["signup"]
