"""API keys → tenants: who a request acts for comes from its key, never from its body.

Settings hold only SHA-256 hashes of keys (API_KEYS=TENANT:HASH,...), so a leaked `.env`
or log does not leak a key. Every configured hash is compared in constant time, so the
response time does not tell an attacker how much of a guess was right.
"""

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from {{ cookiecutter.package_name }}.api.limits import Principal, client_address
from {{ cookiecutter.package_name }}.rag.knowledge_base import DEFAULT_TENANT
from {{ cookiecutter.package_name }}.settings import Settings, hash_api_key

KEY_PREFIX = "ak_"  # recognisable in a leaked file, so secret scanners can be taught it
# Declared only so that OpenAPI lists both schemes (the docs' "Authorize" button); the
# headers are read by `presented_key`, which also refuses malformed ones.
_BEARER = HTTPBearer(auto_error=False, description="`Authorization: Bearer <API key>`")
_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key.")


def new_api_key() -> str:
    """A new random key: 256 bits, URL-safe."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": "Bearer"})


def presented_key(request: Request) -> str | None:
    """The key from `Authorization: Bearer KEY`, else from `X-API-Key`."""
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("The Authorization header must be `Bearer <API key>`.")
        return token.strip()
    return request.headers.get("x-api-key") or None


def tenant_of_key(settings: Settings, key: str) -> tuple[str, str] | None:
    """(tenant, key hash) for a valid key, else None."""
    digest = hash_api_key(key)
    found = None
    for tenant, expected in settings.api_key_entries:
        # No early exit: every entry costs the same, whichever matches.
        if hmac.compare_digest(digest, expected):
            found = (tenant, expected)
    return found


def authenticate(
    request: Request,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)] = None,
    _header: Annotated[str | None, Depends(_HEADER)] = None,
) -> Principal:
    """The principal of the request, or 401 with `WWW-Authenticate: Bearer`."""
    settings: Settings = request.app.state.settings
    if not settings.api_keys:
        # Development without keys (production refuses to start so): one open tenant,
        # rate-limited per client address.
        return Principal(DEFAULT_TENANT, client_address(request))
    key = presented_key(request)
    if key is None:
        raise _unauthorized(
            "An API key is required: send `Authorization: Bearer <key>` or `X-API-Key: <key>`."
        )
    match = tenant_of_key(settings, key)
    if match is None:
        raise _unauthorized("The API key is not valid.")
    tenant, digest = match
    return Principal(tenant, f"key:{digest[:12]}")
