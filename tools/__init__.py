"""The tools the stylist calls, as plain typed functions, and the commerce rooms they stand on.

The tool table (`tools.table.TOOLS`) lists them with their argument models for the planners, the
HTTP routes and outside agents; each function is exported here too. The package loads lazily, so
importing a light module (taxonomy, lexicon) pulls in neither the database nor the model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.catalog.search import search_products
    from tools.db.shop import Shop, open_shop
    from tools.outfits.alternatives import find_budget_alternatives
    from tools.outfits.assemble import assemble_outfit
    from tools.stock.availability import check_availability
    from tools.stock.reservations import cancel_reservation, list_reservations, reserve_in_store
    from tools.stock.stores import find_nearby_stores
    from tools.table import TOOLS, run_tool

__all__ = [
    "TOOLS", "Shop", "assemble_outfit", "cancel_reservation", "check_availability",
    "find_budget_alternatives", "find_nearby_stores", "list_reservations", "open_shop",
    "reserve_in_store", "run_tool", "search_products",
]
_EXPORTS = {
    "TOOLS": "tools.table", "run_tool": "tools.table", "Shop": "tools.db.shop", "open_shop": "tools.db.shop",
    "search_products": "tools.catalog.search", "check_availability": "tools.stock.availability",
    "find_nearby_stores": "tools.stock.stores", "assemble_outfit": "tools.outfits.assemble",
    "find_budget_alternatives": "tools.outfits.alternatives",
    "reserve_in_store": "tools.stock.reservations", "list_reservations": "tools.stock.reservations",
    "cancel_reservation": "tools.stock.reservations",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'tools' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
