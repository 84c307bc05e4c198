"""The widget, the demo storefront pages and the generated product images."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from agent.server.deps import ShopDep
from agent.server.problems import not_found
from tools.catalog.products import product_record

router = APIRouter(tags=["web"], include_in_schema=False)
WEB_DIR = Path(__file__).resolve().parents[3] / "web"
STOREFRONT = WEB_DIR / "storefront"
IMAGE_CACHE = "public, max-age=604800, stale-while-revalidate=86400"


def _page(path: Path) -> FileResponse:
    if not path.is_file():
        raise not_found("page")
    return FileResponse(path, headers={"Cache-Control": "no-cache"})


@router.get("/")
def storefront_home() -> FileResponse:
    return _page(STOREFRONT / "index.html")


@router.get("/products/{sku}")
def storefront_product(sku: str) -> FileResponse:
    # One page shell for every product: its script reads the sku from the URL and fetches the JSON.
    product_page = STOREFRONT / "product.html"
    return _page(product_page if product_page.is_file() else STOREFRONT / "index.html")


@router.get("/widget.js")
def widget_js() -> FileResponse:
    return _page(WEB_DIR / "widget.js")


@router.get("/images/{sku}.svg")
def product_image(sku: str, shop: ShopDep) -> Response:
    from catalog_seed.images import render_svg

    record = product_record(shop, sku)
    if record is None:
        raise not_found("product")
    product = record.columns
    svg = render_svg(product["category"], list(product["colours"]), product["pattern"], product["title_it"])
    etag = f'"{record.content_hash[:16]}"'
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": IMAGE_CACHE, "ETag": etag})


def mount_static(app: FastAPI) -> None:
    """`/static/*` serves web/ (storefront assets, widget parts)."""
    app.mount("/static", StaticFiles(directory=WEB_DIR, check_dir=False), name="static")
