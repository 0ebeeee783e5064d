"""The deployment files of each baked project, checked offline against what they deploy.

deploy/kubernetes/: the production overlay rendered as kustomize renders it (a small equivalent
below, compared with `kubectl kustomize` when kubectl is installed), every manifest validated
against the schemas of Kubernetes KUBERNETES_VERSION (kubernetes-validate, strict), then held to
the Dockerfiles, the settings and the compose file: ports, user ids, probe paths, environment
variable names, commands and images. docker-compose.prod.yml and deploy/caddy/Caddyfile: one
public origin through Caddy, the API in replicas behind it.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from bake import bake_into
from combinations import COMBINATIONS, answers

# The oldest Kubernetes release still maintained upstream when this was written.
KUBERNETES_VERSION = "1.33.0"

API_PREFIXES = {"/api/", "/admin/", "/static/"}  # the contract: everything else goes to web
BASE = Path("deploy/kubernetes/base")
OVERLAY = Path("deploy/kubernetes/overlays/production")


@pytest.fixture(scope="module", params=COMBINATIONS)
def baked(request, template_copy, tmp_path_factory):
    """(project path, its answers) for each combination, baked once for this module."""
    project = bake_into(
        template_copy,
        tmp_path_factory.mktemp(f"deploy-{request.param}"),
        COMBINATIONS[request.param],
    )
    return project, answers(request.param)


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


# --- A small kustomize: what the kustomizations of deploy/kubernetes use, nothing more ------------


def is_named_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and "name" in i for i in value)


def merge(base, patch):
    """A strategic merge patch as kustomize applies it to the fields the overlay patches:
    mappings merged key by key, lists of named items (containers, env) merged by name, any other
    list replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        return {**base, **{k: merge(base[k], v) if k in base else v for k, v in patch.items()}}
    if is_named_list(base) and is_named_list(patch):
        patched = {item["name"]: item for item in patch}
        names = {item["name"] for item in base}
        return [merge(i, patched[i["name"]]) if i["name"] in patched else i for i in base] + [
            i for i in patch if i["name"] not in names
        ]
    return patch


def find(resources: list[dict], kind: str, name: str) -> dict:
    (found,) = [r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name]
    return found


def pod_spec(resource: dict) -> dict | None:
    spec = resource.get("spec", {})
    if resource["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec.get("template", {}).get("spec")


def containers(resource: dict, *, init: bool = True) -> list[dict]:
    spec = pod_spec(resource) or {}
    return spec.get("containers", []) + (spec.get("initContainers", []) if init else [])


def kustomize(directory: Path) -> list[dict]:
    kustomization = load_yaml(directory / "kustomization.yaml")
    known = {"apiVersion", "kind", "namespace", "resources", "images", "replicas", "patches"}
    assert set(kustomization) <= known, f"not handled here: {set(kustomization) - known}"
    resources: list[dict] = []
    for entry in kustomization.get("resources", []):
        path = directory / entry
        resources += kustomize(path) if path.is_dir() else load_documents(path)
    for entry in kustomization.get("patches", []):
        assert set(entry) == {"path"}, entry  # strategic merge patches from files only
        for patch in load_documents(directory / entry["path"]):
            target = find(resources, patch["kind"], patch["metadata"]["name"])
            resources[resources.index(target)] = merge(target, patch)
    for entry in kustomization.get("replicas", []):
        find(resources, "Deployment", entry["name"])["spec"]["replicas"] = entry["count"]
    for entry in kustomization.get("images", []):
        for resource in resources:
            for container in containers(resource):
                if container["image"].split(":")[0] == entry["name"]:
                    container["image"] = f"{entry['newName']}:{entry['newTag']}"
    if "namespace" in kustomization:
        for resource in resources:
            resource["metadata"]["namespace"] = kustomization["namespace"]
    return resources


def canonical(value):
    """Lists of named items in name order: kustomize puts patched items first."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        return sorted(items, key=lambda i: i["name"]) if is_named_list(items) else items
    return value


@pytest.fixture(scope="module")
def rendered(baked):
    project, _ = baked
    return kustomize(project / OVERLAY)


def test_the_small_kustomize_renders_as_kubectl_does(baked, rendered):
    if not shutil.which("kubectl"):
        pytest.skip("kubectl is not installed")
    project, _ = baked
    output = subprocess.run(
        ["kubectl", "kustomize", str(project / OVERLAY)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def key(resource):
        return resource["kind"], resource["metadata"]["name"]

    expected = sorted((canonical(r) for r in yaml.safe_load_all(output)), key=key)
    assert sorted((canonical(r) for r in rendered), key=key) == expected


# --- Schemas --------------------------------------------------------------------------------------


def test_every_manifest_is_valid_kubernetes(baked, rendered):
    project, _ = baked
    manifests = [
        *rendered,
        *kustomize(project / BASE),
        *load_documents(project / BASE / "secret.example.yaml"),
    ]
    kinds = {m["kind"] for m in manifests}
    assert kinds == {
        "ConfigMap",
        "Secret",
        "Deployment",
        "Service",
        "Ingress",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Job",
        "CronJob",
    }
    for manifest in manifests:
        try:
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{manifest['kind']} {manifest['metadata']['name']}: {error}")


def test_every_file_of_the_base_is_in_its_kustomization(baked):
    project, _ = baked
    listed = set(load_yaml(project / BASE / "kustomization.yaml")["resources"])
    files = {p.name for p in (project / BASE).glob("*.yaml")}
    assert files - listed == {"kustomization.yaml", "secret.example.yaml"}
    overlay = load_yaml(project / OVERLAY / "kustomization.yaml")
    files = {p.name for p in (project / OVERLAY).glob("*.yaml")} - {"kustomization.yaml"}
    assert files == {entry["path"] for entry in overlay["patches"]}


# --- What the manifests deploy, against the Dockerfiles and the settings --------------------------


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) of every instruction of a Dockerfile."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip()[:1] not in {"", "#"}]
    return [(line.split(" ", 1)[0].upper(), line.split(" ", 1)[1]) for line in lines]


def inherited(every: list[tuple[str, str]], keyword: str) -> list[str]:
    """The arguments of `keyword` in the last stage and the stages it derives from."""
    stages: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    body: list[tuple[str, str]] = []  # before the first FROM: global ARGs, not a stage's
    for keyword_, args in every:
        if keyword_ == "FROM":
            base, _, name = args.partition(" AS ")
            body = []
            stages[name.strip() or base] = (base.strip(), body)
        else:
            body.append((keyword_, args))
    found, stage = [], list(stages)[-1]
    while stage in stages:
        base, body = stages[stage]
        found = [a for k, a in body if k == keyword] + found
        stage = base
    return found


def image_facts(dockerfile: Path) -> dict:
    """What the default (last) stage of a Dockerfile runs: EXPOSE, the user and group ids, the
    CMD, and the names of its ENV (its own and those of the stages it is built FROM)."""
    every = instructions(dockerfile)
    args = dict(a.split("=", 1) for k, a in every if k == "ARG" and "=" in a)
    start = max(i for i, (keyword, _) in enumerate(every) if keyword == "FROM")

    def last(keyword):
        return [a for k, a in every[start:] if k == keyword][-1]

    user = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], last("USER"))
    uid, gid = (int(i) for i in user.split(":"))
    env = {pair.split("=", 1)[0] for line in inherited(every, "ENV") for pair in line.split()}
    return {
        "port": int(last("EXPOSE")),
        "uid": uid,
        "gid": gid,
        "cmd": json.loads(last("CMD")),
        "env": env,
    }


def settings_read(project: Path) -> str:
    config = project / "backend" / "config"
    return (config / "settings.py").read_text() + (config / "env.py").read_text()


def backend_images(project: Path) -> dict[str, str]:
    """Compose image name -> its Dockerfile's folder, from docker-compose.prod.yml."""
    services = load_yaml(project / "docker-compose.prod.yml")["services"]
    return {s["image"]: s["build"]["context"] for s in services.values() if "build" in s}


def workloads(resources: list[dict]) -> list[dict]:
    return [r for r in resources if pod_spec(r) is not None]


def test_containers_match_their_images(baked, rendered):
    project, a = baked
    slug = a["project_slug"]
    images = backend_images(project)
    assert images == {f"{slug}-backend": "backend", f"{slug}-web": "web"}
    overlay = load_yaml(project / OVERLAY / "kustomization.yaml")
    assert {entry["name"] for entry in overlay["images"]} == set(images)
    pushed = {f"{e['newName']}:{e['newTag']}": e["name"] for e in overlay["images"]}
    for workload in workloads(kustomize(project / BASE)):
        for container in containers(workload):
            assert container["image"] in images, container["image"]

    for workload in workloads(rendered):
        spec = pod_spec(workload)
        for container in containers(workload):
            image = pushed[container["image"]]  # every one retagged by the overlay
            facts = image_facts(project / images[image] / "Dockerfile")
            context = f"{workload['metadata']['name']}/{container['name']}"
            assert spec["securityContext"]["runAsUser"] == facts["uid"], context
            assert spec["securityContext"]["runAsGroup"] == facts["gid"], context
            assert [p["containerPort"] for p in container.get("ports", [])] in (
                [],
                [facts["port"]],
            ), context
            for variable in container.get("env", []):
                assert variable["name"] in facts["env"], f"{context}: {variable['name']}"


def test_the_api_and_web_servers_and_their_probes(baked, rendered):
    project, a = baked
    slug = a["project_slug"]
    api = find(rendered, "Deployment", f"{slug}-api")
    web = find(rendered, "Deployment", f"{slug}-web")
    (api_container,) = containers(api, init=False)
    (web_container,) = containers(web, init=False)

    # The API runs the image's CMD: gunicorn, a dependency of the backend.
    assert "command" not in api_container and "args" not in api_container
    backend = image_facts(project / "backend" / "Dockerfile")
    assert backend["cmd"][0] == "gunicorn"
    pyproject = (project / "backend" / "pyproject.toml").read_text()
    assert re.search(r'^\s*"gunicorn[>=<]', pyproject, re.MULTILINE)
    # The HPA owns the API's count; the overlay sets the web's.
    assert "replicas" not in api["spec"] and web["spec"]["replicas"] >= 2

    urls = (project / "backend" / "config" / "urls.py").read_text()
    config = find(rendered, "ConfigMap", f"{slug}-config")["data"]
    for container, port in ((api_container, backend["port"]), (web_container, None)):
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            get = container[probe]["httpGet"]
            (named,) = [p for p in container["ports"] if p["name"] == get["port"]]
            if container is api_container:
                assert get["path"] == "/api/health/" and named["containerPort"] == port
                assert 'path("api/health/", health' in urls
                # Django answers 400 to a Host it does not know.
                (host,) = [h["value"] for h in get["httpHeaders"] if h["name"] == "Host"]
                assert host in config["DJANGO_ALLOWED_HOSTS"].split(","), host
            else:
                page = get["path"].strip("/")
                pages = project / "web" / "src" / "app"
                found = [
                    p
                    for p in pages.rglob("page.tsx")
                    if "/".join(
                        part
                        for part in p.relative_to(pages).parent.parts
                        if not part.startswith("(")
                    )
                    == page
                ]
                assert found, f"no page at {get['path']}"
                assert "(signed-in)" not in str(found[0])  # answers 200 without a session


def test_migrations_and_housekeeping(baked, rendered):
    project, a = baked
    slug = a["project_slug"]
    compose = load_yaml(project / "docker-compose.prod.yml")["services"]
    (migrate,) = containers(find(rendered, "Job", f"{slug}-migrate"))
    assert migrate["command"] == compose["migrate"]["command"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    (housekeeping,) = containers(find(rendered, "CronJob", f"{slug}-housekeeping"))
    assert housekeeping["command"] == ["python", "manage.py", "flushexpired"]
    assert "manage.py flushexpired" in compose["housekeeping"]["command"][-1]
    commands = project / "backend" / "accounts" / "management" / "commands"
    assert (commands / "flushexpired.py").is_file()
    # New API pods wait until the Job has migrated.
    (wait,) = pod_spec(find(rendered, "Deployment", f"{slug}-api"))["initContainers"]
    assert "manage.py migrate --check" in wait["command"][-1]


def test_settings_come_from_the_configmap_and_the_secret(baked, rendered):
    project, a = baked
    slug, domain = a["project_slug"], a["domain_name"]
    read = settings_read(project)
    config = find(rendered, "ConfigMap", f"{slug}-config")
    (secret,) = load_documents(project / BASE / "secret.example.yaml")
    for name in [*config["data"], *secret["stringData"]]:
        assert re.search(rf"""["']{name}["']""", read), f"{name} is not read by the settings"
    # What production refuses to start without.
    assert {"DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "DATABASE_URL", "EMAIL_URL"} <= set(
        secret["stringData"]
    )
    assert "REDIS_URL" in secret["stringData"]  # shared by the replicas
    data = config["data"]
    assert data["DJANGO_DEBUG"] == "0" and data["NUM_PROXIES"] == "1"
    assert data["WEB_ORIGIN"] == f"https://{domain}"
    assert data["DJANGO_ALLOWED_HOSTS"].split(",")[0] == domain
    ingress = find(rendered, "Ingress", slug)
    assert [rule["host"] for rule in ingress["spec"]["rules"]] == [domain]
    assert ingress["spec"]["tls"][0]["hosts"] == [domain]

    for workload in workloads(rendered):
        for container in containers(workload):
            refs = {
                (kind, source[kind]["name"])
                for source in container.get("envFrom", [])
                for kind in source
            }
            expected = {
                ("configMapRef", config["metadata"]["name"]),
                ("secretRef", secret["metadata"]["name"]),
            }
            if workload["metadata"]["name"] == f"{slug}-web":
                expected = set()  # the web client's settings are in its bundle
            assert refs == expected, workload["metadata"]["name"]


def test_pods_are_locked_down_and_sized(rendered):
    for workload in workloads(rendered):
        spec = pod_spec(workload)
        name = workload["metadata"]["name"]
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        scratch = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for container in containers(workload):
            context = f"{name}/{container['name']}"
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, context
            assert security["allowPrivilegeEscalation"] is False, context
            assert security["capabilities"] == {"drop": ["ALL"]}, context
            resources = container["resources"]
            assert set(resources) == {"requests", "limits"}, context
            assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory"}
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert "/tmp" in mounts, context  # gunicorn's metrics, temporary files
            assert set(mounts.values()) <= scratch, context


def test_services_autoscaler_and_budgets_select_the_pods(baked, rendered):
    _, a = baked
    slug = a["project_slug"]
    for component in ("api", "web"):
        deployment = find(rendered, "Deployment", f"{slug}-{component}")
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"] == labels
        service = find(rendered, "Service", f"{slug}-{component}")
        assert service["spec"]["selector"] == labels
        (container,) = containers(deployment, init=False)
        port_names = {p["name"] for p in container["ports"]}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names
        budget = find(rendered, "PodDisruptionBudget", f"{slug}-{component}")
        assert budget["spec"]["selector"]["matchLabels"] == labels
    hpa = find(rendered, "HorizontalPodAutoscaler", f"{slug}-api")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", f"{slug}-api")
    assert hpa["spec"]["minReplicas"] >= 2  # the budget lets one go at a time


def test_ingress_routes_one_origin_and_never_metrics(baked, rendered):
    _, a = baked
    slug = a["project_slug"]
    ingress = find(rendered, "Ingress", slug)
    services = {
        s["metadata"]["name"]: {p["name"] for p in s["spec"]["ports"]}
        for s in rendered
        if s["kind"] == "Service"
    }
    routes = {}
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["port"]["name"] in services[backend["name"]]
            assert path["pathType"] == "Prefix"
            routes[path["path"]] = backend["name"]
    api = {path for path, service in routes.items() if service == f"{slug}-api"}
    assert api == API_PREFIXES
    assert routes == {**dict.fromkeys(API_PREFIXES, f"{slug}-api"), "/": f"{slug}-web"}
    # Prefix matching is by path element: /metrics is under none of the API's prefixes.
    assert not any("/metrics/".startswith(prefix) for prefix in api)


# --- docker-compose.prod.yml and the Caddyfile ----------------------------------------------------


def with_defaults(value: str) -> str:
    """A compose value with every ${NAME:-default} at its default."""
    while (resolved := re.sub(r"\$\{[A-Z_]+:-([^${}]*)\}", r"\1", value)) != value:
        value = resolved
    return value


def test_prod_compose_serves_one_origin_through_caddy(baked):
    project, a = baked
    domain, origin = a["domain_name"], f"https://{a['domain_name']}"
    compose = load_yaml(project / "docker-compose.prod.yml")
    services = compose["services"]
    # Only Caddy is reachable from outside; the API runs in replicas.
    published = {name for name, service in services.items() if "ports" in service}
    assert published == {"caddy"}
    assert services["caddy"]["ports"] == ["80:80", "443:443", "443:443/udp"]
    assert services["backend"]["deploy"]["replicas"] >= 2
    for name in ("db", "redis", "backend", "web", "caddy"):
        assert services[name]["healthcheck"]["test"], f"{name} has no health check"
        assert services[name]["restart"] == "unless-stopped", name
    assert services["caddy"]["depends_on"] == {
        "backend": {"condition": "service_healthy"},
        "web": {"condition": "service_healthy"},
    }
    for name in ("migrate", "housekeeping", "backend"):
        environment = {k: with_defaults(v) for k, v in services[name]["environment"].items()}
        assert environment["NUM_PROXIES"] == "1", name  # Caddy, and nothing else
        assert environment["WEB_ORIGIN"] == origin, name
        assert environment["DJANGO_ALLOWED_HOSTS"] == domain, name
    assert with_defaults(services["web"]["build"]["args"]["NEXT_PUBLIC_API_URL"]) == origin
    assert with_defaults(services["caddy"]["environment"]["SITE_DOMAIN"]) == domain
    caddyfile = "./deploy/caddy/Caddyfile:/etc/caddy/Caddyfile:ro"
    assert caddyfile in services["caddy"]["volumes"]
    assert (project / "deploy" / "caddy" / "Caddyfile").is_file()
    # The same images the Kubernetes overlay deploys.
    assert services["migrate"]["image"] == services["backend"]["image"]


def test_caddy_routes_the_api_prefixes_to_the_backend_replicas(baked):
    project, a = baked
    text = (project / "deploy" / "caddy" / "Caddyfile").read_text()
    (matcher,) = re.findall(r"^\s*@api path (.+)$", text, re.MULTILINE)
    assert {p.removesuffix("*") for p in matcher.split()} == API_PREFIXES
    assert re.search(r"reverse_proxy @api \{[^}]*name backend\s+port 8000", text)
    assert re.search(r"^\s*reverse_proxy web:3000", text, re.MULTILINE)
    assert "metrics" not in re.sub(r"#.*", "", text)
    assert f"{{$SITE_DOMAIN:{a['domain_name']}}}" in text
    healthcheck = load_yaml(project / "docker-compose.prod.yml")["services"]["caddy"]
    (health_url,) = [arg for arg in healthcheck["healthcheck"]["test"] if "://" in arg]
    assert health_url == "http://127.0.0.1:8080/healthz"

    if not shutil.which("caddy"):
        pytest.skip("caddy is not installed")
    result = subprocess.run(
        ["caddy", "adapt", "--config", "Caddyfile", "--adapter", "caddyfile"],
        cwd=project / "deploy" / "caddy",
        env={"SITE_DOMAIN": "portal.example.test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    servers = json.loads(result.stdout)["apps"]["http"]["servers"]
    site = next(s for s in servers.values() if ":443" in s["listen"])
    (route,) = site["routes"]
    assert route["match"] == [{"host": ["portal.example.test"]}]
    handlers = {}
    for sub in route["handle"][0]["routes"]:
        for handle in sub["handle"]:
            if handle["handler"] == "reverse_proxy":
                paths = tuple(sorted(sub.get("match", [{}])[0].get("path", [])))
                handlers[paths] = handle
    api = handlers[tuple(sorted(f"{p}*" for p in API_PREFIXES))]
    assert api["dynamic_upstreams"] == {
        "source": "a",
        "name": "backend",
        "port": "8000",
        "refresh": 5_000_000_000,
    }
    assert handlers[()]["upstreams"] == [{"dial": "web:3000"}]
    health = next(s for s in servers.values() if s["listen"] == [":8080"])
    assert health["routes"][0]["match"] == [{"path": ["/healthz"]}]
