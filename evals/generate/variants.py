"""Variants of the suite in the ways real shoppers write (issue 13): typos of today's cases, goals in
ordinary phrasing, English letter sizes in words and numbers, US/UK sizes with and without the
system named, direct questions about a product or a store.

Written from the kinds of request only, never from the rule tables. Today's cases keep their
expectations; a typo never touches a number, a size or a city. `split` is crc32 of the id.

    python -m evals.generate.variants    # rewrites evals/cases/variants.json
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from evals.cases import load_case_file
from evals.generate.frozen import split_of, write_cases

CASES = Path(__file__).resolve().parent.parent / "cases"
OUT = CASES / "variants.json"
SOURCES = ("goals.json", "budgets.json", "stock_location.json", "followups.json", "context.json")
_PROTECTED = re.compile(r"\d|^(milano|roma|napoli|torino|firenze|bologna|bari|milan|rome|naples|turin|"
                        r"florence|venezia|venice|genova|palermo)$", re.I)



def typo(message: str, rng: random.Random) -> str:
    """One slip of the fingers: two letters swapped, one doubled or one dropped, in a long word."""
    words = message.split(" ")
    spots = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha() and not _PROTECTED.search(w)]
    if not spots:
        return message.lower()
    i = rng.choice(spots)
    w = words[i]
    k = rng.randrange(1, len(w) - 2)
    kind = rng.choice(("swap", "double", "drop"))
    if kind == "swap":
        w = w[:k] + w[k + 1] + w[k] + w[k + 2:]
    elif kind == "double":
        w = w[:k] + w[k] + w[k:]
    else:
        w = w[:k] + w[k + 1:]
    words[i] = w
    out = " ".join(words)
    return out.lower() if rng.random() < 0.3 else out


def typo_variants() -> list[dict[str, Any]]:
    out = []
    for name in SOURCES:
        for case in load_case_file(CASES / name):
            rng = random.Random(f"typo-{case.id}")
            data = case.model_dump(mode="json", exclude_defaults=True)
            for turn in data["turns"]:
                turn["message"] = typo(turn["message"], rng)
            data["id"] = f"ty-{case.id}"
            data["split"] = split_of(data["id"])
            data["tags"] = [*case.tags, "typo", "variant"]
            out.append(data)
    return out


def _one(case_id: str, language: str, message: str, expect: dict[str, Any], tags: list[str],
         department: str | None = None, extra_turns: list[dict[str, Any]] | None = None,
         pick: dict[str, Any] | None = None) -> dict[str, Any]:
    shopper: dict[str, Any] = {"kind": "new", "consent": False, "language": language, "tier": "none"}
    if department:
        shopper["department"] = department
    first: dict[str, Any] = {"message": message, "expect": expect}
    if pick:
        first["pick"] = pick
    return {"id": case_id, "split": split_of(case_id), "language": language, "tags": [*tags, "variant"],
            "shopper": shopper, "events": [], "turns": [first, *(extra_turns or [])]}


# Goals in the words people use, not the shop's: (language, department or None, message, goal, dept)
# fmt: off
PARAPHRASES = (
    ("en", None, "My best friend is getting married in Tuscany in July. What should I wear? I'm a guy", "wedding_guest", "menswear"),
    ("en", "womenswear", "My best friend is getting married in Tuscany in July. What should I wear?", "wedding_guest", "womenswear"),
    ("en", "menswear", "It's been pouring all week and I walk to the office", "rainy_days", "menswear"),
    ("en", "womenswear", "Walking the Via Francigena for a week in May, what do I need?", "outdoor_hiking", "womenswear"),
    ("en", "menswear", "Trekking in the Dolomites next month, need gear", "outdoor_hiking", "menswear"),
    ("it", "menswear", "Mia cugina si sposa a settembre in Puglia, cosa mi metto?", "wedding_guest", "menswear"),
    ("it", "womenswear", "Sono testimone alle nozze della mia migliore amica", "wedding_guest", "womenswear"),
    ("it", "menswear", "Piove da giorni e vado al lavoro a piedi, mi serve qualcosa", "rainy_days", "menswear"),
    ("it", "womenswear", "Devo andare in ufficio in bici sotto l'acqua, aiuto", "rainy_days", "womenswear"),
    ("it", "menswear", "Lunedì ho il primo giorno in un nuovo lavoro, voglio fare bella figura", "job_interview", "menswear"),
    ("en", "womenswear", "I have a second-round interview at a bank on Thursday", "job_interview", "womenswear"),
    ("en", "menswear", "Meeting the hiring manager tomorrow, want to look sharp", "job_interview", "menswear"),
    ("it", "womenswear", "Cena romantica per il nostro anniversario, cosa indosso?", "date_night", "womenswear"),
    ("en", "menswear", "Taking my girlfriend out for dinner on Saturday", "date_night", "menswear"),
    ("it", "menswear", "Andiamo a Sharm per una settimana a dicembre, cosa porto?", "beach_holiday", "menswear"),
    ("en", "womenswear", "Off to Ibiza in August, need holiday clothes", "beach_holiday", "womenswear"),
    ("it", "womenswear", "Settimana bianca a Cortina, fa un freddo cane", "winter_cold", "womenswear"),
    ("en", "menswear", "Moving to Berlin in January and I own nothing warm", "winter_cold", "menswear"),
    ("it", "menswear", "Riprendo a correre tre volte a settimana", "sport_training", "menswear"),
    ("en", "womenswear", "Just joined a gym, need stuff to work out in", "sport_training", "womenswear"),
    ("it", "womenswear", "Ho una prima alla Scala, serata di gala", "formal_evening", "womenswear"),
    ("en", "menswear", "Black tie charity dinner next Friday", "formal_evening", "menswear"),
    ("it", "menswear", "Tre giorni di trasferta a Francoforte per riunioni con clienti", "business_travel", "menswear"),
    ("en", "womenswear", "Flying to Paris for a conference, three days of meetings", "business_travel", "womenswear"),
    ("it", "womenswear", "Mi servono cose comode per il sabato, niente di impegnativo", "casual_weekend", "womenswear"),
    ("en", "menswear", "just chilling at the weekend, something easy to wear", "casual_weekend", "menswear"),
    ("it", "menswear", "Cambio lavoro e in ufficio si va in giacca, cosa compro per tutti i giorni?", "office_everyday", "menswear"),
    ("en", "womenswear", "Back to the office five days a week, need a work wardrobe", "office_everyday", "womenswear"),
    ("en", "menswear", "weding in jun, what to wear?", "wedding_guest", "menswear"),
    ("it", "womenswear", "colloqio di lavoro domani in banca!!", "job_interview", "womenswear"),
    ("en", "womenswear", "job intervew on monday, help", "job_interview", "womenswear"),
    ("it", "menswear", "matrimonio sabato, sn invitato, cosa mi metto", "wedding_guest", "menswear"),
    ("en", "menswear", "Ho un wedding in Toscana next month, cosa wear?", "wedding_guest", "menswear"),
    ("it", "womenswear", "Mi serve un outfit per un date stasera", "date_night", "womenswear"),
    ("en", "menswear", "hiking weekend in the Alps, need boots and a jacket", "outdoor_hiking", "menswear"),
    ("it", "womenswear", "vado a fare trekking sulle Cinque Terre", "outdoor_hiking", "womenswear"),
)

# English letter sizes in words and numbers -> the shop's INT label
LETTER_SIZES = (
    ("a small", "S"), ("in a medium", "M"), ("size large", "L"), ("an extra large", "XL"),
    ("x-large", "XL"), ("xx-large", "XXL"), ("2xl", "XXL"), ("XXL", "XXL"), ("a medium", "M"),
    ("extra small", "XS"), ("size small", "S"), ("a large", "L"), ("med", "M"), ("sz M", "M"),
    ("xl", "XL"), ("size XS", "XS"),
)
LETTER_TEMPLATES = (
    ("menswear", "casual_weekend", "weekend clothes please, I'm {s}"),
    ("menswear", "sport_training", "gym outfit for me in {s}"),
    ("womenswear", "sport_training", "running kit, I take {s}"),
    ("womenswear", "casual_weekend", "something casual for Saturday, {s} please"),
    ("menswear", "winter_cold", "warm stuff for the winter, I wear {s}"),
)
# Shoe sizes from tourists: (message, department, goal, EU label)
SHOE_SIZES = (
    ("running gear for a guy, size 10 shoes", "menswear", "sport_training", "43"),
    ("I need running shoes, US 9, and workout clothes for me (man)", "menswear", "sport_training", "42"),
    ("women's gym clothes, shoes size 6.5", "womenswear", "sport_training", "38"),
    ("hiking gear for me, I'm a woman, US 7 boots", "womenswear", "outdoor_hiking", "38"),
    ("weekend outfit for a man, UK 9 shoes", "menswear", "casual_weekend", "43"),
    ("casual look for a woman, shoes UK 5", "womenswear", "casual_weekend", "38"),
    ("men's hiking outfit, boots size 11 US", "menswear", "outdoor_hiking", "44"),
    ("women's beach holiday outfit, size 8 sandals", "womenswear", "beach_holiday", "39"),
    ("weekend clothes for a woman, EU 39 shoes", "womenswear", "casual_weekend", "39"),
    ("men's interview outfit, shoes 44 EU", "menswear", "job_interview", "44"),
)
# Clothing with the system named: (message, department, goal, IT label)
CLOTHING_SIZES = (
    ("job interview outfit for a woman, US size 6", "womenswear", "job_interview", "42"),
    ("wedding guest outfit for a woman, UK size 12", "womenswear", "wedding_guest", "44"),
    ("interview suit for a man, US 40 jacket", "menswear", "job_interview", "50"),
    ("women's office clothes, US size 10", "womenswear", "office_everyday", "46"),
    ("a wedding look for a man, UK 38 chest", "menswear", "wedding_guest", "48"),
    ("date night dress, UK 10", "womenswear", "date_night", "42"),
)
# A size that means two things: one question, never a guess
AMBIGUOUS = (
    ("wedding outfit for a woman, size 8", "womenswear", "wedding_guest"),
    ("I'm a size 8, need an interview look (woman)", "womenswear", "job_interview"),
    ("date night outfit, I'm a 10", "womenswear", "date_night"),
)
# Direct questions: (language, message, pick, expect city)
QUESTIONS = (
    ("it", "Avete la giacca {sku} in taglia 50 nel negozio di Napoli?",
     {"category": "blazer", "department": "menswear"}, "Napoli"),
    ("en", "Do you have {sku} in size 52 at the Milan store?",
     {"category": "blazer", "department": "menswear"}, "Milano"),
    ("it", "Il vestito {sku} c'è in 42 a Roma?", {"category": "dress", "department": "womenswear"}, "Roma"),
    ("en", "is {sku} available in a 40 in Turin?", {"category": "dress", "department": "womenswear"}, "Torino"),
    ("it", "Le scarpe {sku} sono disponibili in 43 a Firenze?",
     {"category": "formal_shoes", "department": "menswear"}, "Firenze"),
    ("en", "Any {sku} left in size 39 near Bologna?", {"category": "formal_shoes", "department": "womenswear"},
     "Bologna"),
    ("it", "Avete {sku} nella taglia M a Milano?", {"category": "knitwear", "department": "menswear"}, "Milano"),
    ("en", "Can I pick up {sku} in a medium in Rome today?", {"category": "knitwear", "department": "womenswear"},
     "Roma"),
)
# fmt: on


def generated() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n, (lang, dept, message, goal, department) in enumerate(PARAPHRASES):
        out.append(_one(f"pp-{lang}-{n:02d}", lang, message, {"goal": goal, "department": department},
                        ["paraphrase", goal], dept))
    for t, (dept, goal, template) in enumerate(LETTER_TEMPLATES):
        for n, (phrase, label) in enumerate(LETTER_SIZES):
            if label == "XXL" and dept == "womenswear":
                continue  # not in the women's run of the seed shop: tested apart
            out.append(_one(f"sz-int-{t}-{n:02d}", "en", template.format(s=phrase),
                            {"goal": goal, "department": dept, "sizes": {"INT": label}},
                            ["size_phrasing", "english_size", goal], dept))
    for n, (message, dept, goal, eu) in enumerate(SHOE_SIZES):
        out.append(_one(f"sz-shoe-{n:02d}", "en", message, {"goal": goal, "department": dept, "sizes": {"EU": eu}},
                        ["size_phrasing", "us_size", goal]))
    for n, (message, dept, goal, it) in enumerate(CLOTHING_SIZES):
        out.append(_one(f"sz-cloth-{n:02d}", "en", message, {"goal": goal, "department": dept, "sizes": {"IT": it}},
                        ["size_phrasing", "us_size", goal]))
    for n, (message, dept, goal) in enumerate(AMBIGUOUS):
        out.append(_one(f"sz-ambiguous-{n:02d}", "en", message,
                        {"goal": goal, "department": dept, "asks_size_system": True},
                        ["size_phrasing", "ambiguous_size", goal], dept))
    for n, (lang, message, pick, city) in enumerate(QUESTIONS):
        out.append(_one(f"q-sku-{n:02d}", lang, message, {"answers_availability": True, "city": city},
                        ["direct_question", "availability"], pick=pick))
    return out


def main() -> None:
    write_cases(OUT, typo_variants() + generated(), "variants")


if __name__ == "__main__":
    main()
