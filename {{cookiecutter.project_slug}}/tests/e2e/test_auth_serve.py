"""The real server with API keys on: 401 without a key, the key's tenant with it, 429 past
the rate limit — over real HTTP, as a deployed app answers."""

import httpx2
import pytest

from tests.conftest import SAMPLE_DOCS, api_keys_setting, key_of
from tests.e2e.conftest import ServerFactory

pytestmark = pytest.mark.e2e


def test_served_api_checks_keys_and_rate_limits(start_server: ServerFactory) -> None:
    url = start_server({"API_KEYS": ",".join(api_keys_setting()), "RATE_LIMIT": "2/minute"})
    warranty = SAMPLE_DOCS / "warranty.md"

    anonymous = httpx2.get(f"{url}/v1/documents")
    health = httpx2.get(f"{url}/healthz")
    files = {"files": (warranty.name, warranty.read_bytes())}
    uploaded = httpx2.post(f"{url}/v1/documents", files=files, headers=key_of("tenant-a"))
    seen_by_a = httpx2.get(f"{url}/v1/documents", headers=key_of("tenant-a")).json()
    seen_by_b = httpx2.get(f"{url}/v1/documents", headers=key_of("tenant-b")).json()
    limited = httpx2.get(f"{url}/v1/documents", headers=key_of("tenant-a"))

    assert (anonymous.status_code, health.status_code) == (401, 200)
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert uploaded.status_code == 200
    assert [d["source"] for d in seen_by_a["documents"]] == ["warranty.md"]
    assert seen_by_b["documents"] == []
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
