"""Multi-turn scenarios of a stylist that listens (issue 13): a first request in a shopper's own
words, then the corrections and questions shoppers make after seeing a look.

Written from the kinds of request only (swap a piece, drop or add one, "not that colour", cheaper,
another size or budget, reserve, "is it in stock there?"), in Italian and English, never from the
rule tables. The output is committed; `split` is frozen by crc32 of the id (~36% held out), except
the issue's own examples, which are dev.

    python -m evals.generate.listening    # rewrites evals/cases/listening.json
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from typing import Any

from evals.generate.frozen import split_of, write_cases

OUT = Path(__file__).resolve().parent.parent / "cases" / "listening.json"


@dataclass(frozen=True)
class Opener:
    key: str
    goal: str
    department: str
    language: str
    message: str
    sizes: dict[str, str]
    budget: int | None
    # the look's slots a shopper would talk about: swappable, removable (optional), addable
    swap: tuple[str, ...]
    remove: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    profile_department: bool = True
    bigger_size: dict[str, str] = field(default_factory=dict)


# fmt: off
OPENERS = (
    Opener("int-m-it", "job_interview", "menswear", "it",
           "Ho un colloquio in banca lunedì, porto la 50 e le scarpe 43, massimo 700 euro",
           {"IT": "50", "EU": "43"}, 700, ("jacket", "shoes", "shirt", "trousers"), ("tie", "belt"),
           ("belt",), bigger_size={"IT": "52"}),
    Opener("int-m-en", "job_interview", "menswear", "en",
           "I've got a job interview at a consulting firm next week. Size 52, shoes 44, up to 800 euros",
           {"IT": "52", "EU": "44"}, 800, ("jacket", "shoes", "shirt", "trousers"), ("tie", "belt"),
           ("belt",), bigger_size={"IT": "54"}),
    Opener("int-w-it", "job_interview", "womenswear", "it",
           "Colloquio in uno studio legale giovedì: taglia 42, scarpe 38, budget 600 euro",
           {"IT": "42", "EU": "38"}, 600, ("jacket", "shoes", "top", "trousers"), ("bag", "belt"),
           ("bag",), bigger_size={"IT": "44"}),
    Opener("int-w-en", "job_interview", "womenswear", "en",
           "Interview outfit for a woman please, I'm an Italian 44 and shoe size 39, budget 650",
           {"IT": "44", "EU": "39"}, 650, ("jacket", "shoes", "top"), ("bag",), ("bag",),
           profile_department=False, bigger_size={"IT": "46"}),
    Opener("wed-w-it", "wedding_guest", "womenswear", "it",
           "Sono invitata al matrimonio di mia sorella a giugno, taglia 40, scarpe 37, non più di 500 euro",
           {"IT": "40", "EU": "37"}, 500, ("dress", "shoes"), ("bag",), ("bag", "jacket"),
           bigger_size={"IT": "42"}),
    Opener("wed-m-en", "wedding_guest", "menswear", "en",
           "My best mate's wedding is in September, I'm a 50 suit and size 42 shoes, budget 900",
           {"IT": "50", "EU": "42"}, 900, ("suit", "shoes", "shirt"), ("tie", "belt"), ("belt",),
           bigger_size={"IT": "52"}),
    Opener("wed-m-it", "wedding_guest", "menswear", "it",
           "Matrimonio di un amico a ottobre, sono un uomo, porto la 48 e il 42 di scarpe",
           {"IT": "48", "EU": "42"}, None, ("suit", "shoes", "shirt"), ("tie",), ("belt",),
           profile_department=False, bigger_size={"IT": "50"}),
    Opener("off-m-it", "office_everyday", "menswear", "it",
           "Mi servono dei vestiti per andare in ufficio tutti i giorni, taglia 52, scarpe 44, sui 400 euro",
           {"IT": "52", "EU": "44"}, 400, ("shoes", "shirt", "trousers"), (), ("belt", "jacket"),
           bigger_size={"IT": "54"}),
    Opener("off-w-en", "office_everyday", "womenswear", "en",
           "Need some everyday office clothes, size 40, shoes 37, about 350 euros in total",
           {"IT": "40", "EU": "37"}, 350, ("shoes", "top", "trousers"), (), ("bag", "jacket"),
           bigger_size={"IT": "42"}),
    Opener("date-w-it", "date_night", "womenswear", "it",
           "Sabato ho un appuntamento a cena, qualcosa di carino, taglia 42 e scarpe 38, massimo 300",
           {"IT": "42", "EU": "38"}, 300, ("dress", "shoes"), ("bag",), ("bag",),
           bigger_size={"IT": "44"}),
    Opener("date-m-en", "date_night", "menswear", "en",
           "First date on Friday, dinner somewhere nice. I wear 50 and 43 shoes, under 350 please",
           {"IT": "50", "EU": "43"}, 350, ("shoes", "trousers"), ("jacket",), ("jacket",),
           bigger_size={"IT": "52"}),
    Opener("wk-m-it", "casual_weekend", "menswear", "it",
           "Un look casual per il weekend, scarpe 42, non voglio spendere più di 250 euro",
           {"EU": "42"}, 250, ("shoes", "trousers"), ("jacket",), ("jacket",)),
    Opener("wk-w-en", "casual_weekend", "womenswear", "en",
           "Something relaxed for the weekend, shoes 38, under 200 euros",
           {"EU": "38"}, 200, ("shoes", "trousers"), ("bag",), ("bag",)),
    Opener("eve-w-it", "formal_evening", "womenswear", "it",
           "Ho una serata di gala a teatro, taglia 44, scarpe 39, budget 700",
           {"IT": "44", "EU": "39"}, 700, ("dress", "shoes"), ("bag",), ("bag",),
           bigger_size={"IT": "46"}),
    Opener("trv-m-en", "business_travel", "menswear", "en",
           "Business trip to London next week, size 50, shoes 43, budget 900",
           {"IT": "50", "EU": "43"}, 900, ("jacket", "shoes", "shirt", "trousers"), ("bag",), ("bag",),
           bigger_size={"IT": "52"}),
    Opener("trv-w-it", "business_travel", "womenswear", "it",
           "Parto per un viaggio di lavoro a Milano, taglia 40, scarpe 38, spesa massima 700 euro",
           {"IT": "40", "EU": "38"}, 700, ("jacket", "shoes", "trousers"), ("bag",), ("bag",),
           bigger_size={"IT": "42"}),
)

# Slot words as shoppers say them, with the Italian article/quantifier forms each phrasing needs.
SWAP = {
    "it": {
        "jacket": ("Mostrami un'altra giacca", "la giacca non mi convince, ne hai un'altra?",
                   "cambia la giacca per favore"),
        "shoes": ("Mostrami altre scarpe", "le scarpe non mi piacciono, cambiale", "hai altre scarpe?"),
        "shirt": ("un'altra camicia per favore", "cambierei la camicia"),
        "top": ("mi fai vedere un altro top?", "cambia la camicetta"),
        "trousers": ("altri pantaloni?", "i pantaloni non mi convincono, altri?"),
        "dress": ("mi fai vedere un altro vestito?", "l'abito non mi piace, un altro?"),
        "suit": ("un altro completo?", "cambia il completo per favore"),
    },
    "en": {
        "jacket": ("Show me a different jacket", "can I see another blazer?", "not keen on the jacket, swap it"),
        "shoes": ("other shoes please", "show me different shoes", "I don't like the shoes, got others?"),
        "shirt": ("a different shirt please", "swap the shirt"),
        "top": ("show me another top", "different top?"),
        "trousers": ("other trousers?", "can you change the pants"),
        "dress": ("show me another dress", "I don't love the dress, something else?"),
        "suit": ("a different suit please", "not that suit, another one?"),
    },
}
REMOVE = {
    "it": {"tie": ("Togli la cravatta", "senza cravatta", "la cravatta non mi serve"),
           "belt": ("togli la cintura", "niente cintura"),
           "bag": ("la borsa non serve", "togli la borsa"),
           "jacket": ("togli la giacca", "senza giacca")},
    "en": {"tie": ("no tie please", "drop the tie", "skip the tie, I never wear one"),
           "belt": ("lose the belt", "no belt"),
           "bag": ("I don't need the bag", "remove the bag"),
           "jacket": ("no jacket", "skip the jacket")},
}
ADD = {
    "it": {"belt": ("aggiungi una cintura", "ci metti anche una cintura?"),
           "bag": ("aggiungi una borsa", "mi serve anche una borsa"),
           "jacket": ("aggiungi una giacca", "ci vorrebbe anche una giacca")},
    "en": {"belt": ("add a belt", "can you add a belt too?"),
           "bag": ("add a bag", "I'd like a bag as well"),
           "jacket": ("add a jacket", "throw in a jacket too")},
}
SLOT_CATEGORIES = {"tie": ["tie"], "belt": ["belt"], "bag": ["bag"], "jacket": ["blazer"]}
COLOURS = {"brown": ("marrone", "brown"), "black": ("nero", "black"), "grey": ("grigio", "grey"),
           "navy": ("blu scuro", "navy"), "white": ("bianco", "white"), "beige": ("beige", "beige")}
NOT_COLOUR = {
    "it": ("Non mi piace il {c}", "niente {c}", "odio il {c}", "evita il {c} per favore",
           "tutto tranne il {c}", "il {c} non lo porto mai"),
    "en": ("I'd rather not wear {c}", "no {c} please", "I hate {c}", "anything but {c}",
           "avoid {c}", "not a fan of {c}"),
}
CHEAPER = {
    "it": ("Qualcosa di più economico", "è troppo caro", "costa troppo, hai qualcosa di meno caro?",
           "si può spendere meno?"),
    "en": ("something cheaper?", "that's too pricey", "can we bring the total down?",
           "a more affordable option please"),
}
SIZE_FIX = {
    "it": ("Scusa, la taglia giusta è {n}", "ho sbagliato, porto la {n}", "anzi, taglia {n}"),
    "en": ("sorry, I'm actually a {n}", "make it size {n}", "wrong size, I wear a {n}"),
}
BUDGET_FIX = {
    "it": ("meglio stare sotto i {b} euro", "massimo {b} in tutto", "posso spendere al massimo {b} €"),
    "en": ("let's keep it under {b}", "my budget is {b} total actually", "no more than {b} euros"),
}
MORE = {"it": ("mostrami altre opzioni", "hai qualcos'altro?", "altre proposte?"),
        "en": ("show me other options", "anything else?", "what else have you got?")}
RESERVE = {"it": ("prenota il ritiro a {city}", "me lo metti da parte a {city}?",
                  "vorrei ritirarlo in negozio a {city}, prenotalo"),
           "en": ("reserve it for pickup in {city}", "can you hold the look at the {city} store?",
                  "book it for collection in {city}")}
AVAILABLE = {"it": {"jacket": "la giacca c'è nel negozio di {city}?", "shoes": "le scarpe sono disponibili a {city}?",
                    "dress": "il vestito ce l'avete a {city}?", "shirt": "la camicia è disponibile a {city}?"},
             "en": {"jacket": "is the jacket in stock in {city}?", "shoes": "do you have these shoes at the {city} store?",
                    "dress": "is the dress available in {city}?", "shirt": "can I get the shirt in {city}?"}}
CITIES = ("Milano", "Roma", "Napoli", "Torino", "Firenze", "Bologna")
CITY_EN = {"Milano": "Milan", "Roma": "Rome", "Napoli": "Naples", "Torino": "Turin",
           "Firenze": "Florence", "Bologna": "Bologna"}
LESS_FORMAL = {"it": ("qualcosa di meno formale", "più casual per favore", "un po' meno elegante"),
               "en": ("a bit less formal", "something more relaxed please", "tone it down a little")}
# fmt: on



def _base_expect(o: Opener, sizes: dict[str, str] | None = None, budget: int | None = None,
                 **extra: Any) -> dict[str, Any]:
    exp: dict[str, Any] = {"goal": o.goal, "department": o.department, "sizes": sizes or o.sizes}
    b = budget if budget is not None else o.budget
    if b is not None:
        exp["budget"] = {"max": b, "scope": "total"}
    exp.update(extra)
    return exp


def _case(o: Opener, kind: str, n: int, later: list[dict[str, Any]]) -> dict[str, Any]:
    case_id = f"ls-{o.key}-{kind}-{n}"
    shopper: dict[str, Any] = {"kind": "new", "consent": False, "language": o.language, "tier": "none"}
    if o.profile_department:
        shopper["department"] = o.department
    turns = [{"message": o.message, "expect": _base_expect(o)}, *later]
    return {"id": case_id, "split": split_of(case_id), "language": o.language,
            "tags": ["listening", "refinement", kind, o.goal], "shopper": shopper, "events": [],
            "turns": turns}


def _pick(options: tuple[str, ...], salt: str) -> str:
    return options[zlib.crc32(salt.encode()) % len(options)]


def _city(salt: str, language: str) -> str:
    city = CITIES[zlib.crc32(salt.encode()) % len(CITIES)]
    return city if language == "it" else CITY_EN[city]


def scenarios() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for o in OPENERS:
        lang = o.language
        for n, slot in enumerate(o.swap):
            msg = _pick(SWAP[lang][slot], f"{o.key}{slot}")
            cases.append(_case(o, "swap", n, [{"message": msg, "expect": _base_expect(o, new_in_slots=[slot])}]))
        for n, slot in enumerate(o.remove):
            msg = _pick(REMOVE[lang][slot], f"{o.key}{slot}")
            cases.append(_case(o, "remove", n, [
                {"message": msg, "expect": _base_expect(o, not_categories=SLOT_CATEGORIES[slot])}]))
        for n, slot in enumerate(o.add):
            msg = _pick(ADD[lang][slot], f"{o.key}{slot}")
            cases.append(_case(o, "add", n, [{"message": msg, "expect": _base_expect(o, has_slots=[slot])}]))
        colours = cycle(COLOURS.items())
        for n in range(3):
            key, names = next(colours)
            phrase = _pick(NOT_COLOUR[lang], f"{o.key}{key}{n}").format(c=names[0 if lang == "it" else 1])
            cases.append(_case(o, "not_colour", n, [
                {"message": phrase, "expect": _base_expect(o, not_colours=[key], colours=[])}]))
        if o.budget is not None or o.goal in ("wedding_guest",):
            msg = _pick(CHEAPER[lang], o.key)
            cases.append(_case(o, "cheaper", 0, [{"message": msg, "expect": _base_expect(o, cheaper=True)}]))
        if o.bigger_size:
            label = next(iter(o.bigger_size.values()))
            msg = _pick(SIZE_FIX[lang], o.key).format(n=label)
            sizes = {**o.sizes, **o.bigger_size}
            cases.append(_case(o, "size_fix", 0, [{"message": msg, "expect": _base_expect(o, sizes=sizes)}]))
        if o.budget is not None:
            lower = int(o.budget * 0.75 // 10 * 10)
            msg = _pick(BUDGET_FIX[lang], o.key).format(b=lower)
            cases.append(_case(o, "budget_fix", 0, [{"message": msg, "expect": _base_expect(o, budget=lower)}]))
        msg = _pick(MORE[lang], o.key)
        cases.append(_case(o, "more", 0, [{"message": msg, "expect": _base_expect(o, different_look=True)}]))
        city = _city(o.key, lang)
        msg = _pick(RESERVE[lang], o.key).format(city=city)
        italian = next(k for k, v in CITY_EN.items() if city in (k, v))
        cases.append(_case(o, "reserve", 0, [{"message": msg, "expect": {
            "proposes_reservation": True, "city": italian}}]))
        asked = next((s for s in o.swap if s in AVAILABLE[lang]), None)
        if asked is not None:
            msg = AVAILABLE[lang][asked].format(city=_city(o.key + "av", lang))
            cases.append(_case(o, "availability", 0, [{"message": msg, "expect": {"answers_availability": True}}]))
        if o.goal in ("office_everyday", "date_night", "business_travel", "casual_weekend"):
            msg = _pick(LESS_FORMAL[lang], o.key)
            cases.append(_case(o, "less_formal", 0, [{"message": msg, "expect": {
                "department": o.department, "less_formal": True}}]))
        # Three turns: a colour ruled out, then a piece swapped: the colour must stay out.
        key, names = list(COLOURS.items())[zlib.crc32(o.key.encode()) % len(COLOURS)]
        first = _pick(NOT_COLOUR[lang], o.key + "chain").format(c=names[0 if lang == "it" else 1])
        slot = o.swap[-1]
        second = _pick(SWAP[lang][slot], o.key + "chain")
        cases.append(_case(o, "chain", 0, [
            {"message": first, "expect": _base_expect(o, not_colours=[key])},
            {"message": second, "expect": _base_expect(o, not_colours=[key], new_in_slots=[slot])}]))
        # Budget lowered, then cheaper again: both the new budget and "cheaper" must hold.
        if o.budget is not None:
            lower = int(o.budget * 0.85 // 10 * 10)
            cases.append(_case(o, "chain_budget", 0, [
                {"message": _pick(BUDGET_FIX[lang], o.key + "c").format(b=lower),
                 "expect": _base_expect(o, budget=lower)},
                {"message": _pick(MORE[lang], o.key + "c"),
                 "expect": _base_expect(o, budget=lower, different_look=True)}]))
    return cases + issue_examples()


def issue_examples() -> list[dict[str, Any]]:
    """The issue's own examples, each on one thread after a first look; dev split."""
    o = OPENERS[0]  # job interview, menswear, Italian, IT 50 / EU 43, EUR 700
    ex: list[tuple[str, list[dict[str, Any]]]] = [
        ("swap-jacket", [{"message": "Mostrami un'altra giacca", "expect": _base_expect(o, new_in_slots=["jacket"])}]),
        ("swap-jacket-en", [{"message": "Show me a different jacket",
                             "expect": _base_expect(o, new_in_slots=["jacket"])}]),
        ("swap-shoes", [{"message": "Mostrami altre scarpe", "expect": _base_expect(o, new_in_slots=["shoes"])}]),
        ("no-brown", [{"message": "Non mi piace il marrone", "expect": _base_expect(o, not_colours=["brown"])}]),
        ("no-black-en", [{"message": "I'd rather not wear black",
                          "expect": _base_expect(o, not_colours=["black"])}]),
        ("cheaper", [{"message": "Qualcosa di più economico", "expect": _base_expect(o, cheaper=True)}]),
        ("no-tie", [{"message": "Togli la cravatta", "expect": _base_expect(o, not_categories=["tie"])}]),
        ("size-48", [{"message": "Scusa, la taglia giusta è 48",
                      "expect": _base_expect(o, sizes={"IT": "48", "EU": "43"})}]),
        ("shirt-l-reserve", [{"message": "camicia L, e prenota il ritiro a Roma",
                              "expect": {"proposes_reservation": True, "city": "Roma", "item_sizes": {"shirt": "L"}}}]),
        ("tux-out", [{"message": "Togli la giacca da smoking", "expect": _base_expect(o, new_in_slots=["jacket"])}]),
    ]
    cases = []
    for name, later in ex:
        case = _case(o, "issue", 0, later)
        case["id"] = f"ls-issue-{name}"
        case["split"] = "dev"
        case["tags"] = ["listening", "refinement", "issue_example", o.goal]
        cases.append(case)
    return cases


def main() -> None:
    write_cases(OUT, scenarios(), "scenarios")


if __name__ == "__main__":
    main()
