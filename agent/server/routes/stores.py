"""The public store pages: `/stores` lists the shops, `/stores/{code}` shows one store's address,
hours and what it has in stock now, with schema.org JSON-LD, and links into the chat with the
store chosen. Rendered on the server (search engines read them without running scripts); every
value is escaped, since product titles come from retailers' feeds."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from agent.server.deps import ShopDep
from tools.catalog.exports.json_ld import store_json_ld, store_url
from tools.catalog.exports.selection import LOW_STOCK
from tools.catalog.exports.store_shelf import StoreShelf, store_directory, store_shelf
from tools.clock import shop_now
from tools.db.shop import Shop
from tools.stock.reservations import expire_reservations

router = APIRouter(tags=["web"], include_in_schema=False)
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
MAX_CODE = 32
DAYS_IT = {"mon": "Lunedì", "tue": "Martedì", "wed": "Mercoledì", "thu": "Giovedì", "fri": "Venerdì",
           "sat": "Sabato", "sun": "Domenica"}
SERVICES_IT = {"pickup": "ritiro in negozio", "tailoring": "sartoria", "styling": "consulenza di stile"}
DESCRIPTION_MAX = 160


def _euro(value: Decimal) -> str:
    grouped = f"{Decimal(value):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{grouped} €"  # Italian: 1.249,00 €


def _stock_words(units: int) -> str:
    return "ultimi pezzi" if units <= LOW_STOCK else "disponibile"


@lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["euro"] = _euro
    env.filters["stock_words"] = _stock_words
    return env


def _render(template: str, status: int = 200, **values: Any) -> HTMLResponse:
    defaults: dict[str, Any] = {"description": None, "canonical": None, "json_ld": None, "store_code": None}
    html = _templates().get_template(template).render(**{**defaults, **values})
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-cache"})


def _listing(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} e {words[-1]}"


def page_title(shelf: StoreShelf) -> str:
    """What a search result shows: the kinds of clothes, for whom, the city ("giacca uomo Milano")."""
    store = shelf.store
    kinds = [c.lower() for c in shelf.categories[:3]]
    people = [d.heading.lower() for d in shelf.departments if d.department]
    if not kinds:
        return f"{store.name}, {store.city}: indirizzo, orari e disponibilità | Sarto"
    what = _listing(kinds).capitalize() + (f" {_listing(people)}" if people else "")
    return f"{what} disponibili a {store.city} | {store.name}"


def page_description(shelf: StoreShelf) -> str:
    store = shelf.store
    kinds = [c.lower() for c in shelf.categories[:5]]
    text = (f"{store.name}, {store.address}, {store.city}: {shelf.products_in_stock} articoli disponibili "
            f"ora" + (f" tra {_listing(kinds)}" if kinds else "") + ". Prenota online, ritira in negozio.")
    return text if len(text) <= DESCRIPTION_MAX else text[:DESCRIPTION_MAX - 1].rstrip() + "…"


def _hours(hours: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, day in DAYS_IT.items():
        span = hours.get(key)
        rows.append((day, f"{span[0]}–{span[1]}" if isinstance(span, list | tuple) and len(span) == 2
                     else "chiuso"))
    return rows


def _shelf_now(shop: Shop, code: str) -> StoreShelf | None:
    if not code or len(code) > MAX_CODE:
        return None
    expire_reservations(shop, shop_now())  # holds past their time give their units back first
    return store_shelf(shop, code) or store_shelf(shop, code.upper())


def _not_found(message: str) -> HTMLResponse:
    return _render("not_found.html", status=404, title="Pagina non trovata | Sarto", page="not-found",
                   message=message)


@router.get("/stores", response_class=HTMLResponse)
def stores_index(request: Request, shop: ShopDep) -> HTMLResponse:
    stores = store_directory(shop)
    cities = _listing(list(dict.fromkeys(s.city for s in stores))) if stores else ""
    return _render("stores.html", title="Negozi Sarto" + (f" a {cities}" if cities else ""), page="stores",
                   description=f"I negozi Sarto a {cities}: indirizzi, orari e cosa è disponibile ora."
                   if cities else None, canonical=str(request.url_for("stores_index")), stores=stores)


@router.get("/stores/{code}", response_class=HTMLResponse)
def store_page(code: str, request: Request, shop: ShopDep) -> HTMLResponse:
    shelf = _shelf_now(shop, code)
    if shelf is None:
        return _not_found("Non abbiamo un negozio con questo codice.")
    store = shelf.store
    base_url = str(request.base_url)
    lead = (f"{shelf.products_in_stock} articoli disponibili ora da ritirare in negozio a {store.city}."
            if shelf.products_in_stock else f"Il negozio Sarto di {store.city}.")
    return _render(
        "store.html", title=page_title(shelf), description=page_description(shelf), page="store",
        canonical=store_url(base_url, store.code), json_ld=store_json_ld(shelf, base_url),
        store_code=store.code, store=store, shelf=shelf, lead=lead, hours=_hours(store.hours),
        services=[SERVICES_IT.get(s, s) for s in store.services],
        chat_link=f"/?store={quote(store.code, safe='')}")
