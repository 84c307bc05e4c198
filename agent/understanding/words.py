"""Word tables the stylist's understanding needs beyond tools/lexicon.py: phrases that name a goal,
negation cues, cities, fibres and slot words. Phrases are written already normalised
(tools.lexicon.normalise: lower case, no accents, punctuation as spaces).
"""

from __future__ import annotations

from collections.abc import Mapping

from tools.lexicon import FIBRE_WORDS as _LEXICON_FIBRE_WORDS

# phrase -> {goal: strength}. Strength 1.0 names the goal outright ("colloquio"); lower values are
# hints that several goals share ("lavoro", "viaggio").
GOAL_PHRASES: Mapping[str, Mapping[str, float]] = {
    **{p: {"job_interview": 1.0} for p in (
        "colloquio", "colloqui", "colloquio di lavoro", "colloqui di lavoro", "job interview",
        "interview", "interviews", "primo colloquio", "selezione", "assessment", "colloquo",
        "colloqiuo", "intervista di lavoro")},
    **{p: {"office_everyday": 1.0} for p in (
        "ufficio", "office", "in ufficio", "to the office", "workwear", "abbigliamento da ufficio",
        "business casual", "dress code aziendale", "office wear", "daily office", "smart casual",
        "per andare al lavoro", "andare in ufficio", "work outfit", "outfit da lavoro",
        "workplace", "new job", "nuovo lavoro", "primo giorno di lavoro", "first day at work")},
    **{p: {"office_everyday": 0.5, "business_travel": 0.25, "job_interview": 0.25} for p in (
        "lavoro", "work", "per il lavoro", "for work", "riunione", "riunioni", "meeting",
        "meetings", "presentazione", "presentation", "clienti", "clients")},
    **{p: {"wedding_guest": 1.0} for p in (
        "matrimonio", "matrimoni", "wedding", "weddings", "nozze", "sposi", "sposa", "sposo",
        "invitato", "invitata", "invitati", "wedding guest", "testimone", "best man",
        "battesimo", "comunione", "cresima", "christening", "matrimonio in spiaggia",
        "lookbook matrimonio", "matrimonio estate")},
    **{p: {"wedding_guest": 0.75, "formal_evening": 0.25} for p in ("cerimonia", "ceremony",
                                                                     "cerimonie")},
    **{p: {"formal_evening": 1.0} for p in (
        "gala", "cena di gala", "black tie", "serata elegante", "serata di gala", "cena elegante",
        "cena formale", "formal dinner", "formal evening", "teatro", "opera", "prima teatrale",
        "cocktail", "cocktail party", "evening", "evento elegante", "festa elegante", "ballo",
        "prom", "capodanno", "new year s eve", "premiazione", "awards", "vernissage", "serata",
        "alla scala", "prima alla scala", "teatro alla scala", "premiere", "opening night",
        "balletto", "ballet", "concerto classico", "classical concert", "evento serale", "eventi serali",
        "evento formale", "formal event", "evening event", "serata formale", "serata di gala",
        "abito da sera", "vestito da sera", "abiti da sera", "evening dress", "evening gown",
        "ball gown", "abito lungo", "look da sera", "outfit da sera", "cena di gala")},
    **{p: {"date_night": 1.0} for p in (
        "appuntamento", "primo appuntamento", "date", "date night", "first date", "cena romantica",
        "romantic dinner", "romantico", "romantica", "romantic", "san valentino", "valentine",
        "valentines", "anniversario", "anniversary", "uscita romantica")},
    **{p: {"casual_weekend": 1.0} for p in (
        "weekend", "week end", "fine settimana", "tempo libero", "casual", "relax",
        "aperitivo", "brunch", "giro in citta", "city break",
        "free time", "day off", "outfit casual", "look casual")},
    # When and how often, not what for: "hiking this weekend", "in ufficio tutti i giorni". They
    # name the casual goal only when nothing else is named.
    **{p: {"casual_weekend": 0.3} for p in (
        "everyday", "every day", "tutti i giorni", "di tutti i giorni", "daily", "this weekend",
        "next weekend", "this week end", "questo weekend", "prossimo weekend", "weekend prossimo",
        "questo fine settimana", "prossimo fine settimana", "fine settimana prossimo",
        "sto weekend")},
    **{p: {"rainy_days": 1.0} for p in (
        "pioggia", "piove", "piovoso", "piovosa", "rain", "rainy", "raining", "ombrello",
        "umbrella", "acquazzone", "temporale", "giornate di pioggia", "wet weather", "waterproof",
        "impermeabile", "impermeabili", "rainy days", "rainy day")},
    **{p: {"winter_cold": 1.0} for p in (
        "freddo", "inverno", "invernale", "invernali", "winter", "cold", "neve", "snow", "gelo",
        "freezing", "settimana bianca", "sci", "ski", "skiing", "caldo per l inverno",
        "stay warm", "tenere caldo", "cold weather", "molto freddo", "warm stuff", "warm clothes",
        "warm clothing", "something warm", "keep warm", "keep me warm", "qualcosa di caldo",
        "vestiti caldi", "roba calda", "capi caldi", "abiti caldi")},
    # A winter month says cold without being the occasion ("a wedding in January" stays a wedding).
    **{p: {"winter_cold": 0.5} for p in (
        "january", "february", "december", "gennaio", "febbraio", "dicembre", "in winter",
        "d inverno", "in inverno")},
    **{p: {"beach_holiday": 1.0} for p in (
        "mare", "spiaggia", "beach", "seaside", "vacanza al mare", "vacanze al mare", "piscina",
        "pool", "crociera", "cruise", "resort", "lido", "costume da bagno", "beach holiday",
        "isola", "island")},
    **{p: {"beach_holiday": 0.6, "business_travel": 0.2, "casual_weekend": 0.2} for p in (
        "vacanza", "vacanze", "holiday", "holidays", "vacation")},
    **{p: {"beach_holiday": 0.6, "casual_weekend": 0.4} for p in ("estate", "summer", "estivo",
                                                                   "estiva")},
    **{p: {"outdoor_hiking": 1.0} for p in (
        "trekking", "escursione", "escursioni", "escursionismo", "hiking", "hike", "hikes",
        "montagna", "mountain", "mountains", "camminata", "camminate", "sentiero", "sentieri",
        "trail", "dolomiti", "alpi", "camping", "campeggio", "outdoor", "walking holiday")},
    **{p: {"sport_training": 1.0} for p in (
        "palestra", "gym", "allenamento", "allenarmi", "allenarsi", "training", "corsa",
        "correre", "running", "run", "workout", "fitness", "jogging", "yoga", "pilates",
        "maratona", "marathon", "crossfit", "sport", "calcetto", "tennis", "padel", "spinning",
        "mezza maratona", "half marathon", "workouts")},
    **{p: {"business_travel": 1.0} for p in (
        "trasferta", "trasferte", "viaggio di lavoro", "viaggi di lavoro", "business trip",
        "business travel", "work trip", "conferenza", "conference", "fiera", "congresso",
        "convention", "volo di lavoro", "business class")},
    **{p: {"business_travel": 0.6, "beach_holiday": 0.2, "casual_weekend": 0.2} for p in (
        "viaggio", "travel", "trip", "volo", "flight", "valigia", "suitcase", "luggage")},
}
GOAL_PHRASE_MAX_WORDS = 5

# Product words that lean towards goals without naming an occasion ("lino", "antipioggia"): they
# weigh like a category, and a message made only of them is not an explicit goal.
GOAL_HINTS: Mapping[str, Mapping[str, float]] = {
    **{p: {"rainy_days": 1.0} for p in ("antipioggia", "anti pioggia", "idrorepellente",
                                        "water repellent", "water resistant")},
    **{p: {"winter_cold": 1.0} for p in ("warm", "imbottito", "imbottita", "thermal", "termico",
                                         "termica", "pile", "fleece")},
    **{p: {"beach_holiday": 0.6, "casual_weekend": 0.4} for p in ("lino", "linen")},
    **{p: {"outdoor_hiking": 0.6, "sport_training": 0.4} for p in ("tecnica", "tecnico", "technical")},
    **{p: {"business_travel": 1.0} for p in ("antipiega", "crease resistant", "no iron", "da viaggio")},
    **{p: {"formal_evening": 0.6, "date_night": 0.4} for p in ("da sera", "evening wear")},
    **{p: {"business_travel": 0.4, "job_interview": 0.3, "office_everyday": 0.3} for p in (
        "business", "smart", "formale", "formal")},
}

# A clause about the past ("ho comprato roba da mare l'anno scorso"): its goals are history, not
# today's need, unless nothing else is named.
PAST_CUES: tuple[str, ...] = (
    "l anno scorso", "lo scorso anno", "anno scorso", "l estate scorsa", "l inverno scorso", "scorsa estate",
    "scorso inverno", "last year", "last summer", "last winter", "last spring", "last autumn", "last time",
    "ho comprato", "ho gia comprato", "ho preso", "avevo comprato", "avevo preso", "i bought", "i ve bought",
    "i already bought", "i already have", "ho gia", "anni fa", "mesi fa", "years ago", "months ago",
    "una volta", "used to", "a suo tempo",
)

# A goal phrase right after one of these is what the shopper does NOT want any more.
NEGATION_CUES: tuple[str, ...] = (
    "forget", "forget about", "dimentica", "dimenticati", "dimentichiamo", "lascia perdere",
    "lascia stare", "lasciamo perdere", "lasciamo stare", "basta", "basta con", "niente piu",
    "non piu", "non per", "non mi serve", "non mi servono", "non voglio", "non cerco",
    "non sto cercando", "no more", "not for", "not the", "not looking for", "don t need",
    "do not need", "don t want", "do not want", "not interested in", "no longer", "instead of",
    "rather than", "invece di", "invece del", "invece della", "invece dello", "invece dei",
    "invece delle", "invece degli", "piuttosto che", "skip the", "enough of", "never mind",
    "niente", "no", "non", "not", "without", "senza", "tranne", "except", "avoid", "evita",
    "anything but", "tutto tranne", "nothing", "nessun", "nessuna",
    # dislikes are exclusions too ("non mi piace il marrone", "I'd rather not wear black")
    "non mi piace", "non mi piacciono", "non amo", "odio", "detesto", "non sopporto", "evitiamo",
    "rather not", "d rather not", "would rather not", "hate", "i hate", "not a fan of", "don t like",
    "do not like", "dislike", "can t stand", "no to", "stay away from", "keep away from",
)
# Said after the thing: "il nero non lo porto mai", "brown is not for me".
POST_NEGATIONS: tuple[str, ...] = (
    "non lo porto", "non la porto", "non li porto", "non le porto", "non mi piace", "non mi piacciono",
    "non mi sta", "non mi stanno", "non fa per me", "no grazie", "is not for me", "isn t for me",
    "not for me", "doesn t suit me", "does not suit me",
)
# The short cues above ("no", "non", "niente"...) are only trusted right before the thing they
# negate; the long ones reach a few words further ("forget the running stuff").
SHORT_NEGATIONS = frozenset({"no", "non", "not", "niente", "senza", "without", "tranne", "except",
                             "avoid", "evita", "nothing", "nessun", "nessuna"})

FILLER_WORDS = frozenset({
    "il", "lo", "la", "i", "gli", "le", "l", "un", "uno", "una", "di", "del", "della", "dello",
    "dei", "delle", "degli", "in", "the", "a", "an", "any", "some", "of", "con", "with", "colore",
    "color", "colour", "colours", "colors", "colori", "per", "for", "mi", "me", "tutto", "tutta",
    "all", "more", "piu", "stuff", "things", "cose", "roba", "look", "outfit", "about", "those",
    "that", "this", "quel", "quello", "quella", "questo", "questa", "capi", "items",
    "wear", "wearing", "indossare", "portare", "vestire", "anything", "nulla", "niente",
})

# Words for people that tell the department when the lexicon's words do not.
DEPARTMENT_WORDS: Mapping[str, str] = {
    **{w: "menswear" for w in (
        "uomo", "uomini", "men", "mens", "man", "maschile", "menswear", "gentleman", "gentlemen", "guy",
        "guys", "gents", "male", "invitato")},
    **{w: "womenswear" for w in (
        "donna", "donne", "women", "womens", "woman", "femminile", "ladies", "lady", "womenswear",
        "signora", "female", "invitata", "damigella")},
    **{w: "kids" for w in (
        "bambino", "bambina", "bambini", "bambine", "bimbo", "bimba", "bimbi", "bimbe", "kids",
        "kid", "child", "children", "figlio", "figlia", "figli", "son", "daughter", "neonato",
        "neonata", "baby", "junior", "nipotino", "nipotina", "toddler", "boy", "girl")},
}
# Adults the shopper may dress: they set the department only when the outfit is FOR them
# ("per mia moglie" yes, "a date with my girlfriend" no).
RELATION_WORDS: Mapping[str, str] = {
    **{w: "menswear" for w in (
        "marito", "husband", "fidanzato", "boyfriend", "papa", "dad", "padre", "father", "fratello",
        "brother", "nonno", "grandfather", "him", "ragazzo", "compagno", "partner")},
    **{w: "womenswear" for w in (
        "moglie", "wife", "fidanzata", "girlfriend", "mamma", "mum", "mom", "madre", "mother",
        "sorella", "sister", "nonna", "grandmother", "her", "ragazza", "compagna")},
}
FOR_WORDS = frozenset({"per", "for", "a", "to", "regalo", "gift", "present"})

# Italian cities: normalised name (any language) -> the Italian name shoppers and stores use.
CITY_NAMES: Mapping[str, str] = {
    "milano": "Milano", "milan": "Milano", "roma": "Roma", "rome": "Roma", "napoli": "Napoli",
    "naples": "Napoli", "torino": "Torino", "turin": "Torino", "firenze": "Firenze",
    "florence": "Firenze", "venezia": "Venezia", "venice": "Venezia", "genova": "Genova",
    "genoa": "Genova", "bologna": "Bologna", "verona": "Verona", "bari": "Bari",
    "palermo": "Palermo", "padova": "Padova", "padua": "Padova", "trieste": "Trieste",
    "lecce": "Lecce", "perugia": "Perugia", "cagliari": "Cagliari", "catania": "Catania",
    "brescia": "Brescia", "bergamo": "Bergamo", "pisa": "Pisa", "trento": "Trento",
    "bolzano": "Bolzano", "modena": "Modena", "parma": "Parma", "rimini": "Rimini",
    "ancona": "Ancona", "pescara": "Pescara", "salerno": "Salerno", "messina": "Messina",
    "taranto": "Taranto", "siena": "Siena", "lucca": "Lucca", "livorno": "Livorno",
    "udine": "Udine", "vicenza": "Vicenza", "treviso": "Treviso", "ferrara": "Ferrara",
    "ravenna": "Ravenna", "monza": "Monza", "varese": "Varese", "novara": "Novara",
    "sassari": "Sassari", "reggio calabria": "Reggio Calabria", "reggio emilia": "Reggio Emilia",
    "la spezia": "La Spezia", "l aquila": "L'Aquila", "potenza": "Potenza",
    "campobasso": "Campobasso", "aosta": "Aosta", "matera": "Matera", "foggia": "Foggia",
}
# The chain's stores (DESIGN.md, seed): used when the caller does not pass its own table.
DEFAULT_STORE_CODES: Mapping[str, str] = {
    "milano": "MI01", "roma": "RM01", "napoli": "NA01", "torino": "TO01", "firenze": "FI01",
    "bologna": "BO01", "venezia": "VE01", "verona": "VR01", "genova": "GE01", "bari": "BA01",
    "palermo": "PA01", "padova": "PD01",
}
PICKUP_CUES: tuple[str, ...] = (
    "ritiro a", "ritiro in", "ritirare a", "ritirarlo a", "ritirarla a", "ritirarli a",
    "pickup in", "pick up in", "pick it up in", "collect in", "in store in", "in negozio a",
    "negozio di", "store in", "shop in", "punto vendita di", "in the store in",
)

# Fibre words live with the shop vocabulary (the outfit tool reads them too).
FIBRE_WORDS: Mapping[str, str] = _LEXICON_FIBRE_WORDS

# Slot words not covered by category names ("le scarpe" is a slot, not one category).
SLOT_WORDS: Mapping[str, str] = {
    "scarpe": "shoes", "scarpa": "shoes", "shoes": "shoes", "shoe": "shoes", "calzature": "shoes",
    "footwear": "shoes", "giacca": "jacket", "jacket": "jacket", "giacche": "jacket",
    "pantaloni": "trousers", "pantalone": "trousers", "trousers": "trousers", "pants": "trousers",
    "camicia": "shirt", "shirt": "shirt", "cravatta": "tie", "tie": "tie", "cintura": "belt",
    "belt": "belt", "borsa": "bag", "bag": "bag", "abito": "suit", "suit": "suit",
    "completo": "suit", "vestito": "dress", "dress": "dress", "cappotto": "coat", "coat": "coat",
    "giubbotto": "coat", "top": "top", "maglia": "top", "maglione": "knitwear",
    "sweater": "knitwear", "jumper": "knitwear", "gonna": "skirt", "skirt": "skirt",
    "cappello": "hat", "hat": "hat", "sciarpa": "scarf", "scarf": "scarf", "costume": "swimwear",
}
ONLY_CUES = frozenset({"only", "just", "solo", "soltanto", "solamente", "unicamente"})
WHOLE_OUTFIT_CUES: tuple[str, ...] = (
    "whole outfit", "whole look", "full outfit", "full look", "complete outfit", "complete look",
    "tutto l outfit", "tutto il look", "outfit completo", "look completo", "intero outfit",
    "tutto l abbigliamento", "everything", "the rest", "anche il resto",
)
