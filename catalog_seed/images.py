"""Product images drawn on the fly: a simple SVG silhouette per category family, in the product's colour."""

from __future__ import annotations

from html import escape

COLOUR_HEX: dict[str, str] = {
    "black": "#1f1f22",
    "white": "#f4f3ef",
    "navy": "#1f2a44",
    "blue": "#2f5fa8",
    "light_blue": "#9cc3e6",
    "grey": "#8d9096",
    "charcoal": "#3b3e44",
    "beige": "#d9c7a7",
    "camel": "#c19a6b",
    "brown": "#6b4a33",
    "green": "#2e6b45",
    "olive": "#6b6b3a",
    "burgundy": "#6d1f2f",
    "red": "#c0392b",
    "pink": "#e8a8b8",
    "yellow": "#e3b53b",
    "cream": "#efe6d2",
}
_FALLBACK_HEX = "#9a9a9a"

# Silhouettes on a 200x240 canvas.
_SHAPES: dict[str, str] = {
    "jacket": "M70 30 L100 45 L130 30 L170 55 L185 150 L160 155 L155 100 L152 215 L48 215 L45 100 "
    "L40 155 L15 150 L30 55 Z",
    "coat": "M72 22 L100 40 L128 22 L168 48 L184 170 L160 174 L156 110 L156 230 L44 230 L44 110 L40 174 "
    "L16 170 L32 48 Z",
    "top": "M70 35 Q100 55 130 35 L175 60 L160 95 L142 85 L142 210 L58 210 L58 85 L40 95 L25 60 Z",
    "trousers": "M60 20 L140 20 L150 225 L112 225 L100 90 L88 225 L50 225 Z",
    "shorts": "M55 50 L145 50 L155 160 L110 165 L100 110 L90 165 L45 160 Z",
    "dress": "M78 25 L100 38 L122 25 L130 80 L120 110 L165 225 L35 225 L80 110 L70 80 Z",
    "skirt": "M65 50 L135 50 L165 210 L35 210 Z",
    "swim": "M55 60 L145 60 L140 100 Q100 135 60 100 Z M60 140 L140 140 L130 175 Q100 195 70 175 Z",
    "shoe": "M25 150 L40 110 Q70 120 95 115 L120 95 Q160 110 178 150 L180 168 L25 168 Z",
    "boot": "M60 40 L110 40 L112 130 Q160 138 178 165 L180 185 L55 185 L58 130 Z",
    "sandal": "M30 160 Q100 140 175 160 L175 172 L30 172 Z M60 160 Q80 118 100 158 M110 158 Q130 120 150 160",
    "tie": "M88 20 L112 20 L106 45 L124 190 L100 220 L76 190 L94 45 Z",
    "belt": "M15 105 L185 105 L185 135 L15 135 Z M130 98 L160 98 L160 142 L130 142 Z",
    "bag": "M40 90 L160 90 L170 210 L30 210 Z M70 90 Q70 40 100 40 Q130 40 130 90",
    "scarf": "M60 20 L110 20 L110 200 L120 225 L50 225 L60 200 Z M110 60 L150 70 L140 120 L110 110 Z",
    "hat": "M50 130 Q55 60 100 58 Q145 60 150 130 Z M25 130 L175 130 L170 150 L30 150 Z",
}
# Stroke-only details drawn over the fill: lapels and buttons, a placket, a shoe's sole.
_DETAILS: dict[str, str] = {
    "jacket": "M70 30 L92 75 L100 130 L108 75 L130 30 M100 150 v0.1 M100 175 v0.1",
    "coat": "M72 22 L94 70 L100 140 L106 70 L128 22 M100 160 v0.1 M100 190 v0.1",
    "top": "M100 50 V200",
    "shoe": "M25 160 H180",
    "boot": "M55 175 H180",
}
_FAMILY: dict[str, str] = {
    "suit": "jacket",
    "blazer": "jacket",
    "coat": "coat",
    "puffer": "coat",
    "raincoat": "coat",
    "outdoor_jacket": "jacket",
    "shirt": "top",
    "blouse": "top",
    "tshirt": "top",
    "polo": "top",
    "knitwear": "top",
    "activewear_top": "top",
    "trousers": "trousers",
    "jeans": "trousers",
    "activewear_bottom": "trousers",
    "shorts": "shorts",
    "dress": "dress",
    "skirt": "skirt",
    "swimwear": "swim",
    "formal_shoes": "shoe",
    "casual_shoes": "shoe",
    "running_shoes": "shoe",
    "boots": "boot",
    "hiking_boots": "boot",
    "sandals": "sandal",
    "tie": "tie",
    "belt": "belt",
    "bag": "bag",
    "scarf": "scarf",
    "hat": "hat",
}
_PATTERNS: dict[str, str] = {
    "pinstripe": '<pattern id="p" width="10" height="10" patternUnits="userSpaceOnUse">'
    '<path d="M5 0V10" stroke="{ink}" stroke-width="0.8"/></pattern>',
    "stripes": '<pattern id="p" width="16" height="16" patternUnits="userSpaceOnUse">'
    '<rect width="16" height="6" fill="{ink}"/></pattern>',
    "check": '<pattern id="p" width="20" height="20" patternUnits="userSpaceOnUse">'
    '<rect width="20" height="6" fill="{ink}"/><rect width="6" height="20" fill="{ink}"/></pattern>',
    "herringbone": '<pattern id="p" width="12" height="12" patternUnits="userSpaceOnUse">'
    '<path d="M0 12L6 0L12 12" fill="none" stroke="{ink}" stroke-width="1"/></pattern>',
    "polka_dots": '<pattern id="p" width="18" height="18" patternUnits="userSpaceOnUse">'
    '<circle cx="9" cy="9" r="3.5" fill="{ink}"/></pattern>',
    "floral": '<pattern id="p" width="28" height="28" patternUnits="userSpaceOnUse">'
    '<g fill="{ink}"><circle cx="14" cy="8" r="3"/><circle cx="8" cy="14" r="3"/>'
    '<circle cx="20" cy="14" r="3"/><circle cx="14" cy="20" r="3"/></g></pattern>',
    "melange": '<pattern id="p" width="8" height="8" patternUnits="userSpaceOnUse">'
    '<circle cx="2" cy="3" r="0.9" fill="{ink}"/><circle cx="6" cy="6" r="0.7" fill="{ink}"/></pattern>',
}


def _ink(base: str) -> str:
    """A contrasting overlay colour: light on dark fabrics, dark on light ones."""
    r, g, b = (int(base[i : i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if (r * 299 + g * 587 + b * 114) / 1000 < 140 else "#2b2b2b"


def _detail(family: str, outline: str) -> str:
    path = _DETAILS.get(family)
    if path is None:
        return ""
    return (
        f'<path d="{path}" fill="none" stroke="{outline}" stroke-width="3" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )


def render_svg(category: str | None, colours: list[str], pattern: str | None, title: str) -> str:
    """An SVG image of the product; same inputs, same bytes (unknown category: a bag's outline)."""
    base = COLOUR_HEX.get(colours[0], _FALLBACK_HEX) if colours else _FALLBACK_HEX
    ink = COLOUR_HEX.get(colours[1], _ink(base)) if len(colours) > 1 else _ink(base)
    family = _FAMILY.get(category or "", "bag")
    shape = _SHAPES[family]
    outline = "#00000040" if base != COLOUR_HEX["black"] else "#ffffff40"
    defs = _PATTERNS.get(pattern or "", "").format(ink=ink)
    overlay = f'<path d="{shape}" fill="url(#p)" opacity="0.55" stroke="none"/>' if defs else ""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 240" width="400" height="480" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"<defs>{defs}</defs>"
        '<rect width="200" height="240" rx="12" fill="#f6f4f0"/>'
        '<ellipse cx="100" cy="228" rx="70" ry="6" fill="#00000014"/>'
        f'<path d="{shape}" fill="{base}" stroke="{outline}" stroke-width="1.5" stroke-linejoin="round"/>'
        f"{overlay}{_detail(family, outline)}</svg>"
    )
