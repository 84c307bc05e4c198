"""Dependencies every route shares, as `Annotated` aliases: settings, shop, assistant, run store,
the calling shopper (Bearer token) and the retailer's backend (X-API-Key)."""

from __future__ import annotations

import asyncio
import hmac
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

import redis
from fastapi import Depends, Path, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from agent.server.fields import Id
from agent.server.metrics import Metrics
from agent.server.problems import ApiError, language_of, not_found
from agent.server.ratelimit import SharedLimit, claim_failure_limit, guest_signup_limit
from agent.server.runs.store import InMemoryRunStore, RunStore
from agent.server.shared_redis import open_shared_redis
from agent.server.tokens import Principal, require_current, verify_access
from agent.settings import Settings
from agent.surfaces import AssistantProtocol
from tools.catalog.index import catalog_index
from tools.db.shop import Shop, open_shop
from tools.imports.jobs import fail_orphans
from tools.shoppers.profiles import token_version


@dataclass
class Resources:
    """What the app opens once: given by the caller (tests) or opened lazily / in the lifespan."""

    settings: Settings
    shop_: Any = None
    assistant_: Any = None
    runs: RunStore = field(init=False)  # in this process, or in Redis for several workers
    metrics: Metrics = field(default_factory=Metrics)
    redis_client: redis.Redis | None = field(init=False, default=None)  # SARTO_REDIS_URL, shared
    guest_limiter: SharedLimit = field(init=False)
    claim_limiter: SharedLimit = field(init=False)
    # False when the caller (a test) handed in its own assistant: the index then opens on first search
    index_at_start: bool = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        url = self.settings.redis_url
        self.redis_client = open_shared_redis(url) if url else None
        self.runs = InMemoryRunStore()
        if url:
            from redis.asyncio import BlockingConnectionPool, Redis

            from agent.server.runs.redis_store import RedisRunStore

            # a busy worker waits for a free connection rather than failing the turn (the default
            # pool refuses its 101st connection with MaxConnectionsError: 500s under load)
            pool = BlockingConnectionPool.from_url(url, max_connections=128, timeout=20,
                                                   socket_connect_timeout=2)
            self.runs = RedisRunStore(Redis.from_pool(pool))
        self.guest_limiter = guest_signup_limit(url, self.redis_client)
        self.claim_limiter = claim_failure_limit(url, self.redis_client)
        self.index_at_start = self.assistant_ is None

    def shop(self) -> Shop:
        with self._lock:
            if self.shop_ is None:
                s = self.settings
                self.shop_ = open_shop(s.resolved_database_url, s.data_dir, s.chroma_url)
            return self.shop_  # type: ignore[no-any-return]

    def assistant(self) -> AssistantProtocol:
        shop = self.shop()
        with self._lock:
            if self.assistant_ is None:
                from agent.assistant import Assistant  # langgraph and the planners: loaded when serving

                self.assistant_ = Assistant.open(self.settings, shop)
            return self.assistant_  # type: ignore[no-any-return]

    def warm_up(self) -> None:
        """Open what the first request would otherwise wait for: the database, the assistant with
        its checkpointer and, unless a test handed in its own assistant, the catalog index and its
        embedding model."""
        fail_orphans(self.shop().engine)  # imports whose process died: failed, nothing applied
        self.assistant()
        if self.index_at_start:
            catalog_index(self.shop())


# The dependencies are `async def`: FastAPI runs a plain `def` dependency in its thread pool, and
# those hops (several per request) cost more CPU than the work they do.

async def get_resources(request: Request) -> Resources:
    return request.app.state.resources  # type: ignore[no-any-return]


ResourcesDep = Annotated[Resources, Depends(get_resources)]


async def get_settings_dep(resources: ResourcesDep) -> Settings:
    return resources.settings


async def get_shop(resources: ResourcesDep) -> Shop:
    if resources.shop_ is not None:
        return resources.shop_  # type: ignore[no-any-return]
    return await asyncio.to_thread(resources.shop)  # opening it reads the database


async def get_assistant(resources: ResourcesDep) -> AssistantProtocol:
    if resources.assistant_ is not None:
        return resources.assistant_  # type: ignore[no-any-return]
    return await asyncio.to_thread(resources.assistant)


async def get_runs(resources: ResourcesDep) -> RunStore:
    return resources.runs


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
ShopDep = Annotated[Shop, Depends(get_shop)]
AssistantDep = Annotated[AssistantProtocol, Depends(get_assistant)]
RunStoreDep = Annotated[RunStore, Depends(get_runs)]


async def get_language(request: Request) -> str:
    return language_of(request)


LanguageDep = Annotated[str, Depends(get_language)]


# The two ways to sign in, declared so the OpenAPI description says which operation takes which.
# auto_error=False: a missing or malformed credential is answered by us, as a problem.
shopper_token = HTTPBearer(
    scheme_name="shopperToken", bearerFormat="JWT", auto_error=False,
    description="A shopper's access token (POST /v1/auth/guest, /v1/auth/shopper-token).")
retailer_key = APIKeyHeader(name="X-API-Key", scheme_name="apiKey", auto_error=False,
                            description="The retailer backend's key (SARTO_API_KEY).")
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Security(shopper_token)]
KeyCredentials = Annotated[str | None, Security(retailer_key)]


def _principal(settings: Settings, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    token = credentials.credentials.strip() if credentials is not None else ""
    if not token:
        raise ApiError(401, "unauthorized", ("Serve un token: Authorization: Bearer <token>.",
                                             "A token is needed: Authorization: Bearer <token>."),
                       headers={"WWW-Authenticate": "Bearer"})
    return verify_access(settings, token)


async def get_shopper(settings: SettingsDep, shop: ShopDep, credentials: BearerCredentials) -> Principal:
    principal = _principal(settings, credentials)
    # one indexed read: an erased shopper's tokens stop working at once, on every worker
    return require_current(principal, token_version(shop, principal.shopper_id))


ShopperDep = Annotated[Principal, Depends(get_shopper)]


def api_key_ok(settings: Settings, key: str | None) -> bool:
    """The retailer backend's key, compared in constant time."""
    return bool(key) and hmac.compare_digest(str(key).encode(), settings.api_key.encode())


async def require_api_key(settings: SettingsDep, x_api_key: KeyCredentials) -> None:
    if not api_key_ok(settings, x_api_key):
        raise ApiError(401, "unauthorized", ("Chiave API mancante o non valida (X-API-Key).",
                                             "Missing or invalid API key (X-API-Key)."))


ApiKeyDep = Annotated[None, Depends(require_api_key)]


@dataclass(frozen=True)
class Caller:
    """Who may touch /v1/shoppers/{id}/...: the retailer's backend, or that shopper themself."""

    shopper_id: str | None  # None: the backend (API key)
    is_backend: bool


async def get_shopper_or_backend(settings: SettingsDep, shop: ShopDep, shopper_id: Annotated[Id, Path()],
                                 credentials: BearerCredentials, x_api_key: KeyCredentials) -> Caller:
    if x_api_key is not None:
        if not api_key_ok(settings, x_api_key):
            raise ApiError(401, "unauthorized", ("Chiave API non valida.", "Invalid API key."))
        return Caller(None, True)
    principal = _principal(settings, credentials)
    if principal.shopper_id != shopper_id:
        raise not_found("shopper")  # another shopper's id: indistinguishable from a missing one
    require_current(principal, token_version(shop, principal.shopper_id))
    return Caller(principal.shopper_id, False)


OwnerOrBackendDep = Annotated[Caller, Depends(get_shopper_or_backend)]
