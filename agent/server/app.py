"""The FastAPI app: `create_app(settings)` wires resources, error handling, CORS, metrics, routes."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from agent.server import openapi
from agent.server.catalog_watch import watch_catalog, watch_stock
from agent.server.deps import Resources
from agent.server.edge import InputGuard
from agent.server.headers import SecurityHeaders
from agent.server.metrics import Metrics
from agent.server.problems import install_problem_handlers
from agent.server.routes import agent as agent_routes
from agent.server.routes import auth, catalog, imports, ops, reservations, shoppers, stores, web
from agent.server.runs.redis_store import RedisRunStore
from agent.settings import Settings
from tools.stock.stores import store_map

log = logging.getLogger("sarto.server")


class UnsafeSettings(RuntimeError):
    """Production with a public default secret or key: refuse to start."""

    def __init__(self, unsafe: list[str]) -> None:
        super().__init__("refusing to start with SARTO_ENV=production: set " + "; ".join(unsafe))


class MetricsMiddleware:
    """Counts requests by route template and status (pure ASGI, so streams are not buffered)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                self.metrics.request_duration.observe(time.perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(method=scope["method"], route=template,
                                         status=str(status["code"])).inc()


def create_app(settings: Settings, assistant: Any = None, shop: Any = None) -> FastAPI:
    """Build the app. `assistant`/`shop` are injected by tests; otherwise opened in the lifespan."""
    unsafe = settings.unsafe_defaults()
    if unsafe and settings.env == "production":
        raise UnsafeSettings(unsafe)
    if unsafe:
        log.warning("default or weak secrets in use (refused with SARTO_ENV=production): %s",
                    "; ".join(unsafe))
    resources = Resources(settings=settings, shop_=shop, assistant_=assistant)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(resources.warm_up)
        await resources.runs.start()
        watchers = [asyncio.create_task(watch_catalog(resources.shop()))]
        if isinstance(resources.runs, RedisRunStore):  # other workers' stock updates
            watchers.append(asyncio.create_task(watch_stock(resources.runs.redis, resources.shop())))
        yield
        for watcher in watchers:
            watcher.cancel()
        await resources.runs.cancel_all()
        await resources.runs.close()
        if resources.redis_client is not None:
            resources.redis_client.close()

    app = FastAPI(title="Sarto API", version="0.1.0", lifespan=lifespan,
                  description="Sarto, the AI stylist: AG-UI and AI SDK streams, catalog, stock, "
                              "reservations, shopper data. Errors are application/problem+json.")
    app.state.resources = resources
    install_problem_handlers(app)
    app.add_middleware(InputGuard)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
                           allow_headers=["Authorization", "Content-Type", "X-API-Key", "Last-Event-ID",
                                          "Accept-Language"],
                           expose_headers=["Retry-After", "x-vercel-ai-ui-message-stream", "x-sarto-run-id"],
                           max_age=600)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(MetricsMiddleware, metrics=resources.metrics)
    if settings.trusted_proxies:  # only their forwarded headers name the client (rate limits, logs)
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    for module in (ops, auth, agent_routes, catalog, imports, shoppers, reservations, stores, web):
        app.include_router(module.router)
    web.mount_static(app)
    openapi.install(app, lambda: {code: store.city for code, store in store_map(resources.shop()).items()})
    return app


def app_from_environment() -> FastAPI:
    """One worker's app, from SARTO_* (what `sarto serve --workers N` starts in each process)."""
    from agent.settings import get_settings

    return create_app(get_settings())


def server_config(app: FastAPI, host: str, port: int, **options: Any) -> uvicorn.Config:
    """How Sarto is served. Forwarded headers are the app's to trust (SARTO_TRUSTED_PROXIES), so the
    server itself believes none: uvicorn's default would trust X-Forwarded-For from 127.0.0.1."""
    return uvicorn.Config(app, host=host, port=port, proxy_headers=False, **options)
