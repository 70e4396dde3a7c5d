"""The generated Kubernetes manifests (deploy/k8s): each overlay renders with kubectl's own
kustomize, without a warning; every object is valid for Kubernetes KUBERNETES_VERSION (strict
schemas: no unknown fields); and the objects do what the answers promise."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.combinations import Combination, as_params, pairwise

# A released Kubernetes that kubernetes-validate ships schemas for (autoscaling/v2, policy/v1).
KUBERNETES_VERSION = "1.33.0"
# Outside CI a missing kubectl skips these tests; CI installs Debian's and sets this to fail.
REQUIRE_KUBECTL = os.environ.get("AI_APP_REQUIRE_KUBECTL") == "1"
OVERLAYS = ("dev", "prod")
NAMESPACES = {"dev": "ai-app-dev", "prod": "ai-app"}
SLUG = "ai-app"
COMBINATIONS = as_params(pairwise())

Manifest = dict[str, Any]


def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        message = "kubectl is not installed (Debian: apt-get install kubernetes-client)"
        if REQUIRE_KUBECTL:
            pytest.fail(message)
        pytest.skip(message)
    return found


def client_minor(binary: str) -> int:
    result = subprocess.run(
        [binary, "version", "--client", "-o", "json"], capture_output=True, text=True, check=True
    )
    return int(json.loads(result.stdout)["clientVersion"]["minor"].rstrip("+"))


def legacy_copy(k8s: Path, destination: Path) -> Path:
    """The manifests as kustomize v2.0 (kubectl <= 1.20, Debian bookworm's) reads them.

    The project lists its base directory under `resources`, as kustomize has since v2.1 (and
    warns about the old `bases`); v2.0 loads directories only through `bases`. The copy moves
    directory entries there and changes nothing else, so both render the same objects.
    """
    shutil.copytree(k8s, destination)
    for path in destination.rglob("kustomization.yaml"):
        kustomization = yaml.safe_load(path.read_text())
        entries = kustomization.get("resources", [])
        kustomization["bases"] = [e for e in entries if (path.parent / e).is_dir()]
        kustomization["resources"] = [e for e in entries if not (path.parent / e).is_dir()]
        path.write_text(yaml.safe_dump(kustomization))
    return destination


_renders: dict[tuple[Path, str], list[Manifest]] = {}


def render_overlay(project: Path, overlay: str) -> list[Manifest]:
    """`kubectl kustomize` of one overlay (rendered once per project): its objects."""
    key = (project, overlay)
    if key not in _renders:
        binary = kubectl()
        k8s = project / "deploy" / "k8s"
        if client_minor(binary) < 21:
            legacy = project.parent / f"{project.name}-k8s-legacy"
            k8s = legacy if legacy.exists() else legacy_copy(k8s, legacy)
        result = subprocess.run(
            [binary, "kustomize", str(k8s / "overlays" / overlay)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == "", f"kustomize warned: {result.stderr}"
        _renders[key] = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    return _renders[key]


def named(objects: list[Manifest], kind: str, name: str) -> Manifest | None:
    return next(
        (o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name),
        None,
    )


def generated(objects: list[Manifest], kind: str, name: str) -> Manifest:
    """A generated ConfigMap or Secret: kustomize appends a content hash to its name."""
    found = [
        o for o in objects if o["kind"] == kind and o["metadata"]["name"].rsplit("-", 1)[0] == name
    ]
    assert len(found) == 1, f"{kind} {name}"
    return found[0]


def workloads(objects: list[Manifest]) -> list[Manifest]:
    return [o for o in objects if o["kind"] in {"Deployment", "StatefulSet"}]


def container(workload: Manifest) -> Manifest:
    containers: list[Manifest] = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def secret_values(secret: Manifest) -> dict[str, str]:
    return {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}


@pytest.fixture
def overlays(
    rendered: Callable[[Combination], Path], combo: Combination
) -> dict[str, list[Manifest]]:
    project = rendered(combo)
    return {overlay: render_overlay(project, overlay) for overlay in OVERLAYS}


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_every_object_is_valid_kubernetes(
    overlays: dict[str, list[Manifest]], combo: Combination
) -> None:
    for overlay, objects in overlays.items():
        namespace = NAMESPACES[overlay]
        for obj in objects:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
            if obj["kind"] == "Namespace":
                assert obj["metadata"]["name"] == namespace
            else:
                assert obj["metadata"]["namespace"] == namespace, obj["metadata"]["name"]


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_answers_decide_the_objects(
    overlays: dict[str, list[Manifest]], combo: Combination
) -> None:
    store, ui = combo["vector_store"], combo["include_ui"] == "yes"
    for overlay, objects in overlays.items():
        dev = overlay == "dev"
        names = {(o["kind"], o["metadata"]["name"]) for o in objects}
        images = {container(w)["image"] for w in workloads(objects)}

        assert ("Namespace", NAMESPACES[overlay]) in names
        assert {("Deployment", "api"), ("Service", "api")} <= names
        assert {(kind, name) for kind, name in names if name == "ui"} == (
            {("Deployment", "ui"), ("Service", "ui")} if ui else set()
        )
        assert (("StatefulSet", "qdrant") in names) == (store == "qdrant" and dev)
        assert (("Service", "qdrant") in names) == (store == "qdrant" and dev)
        # pgvector: a managed PostgreSQL outside the cluster; no database in the manifests.
        assert not any("postgres" in image or "pgvector" in image for image in images)
        # Shared rate counters and autoscaling only where replicas are interchangeable.
        assert (("Deployment", "redis") in names) == (store == "pgvector" and dev)
        assert (("HorizontalPodAutoscaler", "api") in names) == (store == "pgvector" and not dev)
        assert (("PodDisruptionBudget", "api") in names) == (store == "pgvector" and not dev)
        assert (("PersistentVolumeClaim", "api-data") in names) == (store != "pgvector")


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_api_scales_only_with_external_state(
    overlays: dict[str, list[Manifest]], combo: Combination
) -> None:
    for overlay, objects in overlays.items():
        api = named(objects, "Deployment", "api")
        assert api is not None
        volumes = {v["name"]: v for v in api["spec"]["template"]["spec"]["volumes"]}
        if combo["vector_store"] == "pgvector":
            assert api["spec"]["replicas"] == 2
            assert "emptyDir" in volumes["data"], "state lives in PostgreSQL"
        else:
            # SQLite registry (and Chroma's files) on one ReadWriteOnce volume: one writer.
            assert api["spec"]["replicas"] == 1
            assert api["spec"]["strategy"]["type"] == "Recreate"
            assert volumes["data"]["persistentVolumeClaim"]["claimName"] == "api-data"
        hpa = named(objects, "HorizontalPodAutoscaler", "api")
        if hpa is not None:
            assert hpa["apiVersion"] == "autoscaling/v2"
            assert hpa["spec"]["scaleTargetRef"] == {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": "api",
            }
            assert hpa["spec"]["minReplicas"] >= 2, overlay


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_api_probes_settings_and_writable_paths(
    overlays: dict[str, list[Manifest]], combo: Combination
) -> None:
    for objects in overlays.values():
        api = named(objects, "Deployment", "api")
        assert api is not None
        main = container(api)
        settings = generated(objects, "ConfigMap", "api-settings")["data"]

        assert main["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert main["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert main["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert {"name": "http", "containerPort": int(settings["PORT"])} in main["ports"]
        assert settings["ENVIRONMENT"] == "production"
        assert settings["VECTOR_STORE"] == combo["vector_store"]
        mounts = {m["mountPath"] for m in main["volumeMounts"]}
        assert mounts == {"/tmp", settings["DATA_DIR"]}


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_every_pod_runs_hardened(overlays: dict[str, list[Manifest]], combo: Combination) -> None:
    for objects in overlays.values():
        for workload in workloads(objects):
            pod = workload["spec"]["template"]["spec"]
            main = container(workload)
            name = workload["metadata"]["name"]

            assert pod["securityContext"]["runAsNonRoot"] is True, name
            assert pod["securityContext"]["runAsUser"] > 0, name
            assert pod["automountServiceAccountToken"] is False, name
            # Service links would set e.g. UI_PORT=tcp://..., read by the settings as a port.
            assert pod["enableServiceLinks"] is False, name
            assert main["securityContext"] == {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]},
            }, name
            assert {"cpu", "memory"} <= main["resources"]["requests"].keys(), name
            assert "memory" in main["resources"]["limits"], name
            if name in {"api", "ui"}:
                # The images' own user (Dockerfile: uid 10001).
                assert pod["securityContext"]["runAsUser"] == 10001


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_labels_and_selectors_match(
    overlays: dict[str, list[Manifest]], combo: Combination
) -> None:
    for objects in overlays.values():
        pods = {w["metadata"]["name"]: w for w in workloads(objects)}
        for workload in pods.values():
            labels = workload["spec"]["template"]["metadata"]["labels"]
            assert labels == {
                "app.kubernetes.io/name": SLUG,
                "app.kubernetes.io/component": workload["metadata"]["name"],
                "app.kubernetes.io/part-of": SLUG,
            }
            assert workload["metadata"]["labels"] == labels
            assert workload["spec"]["selector"]["matchLabels"].items() <= labels.items()
        for service in (o for o in objects if o["kind"] == "Service"):
            selector = service["spec"]["selector"]
            matching = [
                w
                for w in pods.values()
                if selector.items() <= w["spec"]["template"]["metadata"]["labels"].items()
            ]
            assert [w["metadata"]["name"] for w in matching] == [service["metadata"]["name"]]
            port_names = {p["name"] for p in container(matching[0])["ports"]}
            assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names
        for budget in (o for o in objects if o["kind"] == "PodDisruptionBudget"):
            api_labels = pods["api"]["spec"]["template"]["metadata"]["labels"]
            assert budget["spec"]["selector"]["matchLabels"].items() <= api_labels.items()


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_images_and_references(
    rendered: Callable[[Combination], Path],
    overlays: dict[str, list[Manifest]],
    combo: Combination,
) -> None:
    project = rendered(combo)
    env_example = (project / ".env.example").read_text()
    prod_secrets = project / "deploy" / "k8s" / "overlays" / "prod" / "secrets.env.example"
    # Every setting the manifests and the prod Secret's template give is one the app reads.
    secret_keys = re.findall(r"^(?:# )?([A-Z_]+)=", prod_secrets.read_text(), re.M)
    assert secret_keys
    assert [key for key in secret_keys if not re.search(rf"^(# )?{key}=", env_example, re.M)] == []
    for overlay, objects in overlays.items():
        pods = {w["metadata"]["name"]: w for w in workloads(objects)}
        for component in ("api", "ui") if combo["include_ui"] == "yes" else ("api",):
            image = container(pods[component])["image"]
            expected = (
                f"{SLUG}-{component}:dev"
                if overlay == "dev"
                else f"registry.example.com/{SLUG}-{component}:0.1.0"
            )
            assert image == expected
        settings = generated(objects, "ConfigMap", "api-settings")["data"]
        unknown = [key for key in settings if not re.search(rf"^(# )?{key}=", env_example, re.M)]
        assert unknown == []
        references = {
            ref["secretRef"]["name"] if "secretRef" in ref else ref["configMapRef"]["name"]
            for w in pods.values()
            for ref in container(w).get("envFrom", [])
        }
        present = {o["metadata"]["name"] for o in objects if o["kind"] in {"ConfigMap", "Secret"}}
        if overlay == "dev":
            assert references <= present
        else:
            # Production secrets are created by the operator, never committed or generated.
            assert not any(o["kind"] == "Secret" for o in objects)
            assert references - present <= {"api-secrets", "ui-secrets"}
        if "ui" in pods:
            env = {e["name"]: e["value"] for e in container(pods["ui"])["env"]}
            api_service = named(objects, "Service", "api")
            assert api_service is not None
            port = api_service["spec"]["ports"][0]["port"]
            assert env["UI_API_URL"] == f"http://api:{port}"


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_dev_credentials_fit_together(
    overlays: dict[str, list[Manifest]], combo: Combination
) -> None:
    objects = overlays["dev"]
    secrets = secret_values(generated(objects, "Secret", "api-secrets"))
    settings = generated(objects, "ConfigMap", "api-settings")["data"]
    if combo["auth"] == "api_key":
        tenant, _, digest = secrets["API_KEYS"].partition(":")
        assert tenant == "dev"
        if combo["include_ui"] == "yes":
            key = secret_values(generated(objects, "Secret", "ui-secrets"))["UI_API_KEY"]
            assert hashlib.sha256(key.encode()).hexdigest() == digest, "the UI's key is accepted"
    else:
        assert settings["ALLOW_UNAUTHENTICATED"] == "true"
    if combo["vector_store"] == "pgvector":
        assert secrets["DATABASE_URL"].startswith("postgresql://")
        assert settings["REDIS_URL"] == "redis://redis:6379/0"
    if combo["vector_store"] == "qdrant":
        assert settings["QDRANT_URL"] == "http://qdrant:6333"
