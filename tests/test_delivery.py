"""Delivery pieces of every generated project: Dockerfile, compose, pre-commit and CI files.

Fast tests lint and schema-check the rendered files of every pairwise combination with the
same tools the generated pre-commit hooks use. Slow tests run the real thing: pre-commit on a
fresh git project, and the API image built, started, health-checked, fed and queried
(tests/containers.py finds docker, or podman prepared by ../shared/tools/oci-prepare).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.combinations import ROOT, Combination, as_params, defaults, pairwise
from tests.containers import TEST_API_KEY, Engine, container_engine, free_port, wait_for_http

COMBINATIONS = as_params(pairwise())
TOOLS = Path(sys.executable).parent
JOBS = {"lint", "types", "tests"}


def tool(name: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run a linter installed in the template's environment (pinned in its dev group)."""
    return subprocess.run(
        [str(TOOLS / name), *map(str, args)], capture_output=True, text=True, check=False
    )


def load_yaml(path: Path) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(path.read_text())
    return data


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_dockerfile_passes_hadolint(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)

    result = tool("hadolint", project / "Dockerfile")

    assert result.returncode == 0, result.stdout + result.stderr
    text = (project / "Dockerfile").read_text()
    assert "FROM ghcr.io/astral-sh/uv:0.13.9 AS uv" in text, "uv is pinned"
    api_stage = text.index(f"FROM python:{combo['python_version']}-slim AS api")
    assert 'CMD ["ai-app", "serve", "--host", "0.0.0.0", "--port", "8000"]' in text
    ui_stage = text.find(f"FROM python:{combo['python_version']}-slim AS ui")
    if combo["include_ui"] == "yes":
        assert 0 < ui_stage < api_stage, "the API stays the last stage: a plain build is the API"
        assert "/_stcore/health" in text
    else:
        assert ui_stage == -1
        assert "streamlit" not in text


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_compose_file_matches_the_compose_spec(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)

    result = tool(
        "check-jsonschema", "--builtin-schema", "vendor.compose-spec", project / "compose.yaml"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    services = load_yaml(project / "compose.yaml")["services"]
    assert isinstance(services, dict)
    store_service = {"chroma": None, "qdrant": "qdrant", "pgvector": "postgres"}[
        combo["vector_store"]
    ]
    ui_service = "ui" if combo["include_ui"] == "yes" else None
    assert set(services) == {"api", "ollama"} | ({store_service, ui_service} - {None})
    api = services["api"]
    assert api["build"]["target"] == "api"
    assert api["env_file"] == [{"path": ".env", "required": False}]
    assert "healthcheck" in api
    assert services["ollama"]["profiles"] == ["ollama"]
    if store_service:
        assert api["depends_on"] == {store_service: {"condition": "service_healthy"}}
        assert "healthcheck" in services[store_service]
        url = {"qdrant": "QDRANT_URL", "postgres": "DATABASE_URL"}[store_service]
        assert f"{store_service}:" in api["environment"][url], "the API uses the service"
    else:
        assert "depends_on" not in api
    if ui_service:
        ui = services["ui"]
        assert ui["build"]["target"] == "ui"
        assert ui["environment"]["UI_API_URL"] == "http://api:8000"
        assert ui["depends_on"] == {"api": {"condition": "service_healthy"}}
        assert "/_stcore/health" in " ".join(ui["healthcheck"]["test"])


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_ci_files_match_their_schemas(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)
    schemas = {
        "github": {
            ".github/workflows/ci.yml": "vendor.github-workflows",
            ".github/dependabot.yml": "vendor.dependabot",
        },
        "gitlab": {".gitlab-ci.yml": "vendor.gitlab-ci"},
        "none": {},
    }[combo["ci"]]

    for name, schema in schemas.items():
        result = tool("check-jsonschema", "--builtin-schema", schema, project / name)
        assert result.returncode == 0, f"{name}:\n{result.stdout}{result.stderr}"

    if combo["ci"] == "github":
        workflow = load_yaml(project / ".github/workflows/ci.yml")
        jobs = workflow["jobs"]
        assert isinstance(jobs, dict)
        assert set(jobs) == {*JOBS, "image"}
        assert workflow["permissions"] == {"contents": "read"}
        for job in jobs.values():
            assert job["timeout-minutes"] <= 30
            for step in job["steps"]:
                if "uses" in step:  # pinned by a full commit SHA, the tag in a comment
                    assert len(step["uses"].partition("@")[2]) == 40, step["uses"]
        updates = load_yaml(project / ".github/dependabot.yml")["updates"]
        assert isinstance(updates, list)
        assert {u["package-ecosystem"] for u in updates} == {"uv", "github-actions", "docker"}
    if combo["ci"] == "gitlab":
        gitlab = load_yaml(project / ".gitlab-ci.yml")
        assert JOBS | {"api-image"} <= set(gitlab)


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_pre_commit_hooks_are_local_and_valid(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)
    config = load_yaml(project / ".pre-commit-config.yaml")

    result = tool("pre-commit", "validate-config", project / ".pre-commit-config.yaml")

    assert result.returncode == 0, result.stdout + result.stderr
    repos = config["repos"]
    assert isinstance(repos, list)
    assert [repo["repo"] for repo in repos] == ["local"], "no hook repository to clone"
    ids = {hook["id"] for hook in repos[0]["hooks"]}
    assert {"ruff-check", "ruff-format", "mypy", "hadolint", "compose-schema"} <= ids
    assert {"detect-secrets", "uv-lock", "trailing-whitespace", "end-of-file"} <= ids
    assert ("workflow-schema" in ids) == (combo["ci"] == "github")
    assert ("gitlab-ci-schema" in ids) == (combo["ci"] == "gitlab")


def run_in(project: Path, uv: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a command in a generated project, with the template's pinned uv first on PATH."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "UV_PYTHON_DOWNLOADS": "never",
        "PATH": f"{Path(uv).parent}{os.pathsep}{os.environ['PATH']}",
        # pre-commit keeps its state here; local hooks clone nothing into it.
        "PRE_COMMIT_HOME": str(project.parent / ".pre-commit-home"),
    }
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        list(args), cwd=project, env=env, capture_output=True, text=True, check=False, timeout=900
    )


@pytest.mark.slow
@pytest.mark.parametrize("combo", as_params([defaults()]))
def test_pre_commit_passes_on_a_fresh_project(
    rendered: Callable[[Combination], Path], uv: str, combo: Combination
) -> None:
    project = rendered(combo)
    assert (project / ".git").is_dir(), "the default project is a git repository"

    install = run_in(project, uv, "make", "install", f"UV={uv}")
    assert install.returncode == 0, install.stdout + install.stderr
    assert (project / ".git/hooks/pre-commit").is_file(), "make install installs the hooks"

    result = run_in(project, uv, uv, "run", "--frozen", "pre-commit", "run", "--all-files")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Failed" not in result.stdout
    assert run_in(project, uv, "git", "status", "--porcelain").stdout == "", "nothing rewritten"


# ---- the real container ----------------------------------------------------------------------

CONTAINER_COMBINATIONS = as_params([defaults(), {**defaults(), "vector_store": "qdrant"}])
# Never in the UI image (no vector store, no model or API stack), nor the UI stack in the API's.
NOT_IN_UI = {
    "bm25s", "chromadb", "fastapi", "grpcio", "langchain-core", "lxml", "onnxruntime", "openai",
    "psycopg", "pypdf", "qdrant-client", "sqlalchemy", "tiktoken", "tokenizers", "torch",
}  # fmt: skip
NOT_IN_API = {"altair", "pandas", "pyarrow", "pydeck", "streamlit"}
LIST_DISTRIBUTIONS = "import importlib.metadata as m; print(*(d.name for d in m.distributions()))"
# Run in the API image: every module of the package outside the UI imports with the image's
# (pruned) dependencies, not only the ones the HTTP checks below reach.
IMPORT_ALL = """
import importlib, pkgutil, ai_app
for module in pkgutil.walk_packages(ai_app.__path__, "ai_app."):
    if not module.name.startswith(("ai_app.ui", "ai_app.__main__")):
        importlib.import_module(module.name)
"""
# Run in the UI image: Streamlit's headless test runner executes the app script once, against
# the API it was started with (UI_API_URL): imports, settings and the API's readiness answer.
RUN_UI_SCRIPT = """
import sys
from streamlit.testing.v1 import AppTest
app = AppTest.from_file(sys.argv[1], default_timeout=60).run()
problems = [e.value for e in app.exception] + [e.value for e in app.error]
assert not problems, problems
"""


def distributions(engine: Engine, name: str) -> set[str]:
    """The names of the Python distributions installed in a running container."""
    listing = engine.exec(name, "python", "-c", LIST_DISTRIBUTIONS)
    return {line.lower().replace("_", "-") for line in listing.split()}


def timed_builds(engine: Engine, project: Path, tag: str, target: str) -> tuple[float, float]:
    """The first build in this run (cold on a fresh machine), then again with everything cached."""
    started = time.monotonic()
    engine.build(project, tag, target=target)
    first = time.monotonic() - started
    started = time.monotonic()
    engine.build(project, tag, target=target)
    return round(first, 1), round(time.monotonic() - started, 1)


@pytest.mark.slow
@pytest.mark.parametrize("combo", CONTAINER_COMBINATIONS)
def test_images_build_run_and_answer(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    """The API image (and, for the default project, the UI image) built, run and used."""
    engine = container_engine(combo["python_version"])
    project = rendered(combo)
    with_ui = combo == defaults() and combo["include_ui"] == "yes"
    store = combo["vector_store"]
    tag = f"localhost/ai-app-api-test:{store}"
    figures: dict[str, float | str] = {"store": store, "engine": engine.name}

    figures["build_s"], figures["rebuild_s"] = timed_builds(engine, project, tag, "api")
    figures["image_mb"] = round(engine.image_bytes(tag) / 1e6)
    if with_ui:
        ui_tag = f"localhost/ai-app-ui-test:{store}"
        figures["ui_build_s"], figures["ui_rebuild_s"] = timed_builds(engine, project, ui_tag, "ui")
        figures["ui_image_mb"] = round(engine.image_bytes(ui_tag) / 1e6)

    suffix = uuid.uuid4().hex[:8]
    name, ui_name = f"ai-app-test-{suffix}", f"ai-app-ui-test-{suffix}"
    network = engine.network(f"ai-app-test-{suffix}") if with_ui else None
    started = time.monotonic()
    base = engine.run(tag, name, free_port(), network=network)
    try:
        wait_for_http(f"{base}/healthz", timeout=120, alive=lambda: engine.running(name))
        figures["start_to_healthy_s"] = round(time.monotonic() - started, 2)
        assert engine.healthcheck(name), "the image's own HEALTHCHECK passes"
        assert engine.exec(name, "id", "-u").strip() != "0", "the API does not run as root"
        assert not distributions(engine, name) & NOT_IN_API, "the API image has no UI stack"
        engine.exec(name, "python", "-c", IMPORT_ALL)

        assert "ingest" in engine.exec(name, "ai-app", "--help"), "the CLI is in the image"
        # The image carries the sample corpus; upload it over HTTP (a second process may not
        # open an embedded store the server holds, e.g. Qdrant's local mode), then a new note.
        corpus = sorted(path for path in (project / "data/docs").iterdir() if path.is_file())
        files = [(path.name, path.read_bytes()) for path in corpus] + [("notes.md", NOTE)]
        upload = post_multipart(f"{base}/v1/documents", files)
        assert [r["status"] for r in upload["results"]] == ["added"] * len(files), upload
        answer = post_json(f"{base}/v1/search", {"query": "What colour is the staff bicycle?"})
        assert answer["results"][0]["source"] == "notes.md", answer
        answer = post_json(f"{base}/v1/search", {"query": "How long is the frame warranty?"})
        assert answer["results"][0]["source"] == "warranty.md", answer

        if with_ui:
            started = time.monotonic()
            ui = engine.run(ui_tag, ui_name, free_port(), ui_of=base, network=network)
            wait_for_http(
                f"{ui}/_stcore/health", timeout=120, alive=lambda: engine.running(ui_name)
            )
            figures["ui_start_to_healthy_s"] = round(time.monotonic() - started, 2)
            assert engine.healthcheck(ui_name), "the UI image's own HEALTHCHECK passes"
            assert engine.exec(ui_name, "id", "-u").strip() != "0", "the UI does not run as root"
            with urllib.request.urlopen(f"{ui}/", timeout=10) as response:
                assert response.status == 200
                assert b'id="root"' in response.read(), "Streamlit's page"
            heavy = distributions(engine, ui_name) & NOT_IN_UI
            assert not heavy, f"the UI image carries {heavy}"
            assert "langchain" not in " ".join(distributions(engine, ui_name))
            script = "/app/.venv/lib/python{}/site-packages/ai_app/ui/app.py"
            engine.exec(
                ui_name, "python", "-c", RUN_UI_SCRIPT, script.format(combo["python_version"])
            )
    except BaseException:
        print(engine.logs(name))
        if with_ui:
            print(engine.logs(ui_name))
        raise
    finally:
        if with_ui:
            engine.remove(ui_name)
        engine.remove(name)
        engine.remove_network(network)
    # Printed with `-rA`, and kept in build/ (git-ignored) for the figures in docs and notes.
    print(f"\ncontainer figures: {json.dumps(figures)}")
    out = ROOT / "build" / f"container-figures-{store}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")


AUTHORIZATION = {"Authorization": f"Bearer {TEST_API_KEY}"}
NOTE = b"# Staff bicycle\n\nThe staff bicycle is painted tangerine orange and lives in bay 4.\n"


def post_json(url: str, body: dict[str, object]) -> dict[str, list[dict[str, object]]]:
    headers = {"content-type": "application/json", **AUTHORIZATION}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, list[dict[str, object]]] = json.load(response)
    return result


def post_multipart(url: str, files: list[tuple[str, bytes]]) -> dict[str, list[dict[str, object]]]:
    """POST files as the multipart field `files`, as a browser or `curl -F files=@...` does."""
    boundary = uuid.uuid4().hex
    parts = [
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="files"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
        for filename, content in files
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"content-type": f"multipart/form-data; boundary={boundary}", **AUTHORIZATION}
    request = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        result: dict[str, list[dict[str, object]]] = json.load(response)
    return result
