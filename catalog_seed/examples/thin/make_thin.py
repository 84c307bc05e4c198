"""Writes the thin example feeds next to this file, the same bytes every run:

- `northline_shopify.csv`: a Shopify product export of an English-only shop (terse titles, tags,
  colour names as the buyers typed them, sizes in several systems, prices in EUR);
- `bottega_merchant.tsv`: a small Italian boutique's Google Merchant feed, Italian with some English.

    python catalog_seed/examples/thin/make_thin.py
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEN_IT = ("46", "48", "50", "52", "54", "56")
WOMEN_IT = ("38", "40", "42", "44", "46")
MEN_INT = ("S", "M", "L", "XL", "XXL")
WOMEN_INT = ("XS", "S", "M", "L", "XL")
MEN_EU = ("40", "41", "42", "43", "44", "45")
WOMEN_EU = ("36", "37", "38", "39", "40", "41")
MEN_UK = ("UK 6", "UK 7", "UK 8", "UK 9", "UK 10", "UK 11")

# (gender, Type, count, sizes, price range, titles, colours, tags)
Line = tuple[str, str, int, tuple[str, ...], tuple[int, int], tuple[str, ...], tuple[str, ...], str]
SHOPIFY_LINES: tuple[Line, ...] = (
    (
        "male",
        "Blazers",
        14,
        MEN_IT,
        (149, 420),
        (
            "Slim Fit Wool Blazer",
            "Unstructured Linen Blazer",
            "Double Breasted Blazer",
            "Travel Blazer",
            "Hopsack Blazer",
            "Flannel Blazer",
        ),
        ("Navy", "navy blue", "Midnight", "Charcoal", "Grey", "Tan"),
        "men, tailoring, wool, AW",
    ),
    (
        "male",
        "Suits",
        10,
        MEN_IT,
        (390, 790),
        ("Two Piece Suit", "Wool Suit Slim", "Tropical Wool Suit", "Three Piece Suit"),
        ("Navy", "Charcoal", "Mid Grey", "Midnight"),
        "men, tailoring, wedding, ceremony",
    ),
    (
        "male",
        "Trousers",
        18,
        MEN_IT,
        (89, 190),
        (
            "Pleated Wool Trouser",
            "Stretch Chino Slim",
            "Flannel Trouser",
            "Cotton Chino",
            "Drawstring Trouser",
        ),
        ("Navy", "Stone", "Charcoal", "Tan", "Olive", "Grey"),
        "men, trousers, SS, AW",
    ),
    (
        "male",
        "Jeans",
        10,
        ("30", "31", "32", "33", "34", "36"),
        (79, 149),
        ("5-Pocket Selvedge Jean", "Slim Tapered Jean", "Straight Jean Rinse"),
        ("Indigo", "Black", "Washed Blue"),
        "men, denim, casual",
    ),
    (
        "male",
        "Shirts",
        24,
        MEN_INT,
        (59, 119),
        ("Oxford Shirt", "Poplin Dress Shirt", "Linen Shirt", "Twill Shirt Button Down", "Chambray Shirt"),
        ("White", "Sky", "Light Blue", "Pink", "Off White", "Navy"),
        "men, shirts, cotton",
    ),
    (
        "male",
        "Polos",
        10,
        MEN_INT,
        (49, 89),
        ("Pique Polo", "Knitted Polo", "Long Sleeve Polo"),
        ("Navy", "White", "Green", "Ecru"),
        "men, polo, casual, SS",
    ),
    (
        "male",
        "T-Shirts",
        14,
        MEN_INT,
        (25, 49),
        ("Essential Tee", "Heavyweight Tee", "Pocket Tee"),
        ("White", "Black", "Grey Melange", "Navy", "Olive"),
        "men, basics, casual",
    ),
    (
        "male",
        "Knitwear",
        14,
        MEN_INT,
        (89, 229),
        ("Crew Neck Merino Jumper", "Lambswool Cardigan", "Cashmere Roll Neck", "Cable Knit Sweater"),
        ("Navy", "Camel", "Charcoal", "Burgundy", "Oatmeal"),
        "men, knitwear, AW, wool",
    ),
    (
        "male",
        "Coats",
        6,
        MEN_IT,
        (290, 590),
        ("Wool Overcoat", "Car Coat", "Chesterfield Coat"),
        ("Camel", "Navy", "Charcoal"),
        "men, outerwear, AW",
    ),
    (
        "male",
        "Dress Shoes",
        10,
        MEN_EU,
        (119, 290),
        ("Derby Shoe Leather", "Oxford Shoe Calf", "Penny Loafer", "Monk Strap Shoe"),
        ("Black", "Dark Brown", "Tan", "Cognac"),
        "men, shoes, leather, formal",
    ),
    (
        "male",
        "Boots",
        6,
        MEN_EU,
        (179, 260),
        ("Chelsea Boot Suede", "Chelsea Boot Leather", "Chukka Boot"),
        ("Tan", "Dark Brown", "Black"),
        "men, shoes, boots, AW",
    ),
    (
        "male",
        "Sneakers",
        10,
        MEN_EU,
        (99, 169),
        ("Leather Sneaker", "Court Sneaker", "Canvas Low Top"),
        ("White", "Off White", "Navy"),
        "men, shoes, sneakers, casual",
    ),
    (
        "male",
        "Sneakers",
        3,
        MEN_UK,
        (99, 139),
        ("Suede Trainer", "Runner Trainer"),
        ("Grey", "Navy"),
        "men, shoes, trainers, import",
    ),
    (
        "male",
        "Ties",
        10,
        ("One Size",),
        (49, 79),
        ("Silk Tie", "Grenadine Tie", "Knitted Tie", "Wool Tie"),
        ("Navy", "Burgundy", "Bottle Green", "Black", "Silver"),
        "men, accessories, silk",
    ),
    (
        "male",
        "Belts",
        8,
        ("85", "90", "95", "100", "105"),
        (49, 89),
        ("Leather Belt", "Suede Belt"),
        ("Black", "Dark Brown", "Tan"),
        "men, accessories, leather",
    ),
    (
        "female",
        "Blazers",
        10,
        WOMEN_IT,
        (179, 390),
        ("Tailored Blazer", "Relaxed Linen Blazer", "Double Breasted Blazer", "Boucle Jacket"),
        ("Black", "Navy", "Off White", "Camel", "Pink"),
        "women, tailoring, AW, SS",
    ),
    (
        "female",
        "Dresses",
        16,
        WOMEN_IT,
        (129, 390),
        ("Midi Wrap Dress", "Silk Slip Dress", "Shirt Dress Cotton", "Pleated Midi Dress", "Sheath Dress"),
        ("Black", "Navy", "Emerald", "Dusty Pink", "Floral Print", "Sage"),
        "women, dresses, wedding guest",
    ),
    (
        "female",
        "Blouses",
        12,
        WOMEN_INT,
        (69, 149),
        ("Silk Blouse", "Pussy Bow Blouse", "Poplin Blouse"),
        ("Ivory", "White", "Black", "Powder Blue"),
        "women, tops, silk, workwear",
    ),
    (
        "female",
        "Skirts",
        8,
        WOMEN_IT,
        (79, 169),
        ("Pleated Midi Skirt", "Pencil Skirt", "A-Line Skirt"),
        ("Black", "Navy", "Camel", "Olive"),
        "women, skirts",
    ),
    (
        "female",
        "Trousers",
        10,
        WOMEN_IT,
        (89, 179),
        ("Wide Leg Trouser", "Cigarette Trouser", "Tailored Trouser"),
        ("Black", "Navy", "Ecru", "Grey"),
        "women, trousers, workwear",
    ),
    (
        "female",
        "Jeans",
        8,
        ("24", "25", "26", "27", "28", "29"),
        (89, 159),
        ("Straight Leg Jean", "Wide Jean", "Mom Jean"),
        ("Light Wash", "Indigo", "Black"),
        "women, denim, casual",
    ),
    (
        "female",
        "T-Shirts",
        8,
        WOMEN_INT,
        (25, 55),
        ("Boxy Tee", "Organic Cotton Tee", "Striped Tee"),
        ("White", "Black", "Navy Stripe", "Ecru"),
        "women, basics, casual",
    ),
    (
        "female",
        "Knitwear",
        8,
        WOMEN_INT,
        (89, 249),
        ("Merino Cardigan", "Cashmere Crew", "Chunky Knit"),
        ("Camel", "Cream", "Grey Melange", "Black"),
        "women, knitwear, AW",
    ),
    (
        "female",
        "Heels",
        8,
        WOMEN_EU,
        (139, 259),
        ("Leather Pump", "Slingback Heel", "Block Heel Pump"),
        ("Black", "Nude", "Burgundy", "Navy"),
        "women, shoes, heels, formal",
    ),
    (
        "female",
        "Sneakers",
        8,
        WOMEN_EU,
        (89, 149),
        ("Leather Sneaker", "Platform Sneaker"),
        ("White", "Off White", "Silver"),
        "women, shoes, sneakers, casual",
    ),
    (
        "female",
        "Sandals",
        6,
        WOMEN_EU,
        (79, 149),
        ("Leather Sandal", "Strappy Sandal"),
        ("Tan", "Black"),
        "women, shoes, SS",
    ),
    (
        "female",
        "Bags",
        8,
        ("One Size",),
        (129, 349),
        ("Leather Tote", "Crossbody Bag", "Mini Shoulder Bag"),
        ("Black", "Tan", "Cognac", "Off White"),
        "women, bags, leather",
    ),
)
SHOPIFY_HEADER = (
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Product Category",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Variant SKU",
    "Variant Inventory Tracker",
    "Variant Inventory Qty",
    "Variant Inventory Policy",
    "Variant Price",
    "Variant Compare At Price",
    "Image Src",
    "Google Shopping / Gender",
    "Google Shopping / Age Group",
    "Status",
)
_BODIES = (
    "<p>{t}. Made in Portugal.</p>",
    "<p>Our {t_low}, cut for everyday wear.</p>",
    "",
    "<ul><li>{t}</li><li>Regular fit</li></ul>",
    "<p>New season {t_low}.</p>",
)


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _shopify_rows(rng: random.Random) -> Iterator[list[str]]:
    seen: dict[str, int] = {}
    for gender, type_, count, sizes, (low, high), titles, colours, tags in SHOPIFY_LINES:
        for n in range(count):
            title = titles[n % len(titles)]
            colour = colours[(n * 5 + len(title)) % len(colours)]
            # about half the titles say their colour after a dash, as many shops do
            shown = f"{title} - {colour.title()}" if n % 2 else title
            handle = _slug(f"{title} {colour}")
            seen[handle] = seen.get(handle, 0) + 1
            if seen[handle] > 1:
                handle = f"{handle}-{seen[handle]}"
            sku = f"NL-{type_[:3].upper()}-{sum(seen.values()):03d}"
            price = (
                rng.randrange(low, high + 1) // 5 * 5 - 0.01
                if rng.random() < 0.3
                else float(rng.randrange(low, high + 1) // 10 * 10)
            )
            sale = rng.random() < 0.12
            # the Google gender is often left blank; the Type then says who it is for
            google_gender = gender if rng.random() < 0.75 else ""
            shown_type = type_ if google_gender else ("Mens " if gender == "male" else "Womens ") + type_
            body = rng.choice(_BODIES).format(t=title, t_low=title.lower())
            size_name = "Size" if sizes != ("One Size",) else "Title"
            for i, size in enumerate(sizes):
                first = i == 0
                qty = (
                    rng.choice((0, 1, 2, 3, 4, 6, 8))
                    if size not in ("50", "M", "L", "42", "43", "40")
                    else rng.choice((2, 3, 5))
                )
                value = size if size != "One Size" else "Default Title"
                yield [
                    handle,
                    shown if first else "",
                    body if first else "",
                    "Northline" if first else "",
                    "Apparel & Accessories" if first else "",
                    shown_type if first else "",
                    tags + (", sale" if sale else "") if first else "",
                    "TRUE" if first else "",
                    size_name if first else "",
                    value,
                    "Color" if first else "",
                    colour,
                    f"{sku}-{_slug(size).upper()}",
                    "shopify",
                    str(qty),
                    "deny",
                    f"{price:.2f}",
                    f"{price * 1.3:.2f}" if sale else "",
                    f"https://northline.example/cdn/{handle}.jpg" if first else "",
                    google_gender if first else "",
                    "adult" if first and google_gender else "",
                    "active" if first else "",
                ]


# (product_type, gender, count, size_system, sizes, price range, titles, colours, material)
Riga = tuple[str, str, int, str, tuple[str, ...], tuple[int, int], tuple[str, ...], tuple[str, ...], str]
BOTTEGA_LINES: tuple[Riga, ...] = (
    (
        "Uomo > Giacche",
        "male",
        10,
        "IT",
        MEN_IT,
        (180, 420),
        ("Giacca sfoderata lino", "Giacca in fresco lana", "Blazer doppiopetto", "Giacca spigata"),
        ("blu", "Blu notte", "tortora", "grigio medio", "sabbia"),
        "100% lana vergine",
    ),
    (
        "Uomo > Abiti",
        "male",
        8,
        "IT",
        MEN_IT,
        (490, 890),
        ("Abito sartoriale", "Abito da cerimonia", "Abito tre pezzi"),
        ("blu navy", "antracite", "grigio"),
        "Super 120's lana",
    ),
    (
        "Uomo > Pantaloni",
        "male",
        10,
        "IT",
        MEN_IT,
        (89, 190),
        ("Pantalone con pinces", "Chino cotone", "Pantalone flanella"),
        ("blu", "beige", "grigio", "verde oliva"),
        "98% cotone, 2% elastan",
    ),
    (
        "Uomo > Camicie",
        "male",
        12,
        "",
        ("39", "40", "41", "42", "43", "44"),
        (59, 129),
        ("Camicia Oxford", "Camicia popeline", "Camicia lino", "Camicia collo francese"),
        ("bianco ottico", "azzurro", "celeste", "rosa antico"),
        "100% cotone",
    ),
    (
        "Uomo > Scarpe",
        "male",
        8,
        "EU",
        MEN_EU,
        (150, 320),
        ("Francesina in vitello", "Mocassino", "Derby scamosciata"),
        ("nero", "testa di moro", "cuoio"),
        "pelle",
    ),
    (
        "Uomo > Maglieria",
        "male",
        8,
        "",
        MEN_INT,
        (120, 290),
        ("Maglia girocollo cashmere", "Dolcevita merino"),
        ("cammello", "blu", "grigio melange"),
        "100% cashmere",
    ),
    (
        "Uomo > Accessori > Cravatte",
        "male",
        6,
        "",
        ("TU",),
        (59, 95),
        ("Cravatta sette pieghe", "Cravatta in grenadine"),
        ("blu", "bordeaux", "verde bottiglia"),
        "100% seta",
    ),
    (
        "Donna > Abiti",
        "female",
        12,
        "IT",
        WOMEN_IT,
        (180, 520),
        ("Abito midi seta", "Tubino crêpe", "Abito chemisier", "Abito lungo cerimonia"),
        ("nero", "verde salvia", "rosa cipria", "blu cobalto"),
        "100% seta",
    ),
    (
        "Donna > Camicie",
        "female",
        8,
        "",
        WOMEN_INT,
        (89, 180),
        ("Camicia seta", "Blusa fiocco", "Camicia lino"),
        ("avorio", "bianco", "celeste"),
        "100% seta",
    ),
    (
        "Donna > Maglieria",
        "female",
        6,
        "",
        WOMEN_INT,
        (110, 260),
        ("Cardigan cashmere", "Maglia a coste"),
        ("cammello", "grigio perla", "panna"),
        "100% cashmere",
    ),
    (
        "Donna > Pantaloni",
        "female",
        6,
        "IT",
        WOMEN_IT,
        (120, 230),
        ("Pantalone palazzo", "Pantalone sigaretta"),
        ("nero", "blu", "panna"),
        "viscosa",
    ),
    (
        "Donna > Scarpe",
        "female",
        6,
        "EU",
        WOMEN_EU,
        (160, 320),
        ("Décolleté vernice", "Slingback", "Sneaker pelle"),
        ("nero", "nude", "bianco"),
        "pelle",
    ),
    (
        "Donna > Borse",
        "female",
        6,
        "",
        ("TU",),
        (190, 420),
        ("Borsa a mano", "Pochette", "Tote in pelle"),
        ("cuoio", "nero", "bordeaux"),
        "pelle",
    ),
)
MERCHANT_HEADER = (
    "id",
    "item_group_id",
    "title",
    "description",
    "link",
    "image_link",
    "availability",
    "price",
    "sale_price",
    "brand",
    "condition",
    "google_product_category",
    "product_type",
    "gender",
    "age_group",
    "color",
    "size",
    "size_system",
    "material",
)


def _bottega_rows(rng: random.Random) -> Iterator[list[str]]:
    number = 0
    for path, gender, count, system, sizes, (low, high), titles, colours, material in BOTTEGA_LINES:
        for n in range(count):
            number += 1
            title = f"{titles[n % len(titles)]} {colours[n % len(colours)]}"
            group = f"BSM{number:04d}"
            price = rng.randrange(low, high + 1) // 10 * 10
            sale = f"{price * 0.7:.2f} EUR" if rng.random() < 0.15 else ""
            for size in sizes:
                available = (
                    "out_of_stock" if rng.random() < 0.15 and size not in ("50", "M", "42") else "in_stock"
                )
                yield [
                    f"{group}-{size}",
                    group,
                    title,
                    "",
                    f"https://bottegasanmarco.example/p/{group.lower()}",
                    f"https://bottegasanmarco.example/img/{group.lower()}.jpg",
                    available,
                    f"{price:.2f} EUR",
                    sale,
                    "Bottega San Marco",
                    "new",
                    "",
                    path,
                    gender,
                    "adult",
                    colours[n % len(colours)],
                    size,
                    system,
                    "100% lino" if " lino" in title else material,
                ]


def main() -> None:
    with (HERE / "northline_shopify.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(SHOPIFY_HEADER)
        writer.writerows(_shopify_rows(random.Random(2611)))
    with (HERE / "bottega_merchant.tsv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(MERCHANT_HEADER)
        writer.writerows(_bottega_rows(random.Random(2612)))


if __name__ == "__main__":
    main()
