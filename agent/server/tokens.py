"""Shopper tokens: short-lived HS256 access JWTs, longer-lived refresh JWTs, guest ids per device
(the rate limit on guest sign-ups is in `agent.server.ratelimit`).
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal

import jwt

from agent.server.problems import ApiError
from agent.settings import Settings

Kind = Literal["shopper", "guest"]
REFRESH_TTL_S = 30 * 24 * 3600
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    shopper_id: str
    kind: Kind
    version: int = 0  # the token generation it was issued in (see tools.shoppers.profiles)


def guest_id(settings: Settings, device_id: str) -> str:
    """A stable guest id for a device; keyed with the secret so ids cannot be guessed from devices."""
    digest = hmac.new(settings.token_secret.encode(), device_id.encode(), hashlib.sha256).hexdigest()
    return f"G-{digest[:20]}"


def _encode(settings: Settings, claims: dict[str, Any], ttl_s: int) -> str:
    now = int(time.time())
    payload = {**claims, "iat": now, "exp": now + ttl_s, "jti": uuid.uuid4().hex[:16]}
    return jwt.encode(payload, settings.token_secret, algorithm=_ALGORITHM)


def issue_tokens(settings: Settings, shopper_id: str, kind: Kind, version: int) -> dict[str, Any]:
    """The answer of every /v1/auth route: access token, refresh token, shopper id, lifetime."""
    return {
        "token": _encode(settings, {"sub": shopper_id, "kind": kind, "ver": version}, settings.token_ttl_s),
        "refresh_token": _encode(settings, {"sub": shopper_id, "kind": "refresh", "for": kind,
                                            "ver": version}, REFRESH_TTL_S),
        "shopper_id": shopper_id,
        "expires_in": settings.token_ttl_s,
        "token_type": "Bearer",
    }


def _decode(settings: Settings, token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(token, settings.token_secret, algorithms=[_ALGORITHM],
                                            options={"require": ["sub", "exp", "kind"]})
    except jwt.ExpiredSignatureError as exc:
        raise ApiError(401, "unauthorized", ("Token scaduto.", "Token expired."),
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from exc
    except jwt.PyJWTError as exc:
        raise ApiError(401, "unauthorized", ("Token non valido.", "Invalid token."),
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from exc
    return claims


def verify_access(settings: Settings, token: str) -> Principal:
    claims = _decode(settings, token)
    if claims["kind"] not in ("shopper", "guest"):
        raise ApiError(401, "unauthorized", ("Serve un token di accesso.", "An access token is needed."))
    return Principal(str(claims["sub"]), claims["kind"], _version(claims))


def verify_refresh(settings: Settings, token: str) -> Principal:
    claims = _decode(settings, token)
    if claims["kind"] != "refresh" or claims.get("for") not in ("shopper", "guest"):
        raise ApiError(401, "unauthorized", ("Serve un refresh token.", "A refresh token is needed."))
    return Principal(str(claims["sub"]), claims["for"], _version(claims))


def _version(claims: dict[str, Any]) -> int:
    version = claims.get("ver", 0)  # tokens issued before versions existed are generation 0
    return version if isinstance(version, int) else -1


def require_current(principal: Principal, current_version: int) -> Principal:
    """401 for a token of an earlier generation: the shopper was erased (or the guest merged)."""
    if principal.version != current_version:
        raise ApiError(401, "unauthorized", ("Token revocato.", "Token revoked."),
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return principal

