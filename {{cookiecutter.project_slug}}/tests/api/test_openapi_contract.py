"""Property-based tests of the whole HTTP contract (Schemathesis): every operation of the
OpenAPI schema gets generated requests, valid and invalid, sent in-process over ASGI, and
every response must have a declared status, content type and body; none may be a 5xx.

Generation is deterministic (a fixed seed, no example database), so a failure reproduces
on the next run and the suite does not flake; no case is sent twice (`unique-inputs`).
"""

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.settings import Settings
{%- if cookiecutter.auth == "api_key" %}
from tests.conftest import SAMPLE_DOCS, api_keys_setting, key_of
{%- else %}
from tests.conftest import SAMPLE_DOCS
{%- endif %}

EXAMPLES_PER_OPERATION = 25  # the fuzzing phase's budget; examples and coverage add more
MIN_CASES = 500  # per run, over all operations
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 7,
        "generation": {
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
            "unique-inputs": True,
        },
    }
)
# The schema the app serves, built without reading settings or opening anything; each test
# sends its cases to an app of its own (its settings, its data) through `asgi_session`.
schema = schemathesis.openapi.from_dict(
    create_app(Settings.model_construct()).openapi(), config=CONFIG
)
OPERATIONS = sum(1 for _ in schema.get_all_operations())


@pytest.fixture
def asgi_session(settings: Settings) -> Iterator[asgi.ASGIClient]:
    """The app over the sample documents (so searches and answers find something), with
    {% if cookiecutter.auth == "api_key" %}API keys on and {% endif %}no rate limit (hundreds of requests from one client are the point)."""
    with KnowledgeBase(settings) as kb:
        for path in sorted(SAMPLE_DOCS.iterdir()):
            kb.ingest(path.name, path.read_bytes())
{%- if cookiecutter.auth == "api_key" %}
    app = create_app(settings.model_copy(update={"api_keys": api_keys_setting(), "rate_limit": ""}))
{%- else %}
    app = create_app(settings.model_copy(update={"rate_limit": ""}))
{%- endif %}
    # Starts the app (its lifespan); schemathesis types ASGI messages as dicts, Starlette as
    # mappings.
    with asgi.get_client(app) as session:  # type: ignore[arg-type]
{%- if cookiecutter.auth == "api_key" %}
        session.headers.update(key_of("tenant-a"))
{%- endif %}
        yield session
    asgi.shutdown_lifespans()  # and its shutdown, before `settings`' teardown


@pytest.fixture(scope="module")
def cases() -> Iterator[dict[str, int]]:
    """Cases sent per operation; once every operation ran, the total must reach MIN_CASES."""
    counts: dict[str, int] = {}
    yield counts
    total = sum(counts.values())
    print(f"\nSchemathesis: {total} cases over {len(counts)} operations")
    if len(counts) == OPERATIONS:  # not when a run selects some of them (-k)
        assert total >= MIN_CASES, counts


@schema.parametrize()
# One app per operation, shared by its cases (an app per case would cost a startup each).
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_operation_keeps_its_contract(
    case: schemathesis.Case[Any], asgi_session: asgi.ASGIClient, cases: dict[str, int]
) -> None:
    cases[case.operation.label] = cases.get(case.operation.label, 0) + 1
    case.call_and_validate(base_url="http://testserver", session=asgi_session, checks=CHECKS)
