"""Every error is the same JSON shape, carries the request id, and leaks no internals."""

from fastapi import APIRouter
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.settings import Settings


def test_unknown_route_is_a_json_404(client: TestClient) -> None:
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["type"] == "not_found"
    assert error["request_id"] == response.headers["X-Request-ID"]


def test_wrong_method_is_a_json_405(client: TestClient) -> None:
    response = client.post("/healthz")

    assert response.status_code == 405
    assert response.json()["error"]["type"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]


def test_validation_error_lists_fields_without_echoing_input(settings: Settings) -> None:
    app = create_app(settings)
    router = APIRouter()

    @router.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        return {"item_id": item_id}

    app.include_router(router)
    response = TestClient(app).get("/items/secret-value")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "validation_error"
    assert error["details"][0]["loc"] == ["path", "item_id"]
    assert "secret-value" not in response.text


def test_unexpected_exception_is_a_json_500_without_traceback(settings: Settings) -> None:
    app = create_app(settings)
    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("database password is hunter2")

    app.include_router(router)
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/boom", headers={"X-Request-ID": "trace-me-123"})

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["type"] == "internal_error"
    assert error["request_id"] == "trace-me-123"
    assert response.headers["X-Request-ID"] == "trace-me-123"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
