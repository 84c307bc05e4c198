"""Availability and nearby stores: the numbers the shopper reads are the inventory rows."""

from __future__ import annotations

from sqlalchemy import text

from tools.geo import CITY_COORDS, haversine_km, locate
from tools.stock.availability import availability_for_variants, check_availability
from tools.stock.stores import find_nearby_stores, store_map


def _free_rows(shop, variant_id: str) -> dict[str, int]:
    with shop.engine.connect() as conn:
        rows = conn.execute(text("SELECT location, quantity - reserved FROM inventory "
                                 "WHERE variant_id = :v AND quantity - reserved > 0"), {"v": variant_id})
        return {loc: int(q) for loc, q in rows}


def _variant_in_several_stores(shop) -> tuple[str, str, str]:
    """(sku, size, variant_id) of a variant in stock online and in at least 3 stores."""
    with shop.engine.connect() as conn:
        variant_id, sku, size = conn.execute(text(
            "SELECT v.id, p.sku, v.size FROM variants v JOIN products p ON p.id = v.product_id "
            "JOIN inventory i ON i.variant_id = v.id WHERE i.quantity - i.reserved > 0 "
            "GROUP BY v.id, p.sku, v.size HAVING COUNT(*) >= 4 ORDER BY v.id LIMIT 1")).one()
    return sku, size, variant_id


def test_haversine_matches_known_distance() -> None:
    milano, roma = CITY_COORDS["milano"], CITY_COORDS["rome"]
    assert 470 < haversine_km(*milano, *roma) < 490  # Milano-Roma is ~477 km as the crow flies
    assert haversine_km(*milano, *milano) == 0


def test_locate_understands_italian_english_and_phrases() -> None:
    assert locate("Napoli") == locate("Naples") is not None
    assert locate("vicino a Reggio Emilia") == CITY_COORDS["reggio emilia"]
    assert locate("Trieste") is not None  # a city without a store
    assert locate("Atlantide") is None
    assert locate(lat=45.0, lon=9.0) == (45.0, 9.0)
    assert locate(lat=145.0, lon=9.0) is None


def test_size_availability_matches_inventory_rows(shop) -> None:
    sku, size, variant_id = _variant_in_several_stores(shop)
    card = check_availability(shop, sku, size, city="Roma")
    assert card.status == "ok"
    assert {s.location: s.quantity for s in card.locations} == _free_rows(shop, variant_id)


def test_locations_are_online_first_then_nearest_store(shop) -> None:
    sku, size, _ = _variant_in_several_stores(shop)
    card = check_availability(shop, sku, size, city="Napoli")
    stores = [s for s in card.locations if s.location != "online"]
    distances = [s.distance_km for s in stores]
    assert all(d is not None for d in distances)
    assert distances == sorted(distances)  # type: ignore[type-var]
    if any(s.location == "online" for s in card.locations):
        assert card.locations[0].location == "online"
    origin = locate("Napoli")
    assert origin is not None
    for s in stores:
        info = store_map(shop)[s.location]
        assert abs(haversine_km(*origin, info.lat, info.lon) - (s.distance_km or 0)) < 0.1


def test_every_size_is_summed_per_location(shop) -> None:
    sku, _, _ = _variant_in_several_stores(shop)
    card = check_availability(shop, sku)
    assert card.status == "ok" and card.size is None
    totals: dict[str, int] = {}
    for size in card.sizes_in_stock:
        rows = _free_rows(shop, f"{sku}-{size}")
        assert {s.location: s.quantity for s in card.sizes[size]} == rows
        for loc, q in rows.items():
            totals[loc] = totals.get(loc, 0) + q
    assert {s.location: s.quantity for s in card.locations} == totals


def test_unknown_sku_and_size_are_statuses_not_errors(shop) -> None:
    assert check_availability(shop, "SRT-XXX-999999").status == "not_found"
    sku, _, _ = _variant_in_several_stores(shop)
    wrong = check_availability(shop, sku, size="99")
    assert wrong.status == "unknown_size"
    assert wrong.detail and "sizes" in wrong.detail


def test_availability_for_variants_in_one_call(shop) -> None:
    _, _, variant_id = _variant_in_several_stores(shop)
    found = availability_for_variants(shop, [variant_id, "SRT-XXX-999999-50"], origin=locate("Milano"))
    assert {s.location: s.quantity for s in found[variant_id]} == _free_rows(shop, variant_id)
    assert found["SRT-XXX-999999-50"] == []


def test_nearby_stores_are_sorted_and_filtered_by_variant(shop) -> None:
    _, _, variant_id = _variant_in_several_stores(shop)
    everywhere = find_nearby_stores(shop, city="Milano", limit=12)
    assert everywhere.status == "ok"
    assert everywhere.stores[0].city == "Milano"
    distances = [s.distance_km or 0 for s in everywhere.stores]
    assert distances == sorted(distances)

    holding = find_nearby_stores(shop, city="Milano", variant_id=variant_id, limit=12)
    free = _free_rows(shop, variant_id)
    assert {s.code for s in holding.stores} == {loc for loc in free if loc != "online"}
    assert all(s.available == free[s.code] for s in holding.stores)


def test_nearby_stores_fail_soft(shop) -> None:
    assert find_nearby_stores(shop, city="Atlantide").status == "unknown_location"
    assert find_nearby_stores(shop).status == "needs_location"
    assert find_nearby_stores(shop, city="Roma", variant_id="SRT-XXX-1-50").status == "not_found"
    assert find_nearby_stores(shop, city="Roma", limit=0).status == "invalid"
    by_code = find_nearby_stores(shop, city="NA01", limit=1)
    assert by_code.stores[0].code == "NA01"
