"""What a tool or service raises when the records cannot do what was asked. Messages come in the
shop's two languages; the HTTP layer turns them into problem answers (not found → 404, the rest
→ 422), the CLI into a message and exit code 2."""

from __future__ import annotations

from typing import Any

Message = tuple[str, str]  # (Italian, English)


class ShopError(Exception):
    """A request the shop's records refuse, with a stable code and a message for people."""

    def __init__(self, code: str, message: Message, **extra: Any) -> None:
        super().__init__(message[1])
        self.code = code
        self.message = message
        self.extra: dict[str, Any] = extra


# What may be missing, as each language names it (Italian with its gender: "non trovata").
_MISSING: dict[str, tuple[str, str]] = {
    "product": ("Prodotto non trovato.", "Product not found."),
    "variant": ("Variante non trovata.", "Variant not found."),
    "shopper": ("Cliente non trovato.", "Shopper not found."),
    "store": ("Negozio non trovato.", "Store not found."),
    "reservation": ("Prenotazione non trovata.", "Reservation not found."),
    "thread": ("Conversazione non trovata.", "Conversation not found."),
    "chat": ("Conversazione non trovata.", "Chat not found."),
    "run": ("Esecuzione non trovata.", "Run not found."),
    "page": ("Pagina non trovata.", "Page not found."),
    "import": ("Importazione non trovata.", "Import not found."),
    "report": ("Rapporto non trovato.", "Report not found."),
    "receipt_code": ("Nessuno scontrino ha questo codice.", "No receipt has this code."),
}


def missing(what: str) -> Message:
    """ "<thing> not found." wholly in each language (never "product non trovato.")."""
    return _MISSING.get(what, ("Elemento non trovato.", f"{what.capitalize()} not found."))


class NotFound(ShopError, LookupError):
    """The thing does not exist — or belongs to another shopper, which must look the same."""

    def __init__(self, what: str) -> None:
        super().__init__("not_found", missing(what))
        self.what = what


class Conflict(ShopError):
    """The request clashes with what already exists (an id used before)."""


class Invalid(ShopError, ValueError):
    """The data sent breaks a rule of the shop (an unknown store, an event in the future, ...)."""
