"""Security headers on every response, by what the response is.

- The demo storefront's pages (and the store pages) get a strict CSP: scripts, styles, images and
  connections from this origin only, no inline code (the widget adopts its stylesheet, so it runs
  under it), no framing. JSON-LD is a data block, not a script: the policy does not apply to it.
- `/widget.js` and product images may be used from a retailer's pages (another origin): they are
  served for cross-origin use; the retailer's own CSP governs the page the widget runs in.
- Images are SVG: sandboxed, so one opened on its own can run nothing.
- Everything else (the API, problem answers, streams, metrics) is data: `default-src 'none'`.
`nosniff` everywhere, so no answer — an error echoing a path included — is ever read as HTML.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STOREFRONT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                  "form-action 'self'; frame-ancestors 'none'")
IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
# Swagger UI and ReDoc load their bundles from a CDN and start with an inline script.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
            "img-src 'self' data: https://fastapi.tiangolo.com; font-src 'self' https://fonts.gstatic.com; "
            "worker-src 'self' blob:; frame-ancestors 'none'")
DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def headers_for(path: str) -> dict[str, str]:
    common = {"X-Content-Type-Options": "nosniff"}
    if path == "/" or path.startswith(("/products/", "/stores")):
        return {**common, "Content-Security-Policy": STOREFRONT_CSP, "X-Frame-Options": "DENY",
                "Referrer-Policy": "strict-origin-when-cross-origin"}
    if path == "/widget.js":
        return {**common, "Cross-Origin-Resource-Policy": "cross-origin"}
    if path.startswith("/images/"):
        return {**common, "Content-Security-Policy": IMAGE_CSP,
                "Cross-Origin-Resource-Policy": "cross-origin"}
    if path.startswith("/static/"):
        return {**common, "Cross-Origin-Resource-Policy": "same-origin"}
    if path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        return {**common, "Content-Security-Policy": DOCS_CSP, "X-Frame-Options": "DENY"}
    return {**common, "Content-Security-Policy": DATA_CSP, "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer"}


class SecurityHeaders:
    """Pure ASGI, so streamed answers are not buffered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = headers_for(scope["path"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
