"""The shop's vocabulary: departments, categories, size systems, PIM attribute values and goals.

Everything that filters, seeds, infers or scores speaks these keys, so they live in one place.
Italian and English labels sit next to each key because shoppers type both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEPARTMENTS: dict[str, tuple[str, str]] = {
    # key: (Italian, English)
    "menswear": ("uomo", "men"),
    "womenswear": ("donna", "women"),
    "kids": ("bambino", "kids"),
}

# Size systems: IT tailoring numbers, international letters, EU shoe sizes, kids ages, one size.
SIZE_RUNS: dict[str, dict[str, tuple[str, ...]]] = {
    "IT": {
        "menswear": ("44", "46", "48", "50", "52", "54", "56", "58"),
        "womenswear": ("38", "40", "42", "44", "46", "48", "50"),
    },
    "INT": {
        "menswear": ("XS", "S", "M", "L", "XL", "XXL"),
        "womenswear": ("XS", "S", "M", "L", "XL"),
    },
    "EU": {
        "menswear": ("39", "40", "41", "42", "43", "44", "45", "46"),
        "womenswear": ("35", "36", "37", "38", "39", "40", "41"),
        "kids": ("28", "29", "30", "31", "32", "33", "34", "35"),
    },
    "AGE": {"kids": ("2A", "4A", "6A", "8A", "10A", "12A", "14A")},
    "ONE": {
        "menswear": ("TU",),
        "womenswear": ("TU",),
        "kids": ("TU",),
    },
}

# The letter size that corresponds to an Italian one (a shop's usual chart), for pieces sold in
# letters when the shopper gave only the Italian size; and back.
IT_TO_INT: dict[str, dict[str, str]] = {
    "menswear": {"44": "XS", "46": "S", "48": "M", "50": "L", "52": "XL", "54": "XXL", "56": "XXL"},
    "womenswear": {"38": "XS", "40": "S", "42": "M", "44": "L", "46": "XL", "48": "XL"},
}
INT_TO_IT: dict[str, dict[str, str]] = {
    "menswear": {"XS": "44", "S": "46", "M": "48", "L": "50", "XL": "52", "XXL": "54"},
    "womenswear": {"XS": "38", "S": "40", "M": "42", "L": "44", "XL": "46"},
}


@dataclass(frozen=True)
class Category:
    key: str
    it: str
    en: str
    departments: tuple[str, ...]
    size_system: str  # kids always use AGE for clothes and EU for shoes (see size_system_for)
    slot: str  # the outfit slot this category fills
    formality: tuple[int, int]  # the range of formality (1 sporty .. 5 black tie) it comes in
    price_eur: tuple[int, int]  # a realistic shop price range
    synonyms: tuple[str, ...] = ()  # other words shoppers use, both languages


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("suit", "abito", "suit", ("menswear", "womenswear"), "IT", "suit", (4, 5),
                 (249, 990), ("completo", "tailleur", "abito da uomo", "suits")),
        Category("blazer", "giacca", "blazer", ("menswear", "womenswear"), "IT", "jacket", (3, 5),
                 (119, 590), ("giacche", "blazer", "jacket", "jackets", "sport coat")),
        Category("trousers", "pantaloni", "trousers", ("menswear", "womenswear", "kids"), "IT",
                 "trousers", (2, 5), (49, 260), ("pantalone", "pants", "chino", "chinos", "slacks")),
        Category("jeans", "jeans", "jeans", ("menswear", "womenswear", "kids"), "IT", "trousers",
                 (1, 2), (39, 180), ("denim",)),
        Category("shorts", "bermuda", "shorts", ("menswear", "womenswear", "kids"), "INT",
                 "trousers", (1, 2), (25, 110), ("pantaloncini", "short")),
        Category("skirt", "gonna", "skirt", ("womenswear", "kids"), "IT", "skirt", (2, 5),
                 (39, 290), ("gonne", "skirts", "minigonna")),
        Category("dress", "vestito", "dress", ("womenswear", "kids"), "IT", "dress", (2, 5),
                 (59, 690), ("abito da donna", "abitino", "dresses", "gown", "vestiti")),
        Category("shirt", "camicia", "shirt", ("menswear", "womenswear", "kids"), "INT", "shirt",
                 (2, 5), (39, 190), ("camicie", "shirts", "dress shirt")),
        Category("blouse", "blusa", "blouse", ("womenswear",), "INT", "top", (2, 4), (39, 210),
                 ("bluse", "blouses", "top elegante")),
        Category("tshirt", "t-shirt", "t-shirt", ("menswear", "womenswear", "kids"), "INT", "top",
                 (1, 2), (15, 79), ("maglietta", "tee", "t shirt", "magliette", "tshirt")),
        Category("polo", "polo", "polo shirt", ("menswear", "kids"), "INT", "top", (1, 3),
                 (29, 129), ("polo shirt",)),
        Category("knitwear", "maglione", "jumper", ("menswear", "womenswear", "kids"), "INT",
                 "knitwear", (1, 4), (49, 390), ("maglia", "maglieria", "cardigan", "sweater",
                                                 "pullover", "dolcevita", "knit")),
        Category("coat", "cappotto", "coat", ("menswear", "womenswear", "kids"), "IT", "coat",
                 (3, 5), (149, 890), ("cappotti", "coats", "overcoat", "paltò")),
        Category("puffer", "piumino", "puffer jacket", ("menswear", "womenswear", "kids"), "INT",
                 "coat", (1, 2), (89, 450), ("piumini", "down jacket", "puffer")),
        Category("raincoat", "impermeabile", "raincoat", ("menswear", "womenswear", "kids"), "INT",
                 "coat", (1, 4), (69, 420), ("trench", "k-way", "giacca impermeabile",
                                             "rain jacket", "mac")),
        Category("outdoor_jacket", "giacca tecnica", "technical jacket",
                 ("menswear", "womenswear"), "INT", "coat", (1, 1), (89, 390),
                 ("softshell", "giacca trekking", "hiking jacket", "shell jacket")),
        Category("activewear_top", "maglia tecnica", "training top",
                 ("menswear", "womenswear", "kids"), "INT", "top", (1, 1), (19, 89),
                 ("maglia sportiva", "canotta", "sports top", "running top", "top sportivo")),
        Category("activewear_bottom", "pantaloni sportivi", "training bottoms",
                 ("menswear", "womenswear", "kids"), "INT", "trousers", (1, 1), (25, 99),
                 ("leggings", "pantaloncini running", "joggers", "tuta", "track pants")),
        Category("swimwear", "costume", "swimwear", ("menswear", "womenswear", "kids"), "INT",
                 "swimwear", (1, 1), (19, 140), ("costume da bagno", "bikini", "swim shorts",
                                                 "boxer mare", "swimsuit")),
        Category("formal_shoes", "scarpe eleganti", "formal shoes", ("menswear", "womenswear"),
                 "EU", "shoes", (4, 5), (99, 490), ("derby", "oxford", "stringate", "décolleté",
                                                    "decollete", "pumps", "mocassini", "loafers",
                                                    "dress shoes", "tacchi", "heels")),
        Category("casual_shoes", "scarpe casual", "casual shoes",
                 ("menswear", "womenswear", "kids"), "EU", "shoes", (1, 3), (49, 260),
                 ("sneakers", "sneaker", "scarpe da ginnastica", "espadrillas", "ballerine",
                  "flats", "trainers")),
        Category("boots", "stivali", "boots", ("menswear", "womenswear", "kids"), "EU", "shoes",
                 (2, 4), (89, 420), ("stivaletti", "chelsea boots", "anfibi", "ankle boots")),
        Category("hiking_boots", "scarponi da trekking", "hiking boots", ("menswear", "womenswear"),
                 "EU", "shoes", (1, 1), (79, 290), ("scarponcini", "scarpe da trekking",
                                                    "trail shoes", "hiking shoes")),
        Category("running_shoes", "scarpe da running", "running shoes",
                 ("menswear", "womenswear", "kids"), "EU", "shoes", (1, 1), (59, 220),
                 ("scarpe da corsa", "running", "scarpe sportive", "training shoes")),
        Category("sandals", "sandali", "sandals", ("menswear", "womenswear", "kids"), "EU",
                 "shoes", (1, 3), (29, 190), ("infradito", "flip flops", "ciabatte")),
        Category("tie", "cravatta", "tie", ("menswear",), "ONE", "tie", (4, 5), (29, 120),
                 ("cravatte", "ties", "papillon", "bow tie")),
        Category("belt", "cintura", "belt", ("menswear", "womenswear"), "ONE", "belt", (2, 5),
                 (29, 160), ("cinture", "belts")),
        Category("bag", "borsa", "bag", ("menswear", "womenswear"), "ONE", "bag", (1, 5),
                 (49, 690), ("borse", "pochette", "clutch", "zaino", "backpack", "handbag",
                             "borsa da viaggio", "tote")),
        Category("scarf", "sciarpa", "scarf", ("menswear", "womenswear", "kids"), "ONE",
                 "scarf", (2, 4), (25, 190), ("sciarpe", "foulard", "scarves")),
        Category("hat", "cappello", "hat", ("menswear", "womenswear", "kids"), "ONE", "hat",
                 (1, 3), (19, 120), ("berretto", "cappellino", "beanie", "cap", "cuffia")),
    )
}


def size_system_for(category: str, department: str) -> str:
    """Kids wear age sizes for clothes and EU sizes for shoes; adults follow the category."""
    system = CATEGORIES[category].size_system
    if department == "kids" and system in ("IT", "INT"):
        return "AGE"
    return system


def size_run(category: str, department: str) -> tuple[str, ...]:
    return SIZE_RUNS[size_system_for(category, department)][department]


OCCASIONS: dict[str, tuple[str, str]] = {
    "business": ("lavoro formale", "business"),
    "office": ("ufficio", "office"),
    "ceremony": ("cerimonia", "ceremony"),
    "evening": ("sera", "evening"),
    "date": ("appuntamento", "date"),
    "casual": ("tempo libero", "casual"),
    "travel": ("viaggio", "travel"),
    "sport": ("sport", "sport"),
    "outdoor": ("outdoor", "outdoor"),
    "beach": ("mare", "beach"),
}

SEASONS: dict[str, tuple[str, str]] = {
    "spring": ("primavera", "spring"),
    "summer": ("estate", "summer"),
    "autumn": ("autunno", "autumn"),
    "winter": ("inverno", "winter"),
}

# Colours with the words shoppers type for them; `neutral` colours go with anything.
COLOURS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "black": ("nero", "black", ("nera", "neri", "nere")),
    "white": ("bianco", "white", ("bianca", "bianchi", "bianche")),
    "navy": ("blu navy", "navy", ("blu scuro", "blu notte", "dark blue", "navy blue", "midnight",
                                 "midnight blue", "ink")),
    "blue": ("blu", "blue", ("bluette", "royal blue")),
    "light_blue": ("azzurro", "light blue", ("azzurra", "celeste", "sky blue", "sky", "baby blue",
                                            "powder blue")),
    "grey": ("grigio", "grey", ("grigia", "grigi", "grigie", "gray")),
    "charcoal": ("antracite", "charcoal", ("grigio scuro", "dark grey")),
    "beige": ("beige", "beige", ("sabbia", "sand", "ecru", "stone", "oatmeal", "nude", "tortora",
                                 "taupe", "khaki beige")),
    "camel": ("cammello", "camel", ("tan",)),
    "brown": ("marrone", "brown", ("marroni", "testa di moro", "cognac", "cioccolato", "cuoio",
                                   "chocolate", "tobacco", "tabacco")),
    "green": ("verde", "green", ("verdi", "bottle green", "verde bottiglia")),
    "olive": ("verde oliva", "olive", ("militare", "khaki", "cachi", "kaki")),
    "burgundy": ("bordeaux", "burgundy", ("vinaccia", "wine", "bordò")),
    "red": ("rosso", "red", ("rossa", "rossi", "rosse")),
    "pink": ("rosa", "pink", ("cipria", "blush")),
    "yellow": ("giallo", "yellow", ("gialla", "senape", "mustard")),
    "cream": ("panna", "cream", ("avorio", "ivory", "off-white", "off white")),
}
# A shade and the family it belongs to: "no grey" rules out charcoal too.
COLOUR_FAMILY = {"charcoal": "grey", "navy": "blue", "light_blue": "blue", "olive": "green",
                 "burgundy": "red", "camel": "brown", "cream": "white"}
NEUTRAL_COLOURS = frozenset({"black", "white", "navy", "grey", "charcoal", "beige", "camel", "cream",
                             "brown"})

PATTERNS = ("solid", "pinstripe", "check", "stripes", "herringbone", "floral", "polka_dots",
            "melange")
FITS = ("slim", "regular", "relaxed", "tailored", "oversize")
STYLES = ("classic", "modern", "elegant", "casual", "sporty", "minimal", "romantic",
          "streetwear", "technical")
EMOTIONS = ("elegant", "versatile", "confident", "comfortable", "romantic", "bold", "relaxed",
            "refined", "practical", "timeless", "playful", "warm")
SUSTAINABILITY = ("organic_cotton", "recycled_fibres", "responsible_wool", "traceable_supply",
                  "low_impact_dye")
AGE_BANDS = ("adult", "teen", "kids_2_6", "kids_7_14")
FIBRES = ("wool", "cotton", "linen", "silk", "cashmere", "polyester", "polyamide", "elastane",
          "viscose", "leather", "suede", "down", "recycled_polyester", "gore-tex")


@dataclass(frozen=True)
class Slot:
    """A place in an outfit and the categories that can fill it."""

    key: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class GoalSpec:
    key: str
    it: str
    en: str
    occasions: tuple[str, ...]
    formality: tuple[int, int]
    seasons: tuple[str, ...]  # empty: any season
    # department -> (required slots, optional slots)
    slots: dict[str, tuple[tuple[Slot, ...], tuple[Slot, ...]]] = field(default_factory=dict)


def _s(key: str, *categories: str) -> Slot:
    return Slot(key, categories)


_FORMAL_SHOES = _s("shoes", "formal_shoes")
GOALS: dict[str, GoalSpec] = {
    g.key: g
    for g in (
        GoalSpec("job_interview", "colloquio di lavoro", "job interview", ("business", "office"),
                 (4, 5), (), {
                     "menswear": ((_s("jacket", "blazer"), _s("trousers", "trousers"),
                                   _s("shirt", "shirt"), _FORMAL_SHOES),
                                  (_s("tie", "tie"), _s("belt", "belt"))),
                     "womenswear": ((_s("jacket", "blazer"), _s("trousers", "trousers", "skirt"),
                                     _s("top", "blouse", "shirt"), _FORMAL_SHOES),
                                    (_s("bag", "bag"), _s("belt", "belt"))),
                 }),
        GoalSpec("office_everyday", "ufficio tutti i giorni", "everyday office", ("office",),
                 (3, 4), (), {
                     "menswear": ((_s("trousers", "trousers"), _s("shirt", "shirt"),
                                   _s("shoes", "formal_shoes", "boots")),
                                  (_s("jacket", "blazer", "knitwear"), _s("belt", "belt"))),
                     "womenswear": ((_s("trousers", "trousers", "skirt"),
                                     _s("top", "blouse", "shirt", "knitwear"),
                                     _s("shoes", "formal_shoes", "boots")),
                                    (_s("jacket", "blazer"), _s("bag", "bag"))),
                 }),
        GoalSpec("wedding_guest", "invitato a un matrimonio", "wedding guest", ("ceremony",),
                 (4, 5), (), {
                     "menswear": ((_s("suit", "suit"), _s("shirt", "shirt"), _FORMAL_SHOES),
                                  (_s("tie", "tie"), _s("belt", "belt"))),
                     "womenswear": ((_s("dress", "dress"), _FORMAL_SHOES),
                                    (_s("bag", "bag"), _s("jacket", "blazer"))),
                 }),
        GoalSpec("formal_evening", "serata elegante", "formal evening", ("evening", "ceremony"),
                 (4, 5), (), {
                     "menswear": ((_s("suit", "suit"), _s("shirt", "shirt"), _FORMAL_SHOES),
                                  (_s("tie", "tie"),)),
                     "womenswear": ((_s("dress", "dress"), _FORMAL_SHOES),
                                    (_s("bag", "bag"), _s("scarf", "scarf"))),
                 }),
        GoalSpec("date_night", "appuntamento", "date night", ("date", "evening"), (2, 4), (), {
            "menswear": ((_s("top", "shirt", "knitwear", "polo"), _s("trousers", "trousers", "jeans"),
                          _s("shoes", "casual_shoes", "boots", "formal_shoes")),
                         (_s("jacket", "blazer"),)),
            "womenswear": ((_s("dress", "dress"), _s("shoes", "formal_shoes", "boots")),
                           (_s("bag", "bag"), _s("jacket", "blazer"))),
        }),
        GoalSpec("casual_weekend", "weekend casual", "casual weekend", ("casual",), (1, 2), (), {
            "menswear": ((_s("top", "tshirt", "polo", "shirt", "knitwear"),
                          _s("trousers", "jeans", "trousers", "shorts"),
                          _s("shoes", "casual_shoes")), (_s("jacket", "blazer", "puffer"),)),
            "womenswear": ((_s("top", "tshirt", "blouse", "knitwear"),
                            _s("trousers", "jeans", "trousers", "skirt"),
                            _s("shoes", "casual_shoes", "sandals")), (_s("bag", "bag"),)),
            "kids": ((_s("top", "tshirt", "polo", "knitwear"), _s("trousers", "jeans", "trousers"),
                      _s("shoes", "casual_shoes")), ()),
        }),
        GoalSpec("rainy_days", "giornate di pioggia", "rainy days", ("casual", "office"), (1, 4),
                 ("autumn", "spring"), {
                     "menswear": ((_s("coat", "raincoat"), _s("shoes", "boots")),
                                  (_s("top", "knitwear"), _s("trousers", "trousers", "jeans"))),
                     "womenswear": ((_s("coat", "raincoat"), _s("shoes", "boots")),
                                    (_s("top", "knitwear"), _s("trousers", "trousers", "jeans"))),
                     "kids": ((_s("coat", "raincoat"), _s("shoes", "boots")), ()),
                 }),
        GoalSpec("winter_cold", "freddo invernale", "winter cold", ("casual", "office"), (1, 4),
                 ("winter",), {
                     "menswear": ((_s("coat", "coat", "puffer"), _s("knitwear", "knitwear"),
                                   _s("shoes", "boots")), (_s("scarf", "scarf"), _s("hat", "hat"))),
                     "womenswear": ((_s("coat", "coat", "puffer"), _s("knitwear", "knitwear"),
                                     _s("shoes", "boots")), (_s("scarf", "scarf"), _s("hat", "hat"))),
                     "kids": ((_s("coat", "puffer", "coat"), _s("knitwear", "knitwear"),
                               _s("shoes", "boots")), (_s("hat", "hat"),)),
                 }),
        GoalSpec("beach_holiday", "vacanza al mare", "beach holiday", ("beach",), (1, 2),
                 ("summer",), {
                     "menswear": ((_s("swimwear", "swimwear"), _s("top", "tshirt", "shirt", "polo"),
                                   _s("trousers", "shorts"), _s("shoes", "sandals")), (_s("hat", "hat"),)),
                     "womenswear": ((_s("swimwear", "swimwear"), _s("dress", "dress"),
                                     _s("shoes", "sandals")), (_s("bag", "bag"), _s("hat", "hat"))),
                     "kids": ((_s("swimwear", "swimwear"), _s("top", "tshirt"),
                               _s("shoes", "sandals")), (_s("hat", "hat"),)),
                 }),
        GoalSpec("outdoor_hiking", "escursionismo", "hiking", ("outdoor",), (1, 1), (), {
            "menswear": ((_s("coat", "outdoor_jacket"), _s("top", "activewear_top"),
                          _s("trousers", "activewear_bottom", "trousers"),
                          _s("shoes", "hiking_boots")), (_s("hat", "hat"),)),
            "womenswear": ((_s("coat", "outdoor_jacket"), _s("top", "activewear_top"),
                            _s("trousers", "activewear_bottom", "trousers"),
                            _s("shoes", "hiking_boots")), (_s("hat", "hat"),)),
        }),
        GoalSpec("sport_training", "allenamento", "sport training", ("sport",), (1, 1), (), {
            "menswear": ((_s("top", "activewear_top"), _s("trousers", "activewear_bottom"),
                          _s("shoes", "running_shoes")), ()),
            "womenswear": ((_s("top", "activewear_top"), _s("trousers", "activewear_bottom"),
                            _s("shoes", "running_shoes")), ()),
            "kids": ((_s("top", "activewear_top"), _s("trousers", "activewear_bottom"),
                      _s("shoes", "running_shoes")), ()),
        }),
        GoalSpec("business_travel", "viaggio di lavoro", "business travel", ("travel", "business"),
                 (3, 4), (), {
                     "menswear": ((_s("jacket", "blazer"), _s("trousers", "trousers"),
                                   _s("shirt", "shirt"), _s("shoes", "formal_shoes", "casual_shoes")),
                                  (_s("bag", "bag"), _s("knitwear", "knitwear"))),
                     "womenswear": ((_s("jacket", "blazer"), _s("trousers", "trousers"),
                                     _s("top", "blouse", "knitwear"),
                                     _s("shoes", "formal_shoes", "casual_shoes")),
                                    (_s("bag", "bag"),)),
                 }),
    )
}
UNKNOWN_GOAL = "unknown"
GOAL_KEYS: tuple[str, ...] = (*GOALS, UNKNOWN_GOAL)

LOCATION_ONLINE = "online"

# The attributes the stylist reasons with, which a thin feed may lack and enrichment derives; each
# known value has a source (seed, feed, rules, model, llm) and a confidence.
ENRICHED_ATTRIBUTES = ("department", "category", "subcategory", "colours", "pattern", "fabric", "fit",
                       "formality", "occasions", "seasons", "style", "emotional",
                       "compatible_categories", "target_age")
