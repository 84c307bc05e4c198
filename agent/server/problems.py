"""RFC 9457 problem+json answers with a stable `code`, titled in the shopper's language (it/en)."""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tools.errors import Conflict, NotFound, ShopError, missing

log = logging.getLogger("sarto.server")

PROBLEM_JSON = "application/problem+json"
Language = Literal["it", "en"]

# code -> (Italian title, English title)
TITLES: dict[str, tuple[str, str]] = {
    "unauthorized": ("Autenticazione richiesta", "Authentication required"),
    "forbidden": ("Operazione non consentita", "Not allowed"),
    "not_found": ("Risorsa non trovata", "Not found"),
    "validation_error": ("Richiesta non valida", "Invalid request"),
    "rate_limited": ("Troppe richieste", "Too many requests"),
    "conflict": ("Conflitto", "Conflict"),
    "out_of_stock": ("Non disponibile", "Out of stock"),
    "method_not_allowed": ("Metodo non consentito", "Method not allowed"),
    "internal": ("Errore interno", "Internal error"),
    "unavailable": ("Servizio non disponibile", "Service unavailable"),
    "payload_too_large": ("Richiesta troppo grande", "Request too large"),
    "now_not_allowed": ("Orario non modificabile", "The time cannot be set"),
    "idempotency_key_reused": ("Chiave di idempotenza già usata", "Idempotency key already used"),
    "unknown_store": ("Negozio sconosciuto", "Unknown store"),
    "unknown_location": ("Luogo sconosciuto", "Unknown location"),
    "unknown_variant": ("Articolo sconosciuto", "Unknown item"),
    "unknown_size": ("Taglia sconosciuta", "Unknown size"),
    "price_changed": ("Prezzo cambiato", "Price changed"),
    "pickup_unavailable": ("Ritiro non disponibile", "Pickup unavailable"),
    "llm_unavailable": ("Modello non disponibile", "Model unavailable"),
    "cancelled": ("Annullato", "Cancelled"),
    "interrupted": ("Interrotto", "Interrupted"),
    "in_the_future": ("Data nel futuro", "Dated in the future"),
    "too_many_units": ("Troppi pezzi", "Too many units"),
}
# Codes a tool raises as "invalid" that name a record the shop does not have: well-formed requests,
# answered like any other missing thing.
MISSING_RECORD_CODES = frozenset({"unknown_variant"})
_STATUS_CODES = {400: "validation_error", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 422: "validation_error",
                 429: "rate_limited", 503: "unavailable"}
# Details we write ourselves come in both languages: (it, en).
DETAILS: dict[str, tuple[str, str]] = {
    "not_found": ("La risorsa richiesta non esiste.", "The requested resource does not exist."),
    "unauthorized": ("Token mancante, scaduto o non valido.", "Missing, expired or invalid token."),
    "internal": ("Qualcosa è andato storto. Riprova più tardi.", "Something went wrong. Please retry later."),
    "rate_limited": ("Troppe richieste: riprova tra poco.", "Too many requests: retry shortly."),
}


def language_of(request: Request) -> Language:
    """`it` or `en` from Accept-Language (first supported tag wins; Italian is the shop's default)."""
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag == "en":
            return "en"
        if tag == "it":
            return "it"
    return "it"


class ApiError(Exception):
    """Raised by routes and services; rendered as a problem+json answer."""

    def __init__(self, status: int, code: str, detail: str | tuple[str, str] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers
        self.extra = extra


def not_found(what: str = "") -> ApiError:
    return ApiError(404, "not_found", missing(what) if what else DETAILS["not_found"])


def problem(request: Request, status: int, code: str, detail: str | tuple[str, str] | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    lang = language_of(request)
    pick = 0 if lang == "it" else 1
    title = TITLES.get(code, TITLES[_STATUS_CODES.get(status, "internal" if status >= 500 else
                                                      "validation_error")])[pick]
    if detail is None:
        detail = DETAILS.get(code, (title, title))
    text = detail[pick] if isinstance(detail, tuple) else detail
    body = {"type": f"https://sarto.dev/problems/{code}", "title": title, "status": status,
            "detail": text, "code": code, "instance": request.url.path, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        item = {"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", "")),
                "type": str(err.get("type", ""))}
        ctx = err.get("ctx") or {}
        if "expected" in ctx:
            item["allowed"] = str(ctx["expected"])
        errors.append(item)
    return errors


def allowed_methods(request: Request, named: str) -> str:
    """Every method served at this path, as the API's description lists them (HEAD with GET).
    The router's own 405 names the methods of the first route that matched the path only (GET
    /v1/reservations, not its POST); pages outside the description keep what it named."""
    path = request.url.path
    for template, item in request.app.openapi().get("paths", {}).items():
        if re.fullmatch(re.sub(r"\{[^/}]+\}", "[^/]+", re.escape(template).replace(r"\{", "{")
                               .replace(r"\}", "}")), path):
            methods = {m.upper() for m in item} | ({"HEAD"} if "get" in item else set())
            return ", ".join(sorted(methods))
    return named


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return problem(request, exc.status, exc.code, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(ShopError)
    async def _shop_error(request: Request, exc: ShopError) -> JSONResponse:
        missing = isinstance(exc, NotFound) or exc.code in MISSING_RECORD_CODES
        status = 404 if missing else 409 if isinstance(exc, Conflict) else 422
        return problem(request, status, exc.code, exc.message, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "internal" if exc.status_code >= 500 else "bad_request")
        ours = isinstance(exc.detail, str) and exc.status_code not in (404, 401)
        detail = str(exc.detail) if ours else None
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request, (headers or {}).get("Allow", ""))}
        return problem(request, exc.status_code, code, detail, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        first = errors[0] if errors else {"loc": [], "msg": "invalid"}
        where = ".".join(p for p in first["loc"] if p not in ("body", "query", "path"))
        detail = f"{where}: {first['msg']}" if where else str(first["msg"])
        return problem(request, 422, "validation_error", detail, errors=errors)

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        # The traceback goes to the log, never to the client.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(request, 500, "internal")
