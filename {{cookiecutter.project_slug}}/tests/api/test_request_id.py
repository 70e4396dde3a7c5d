from fastapi.testclient import TestClient


def test_each_response_gets_a_fresh_request_id(client: TestClient) -> None:
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]

    assert len(first) == 32
    assert first != second


def test_a_safe_incoming_request_id_is_kept(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123.def_4"})

    assert response.headers["X-Request-ID"] == "abc-123.def_4"


def test_an_unsafe_incoming_request_id_is_replaced(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "evil id\twith spaces" + "x" * 200})

    assert response.headers["X-Request-ID"] != "evil id\twith spaces" + "x" * 200
    assert len(response.headers["X-Request-ID"]) == 32
