"""Where the shopper is: Italian city names (IT and EN) to coordinates, and great-circle distances."""

from __future__ import annotations

import math

from tools.lexicon import normalise

_EARTH_RADIUS_KM = 6371.0088

# (lat, lon) of the city centre; both the Italian and the English name where they differ.
_CITIES: dict[tuple[str, ...], tuple[float, float]] = {
    ("milano", "milan"): (45.4642, 9.1900),
    ("roma", "rome"): (41.9028, 12.4964),
    ("napoli", "naples"): (40.8518, 14.2681),
    ("torino", "turin"): (45.0703, 7.6869),
    ("firenze", "florence"): (43.7696, 11.2558),
    ("bologna",): (44.4949, 11.3426),
    ("venezia", "venice", "mestre"): (45.4408, 12.3155),
    ("verona",): (45.4384, 10.9916),
    ("genova", "genoa"): (44.4056, 8.9463),
    ("bari",): (41.1171, 16.8719),
    ("palermo",): (38.1157, 13.3615),
    ("padova", "padua"): (45.4064, 11.8768),
    ("trieste",): (45.6495, 13.7768),
    ("lecce",): (40.3515, 18.1750),
    ("perugia",): (43.1107, 12.3908),
    ("cagliari",): (39.2238, 9.1217),
    ("catania",): (37.5079, 15.0830),
    ("brescia",): (45.5416, 10.2118),
    ("bergamo",): (45.6983, 9.6773),
    ("pisa",): (43.7228, 10.4017),
    ("monza",): (45.5845, 9.2744),
    ("como",): (45.8081, 9.0852),
    ("varese",): (45.8206, 8.8251),
    ("pavia",): (45.1847, 9.1582),
    ("parma",): (44.8015, 10.3279),
    ("modena",): (44.6471, 10.9252),
    ("reggio emilia",): (44.6989, 10.6297),
    ("rimini",): (44.0678, 12.5695),
    ("ravenna",): (44.4184, 12.2035),
    ("ferrara",): (44.8381, 11.6198),
    ("vicenza",): (45.5455, 11.5354),
    ("treviso",): (45.6669, 12.2430),
    ("udine",): (46.0711, 13.2346),
    ("trento",): (46.0748, 11.1217),
    ("bolzano",): (46.4983, 11.3548),
    ("livorno",): (43.5485, 10.3106),
    ("siena",): (43.3188, 11.3308),
    ("lucca",): (43.8429, 10.5027),
    ("ancona",): (43.6158, 13.5189),
    ("pescara",): (42.4618, 14.2161),
    ("salerno",): (40.6824, 14.7681),
    ("caserta",): (41.0742, 14.3329),
    ("taranto",): (40.4644, 17.2470),
    ("reggio calabria",): (38.1113, 15.6473),
    ("messina",): (38.1938, 15.5540),
    ("sassari",): (40.7259, 8.5557),
    ("la spezia",): (44.1025, 9.8241),
    ("novara",): (45.4469, 8.6220),
    ("alessandria",): (44.9136, 8.6150),
}

CITY_COORDS: dict[str, tuple[float, float]] = {
    name: coords for names, coords in _CITIES.items() for name in names
}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def city_key(city: str) -> str:
    """The normalised form used as a CITY_COORDS key ('Reggio-Emilia' -> 'reggio emilia')."""
    return normalise(city)


def locate(city: str | None = None, lat: float | None = None,
           lon: float | None = None) -> tuple[float, float] | None:
    """Coordinates from explicit lat/lon (preferred) or a known city name; None when unknown.

    Coordinates must both be given and be plausible world coordinates; a city is matched by its
    normalised name, also when written inside a phrase ("a Milano", "near Rome").
    """
    if lat is not None and lon is not None:
        if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0:
            return (float(lat), float(lon))
        return None
    if not city:
        return None
    key = city_key(city)
    if key in CITY_COORDS:
        return CITY_COORDS[key]
    words = key.split()
    for n in (2, 1):  # "vicino a reggio emilia", "in milano centro"
        for i in range(len(words) - n + 1):
            phrase = " ".join(words[i:i + n])
            if phrase in CITY_COORDS:
                return CITY_COORDS[phrase]
    return None

