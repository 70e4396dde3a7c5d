"""The exact set of files a generated project must contain, per answer.

Kept by hand on purpose: it is a second, independent statement of what the
manifest (`template-features.json`) and the hooks should produce, so a file that
appears or disappears by mistake fails a test. A feature that adds files adds them here.
"""

from __future__ import annotations

from collections.abc import Mapping

ALWAYS = """
.cookiecutter.json
.dockerignore
.env.example
.gitignore
.pre-commit-config.yaml
.python-version
Dockerfile
LICENSE
Makefile
compose.yaml
README.md
pyproject.toml
uv.lock
src/{package}/__init__.py
src/{package}/__main__.py
src/{package}/py.typed
src/{package}/settings.py
src/{package}/schemas.py
src/{package}/cli.py
src/{package}/bench.py
src/{package}/loadtest.py
src/{package}/api/__init__.py
src/{package}/api/app.py
src/{package}/api/deps.py
src/{package}/api/errors.py
src/{package}/api/middleware.py
src/{package}/api/limits.py
src/{package}/api/inputs.py
src/{package}/api/readiness.py
src/{package}/api/routes/__init__.py
src/{package}/api/routes/health.py
src/{package}/api/routes/documents.py
src/{package}/api/routes/search.py
src/{package}/api/routes/answers.py
src/{package}/api/routes/openai_compat.py
src/{package}/api/openai_models.py
src/{package}/llm.py
src/{package}/feedback.py
src/{package}/api/routes/feedback.py
src/{package}/eval/__init__.py
src/{package}/eval/golden.py
src/{package}/eval/metrics.py
src/{package}/eval/report.py
src/{package}/eval/results.py
src/{package}/eval/run.py
src/{package}/rag/prompts.py
src/{package}/rag/extractive.py
src/{package}/rag/answer.py
src/{package}/rag/scratch.py
src/{package}/rag/__init__.py
src/{package}/rag/errors.py
src/{package}/rag/loaders.py
src/{package}/rag/chunking.py
src/{package}/rag/embeddings.py
src/{package}/rag/registry.py
src/{package}/rag/stores.py
src/{package}/rag/local_postgres.py
src/{package}/rag/locks.py
src/{package}/rag/ingest.py
src/{package}/rag/keyword_search.py
src/{package}/rag/retrieval.py
src/{package}/rag/knowledge_base.py
src/{package}/observability/__init__.py
src/{package}/observability/drift.py
src/{package}/observability/drift_report.py
src/{package}/observability/genai.py
src/{package}/observability/instrumented.py
src/{package}/observability/logging.py
src/{package}/observability/metrics.py
src/{package}/observability/middleware.py
src/{package}/observability/query_log.py
src/{package}/observability/tracing.py
src/{package}/api/routes/metrics.py
docs/observability.md
docs/architecture.md
docs/conventions.md
docs/adding-a-loader.md
docs/adding-a-provider.md
docs/adding-a-vector-store.md
tests/howtos/__init__.py
tests/howtos/test_adding_a_loader.py
tests/howtos/test_adding_a_provider.py
tests/howtos/test_adding_a_vector_store.py
src/{package}/rag/outages.py
data/docs/company-overview.md
data/docs/returns-and-refunds.md
data/docs/warranty.md
data/docs/remote-work-policy.md
data/docs/travel-expenses.txt
data/docs/security-policy.txt
data/docs/product-faq.html
data/docs/shipping-and-delivery.html
data/docs/onboarding-guide.pdf
data/docs/service-plans.docx
data/eval/golden.jsonl
data/eval/README.md
tests/__init__.py
tests/conftest.py
tests/api/__init__.py
tests/api/test_errors.py
tests/api/test_bad_input.py
tests/api/test_injection.py
tests/api/test_limits.py
tests/api/test_health.py
tests/api/test_request_id.py
tests/api/test_documents.py
tests/api/test_search.py
tests/rag/__init__.py
tests/rag/test_knowledge_base.py
tests/rag/test_durability.py
tests/rag/test_provider_outages.py
tests/e2e/__init__.py
tests/e2e/test_serve.py
tests/e2e/conftest.py
tests/e2e/test_golden_answers.py
tests/e2e/test_loadtest.py
tests/fakes.py
tests/llm_stubs.py
tests/canary.py
tests/servers.py
tests/sse.py
tests/api/test_answers.py
tests/api/test_outages.py
tests/api/test_openai_compat.py
tests/api/test_feedback.py
tests/api/test_openapi_contract.py
tests/unit/test_feedback_cli.py
tests/rag/test_answer.py
tests/unit/test_llm.py
tests/unit/test_prompts.py
tests/unit/test_extractive.py
tests/unit/test_eval.py
tests/unit/test_eval_metrics.py
tests/unit/__init__.py
tests/unit/conftest.py
tests/unit/test_cli.py
tests/unit/test_settings.py
tests/unit/test_loaders.py
tests/unit/test_chunking.py
tests/unit/test_embeddings.py
tests/unit/test_bench.py
tests/observability/__init__.py
tests/observability/conftest.py
tests/observability/test_drift.py
tests/observability/test_logging.py
tests/observability/test_metrics.py
tests/observability/test_query_log.py
tests/observability/test_tracing.py
deploy/k8s/base/kustomization.yaml
deploy/k8s/base/api-deployment.yaml
deploy/k8s/base/api-service.yaml
deploy/k8s/overlays/dev/kustomization.yaml
deploy/k8s/overlays/dev/namespace.yaml
deploy/k8s/overlays/prod/kustomization.yaml
deploy/k8s/overlays/prod/namespace.yaml
deploy/k8s/overlays/prod/secrets.env.example
"""

# (question, answer) -> files present only with that answer.
WHEN: dict[tuple[str, str], str] = {
    ("ci", "github"): ".github/workflows/ci.yml .github/dependabot.yml",
    ("ci", "gitlab"): ".gitlab-ci.yml",
    ("include_ui", "yes"): """
        src/{package}/ui/__init__.py
        src/{package}/ui/app.py
        src/{package}/ui/chat.py
        src/{package}/ui/citations.py
        src/{package}/ui/client.py
        src/{package}/ui/documents.py
        src/{package}/ui/errors.py
        src/{package}/ui/sidebar.py
        src/{package}/ui/state.py
        tests/ui/__init__.py
        tests/ui/conftest.py
        tests/ui/test_client.py
        tests/ui/test_chat_page.py
        tests/ui/test_documents_page.py
        tests/e2e/test_browser.py
        deploy/k8s/base/ui-deployment.yaml
        deploy/k8s/base/ui-service.yaml
    """,
    ("include_agent", "yes"): """
        docs/adding-a-tool.md
        src/{package}/agent/__init__.py
        src/{package}/agent/checkpoints.py
        src/{package}/agent/context.py
        src/{package}/agent/graph.py
        src/{package}/agent/limits.py
        src/{package}/agent/offline.py
        src/{package}/agent/runner.py
        src/{package}/agent/schemas.py
        src/{package}/agent/telemetry.py
        src/{package}/agent/threads.py
        src/{package}/agent/tools/__init__.py
        src/{package}/agent/tools/calculator.py
        src/{package}/agent/tools/current_time.py
        src/{package}/agent/tools/list_documents.py
        src/{package}/agent/tools/search_documents.py
        src/{package}/api/routes/agent.py
        tests/agent/__init__.py
        tests/agent/conftest.py
        tests/agent/test_loop.py
        tests/agent/test_offline_runs.py
        tests/agent/test_telemetry.py
        tests/agent/test_tools.py
        tests/agent/test_adding_a_tool.py
        tests/agent/test_injection.py
    """,
    # Kubernetes: state on the API's own volume (one replica) with the embedded stores; a dev
    # Qdrant; with pgvector, shared rate counters (dev Redis) and autoscaling (prod), and the
    # test that two API replicas share one PostgreSQL and one Redis.
    ("vector_store", "chroma"): "deploy/k8s/base/api-data.yaml",
    ("vector_store", "qdrant"): """
        deploy/k8s/base/api-data.yaml
        deploy/k8s/overlays/dev/qdrant-statefulset.yaml
        deploy/k8s/overlays/dev/qdrant-service.yaml
    """,
    ("vector_store", "pgvector"): """
        deploy/k8s/overlays/dev/redis-deployment.yaml
        deploy/k8s/overlays/dev/redis-service.yaml
        deploy/k8s/overlays/prod/api-hpa.yaml
        deploy/k8s/overlays/prod/api-pdb.yaml
        tests/e2e/test_replicas.py
    """,
    ("auth", "api_key"): """
        src/{package}/api/security.py
        tests/api/test_auth.py
        tests/api/test_tenants.py
        tests/e2e/test_auth_serve.py
    """,
}

# Files present only when every one of several answers was given.
WHEN_ALL: dict[tuple[tuple[str, str], ...], str] = {
    (("include_ui", "yes"), ("include_agent", "yes")): """
        src/{package}/ui/agent.py
        tests/ui/test_agent_page.py
    """,
}


# Written when the template is rendered from a git checkout (it records the commit), as in its
# tests, which run in a clone.
LINKED = ".cruft.json"


def expected_files(answers: Mapping[str, str], package: str, linked: bool = True) -> set[str]:
    lines = ALWAYS.split() + (LINKED.split() if linked else [])
    for (question, answer), files in WHEN.items():
        if answers.get(question) == answer:
            lines += files.split()
    for required, files in WHEN_ALL.items():
        if all(answers.get(question) == answer for question, answer in required):
            lines += files.split()
    return {line.format(package=package) for line in lines}
