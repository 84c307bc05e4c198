"""Goals said in ordinary words: the message is compared by meaning (MiniLM) with sentences shoppers
say for each goal, in Italian and English, and misspelt goal words are read as the lexicon's own.

The word rules (agent.understanding.text) stay first; goals.py asks for the meaning only when they
name nothing, only a vague word ("lavoro", "meeting"), or an everyday setting the weather may
override. The encoder is passed in (understanding loads no model itself): the graph hands over the
catalog's embedder, one encode of the message per turn at most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from agent.understanding.typos import edit_distance
from agent.understanding.words import (
    CITY_NAMES,
    DEPARTMENT_WORDS,
    FILLER_WORDS,
    GOAL_HINTS,
    GOAL_PHRASES,
    NEGATION_CUES,
    RELATION_WORDS,
    SLOT_WORDS,
)
from tools.lexicon import match_terms, normalise

NO_GOAL = "_none"  # the exemplars of turns that are about something else (sizes, price, stores)

# Sentences in shoppers' voices, never the lexicon's bare words: the rules already read those, and
# the model earns its keep on phrasing ("my sister is getting married", "torno in sede").
EXEMPLARS: Mapping[str, tuple[str, ...]] = {
    "job_interview": (
        "I have a job interview next week", "meeting the hiring manager on Monday",
        "second round interview at a bank", "I got called in for an interview at a consulting firm",
        "what should I wear to meet a recruiter", "final interview with the partners on Friday",
        "I'm interviewing for a sales position", "they invited me to an assessment day",
        "I want to impress the HR panel", "ho un colloquio di lavoro lunedì",
        "mi hanno chiamato per un colloquio in banca", "devo incontrare il responsabile delle risorse umane",
        "secondo colloquio con il direttore", "cosa mi metto per il colloquio in uno studio legale",
        "selezione per un posto in azienda, voglio fare bella figura", "primo incontro con l'headhunter",
        "colloquio per uno stage", "mi presento in azienda per un posto da impiegata",
        "mi hanno convocato per un nuovo posto di lavoro", "vedo il recruiter per una posizione da manager",
    ),
    "office_everyday": (
        "back in the office five days a week", "my everyday work clothes are worn out",
        "I started a new job and need a work wardrobe", "first day at my new job next week",
        "smart outfits for the office", "my company ended remote working",
        "outfits for an ordinary day at the office", "business casual for my daily commute",
        "I need shirts and trousers for work", "I work in a bank and need everyday outfits",
        "torno in ufficio cinque giorni a settimana", "niente più smart working, si torna in sede",
        "ho iniziato un nuovo lavoro e mi servono vestiti da ufficio", "primo giorno nel nuovo lavoro",
        "qualcosa da mettere in ufficio tutti i giorni", "abbigliamento per lavorare in studio",
        "mi serve un guardaroba da ufficio", "look per andare al lavoro in banca",
    ),
    "wedding_guest": (
        "my best friend is getting married", "my cousin's wedding in June",
        "I'm a bridesmaid at my sister's wedding", "I'm the best man at my brother's wedding",
        "we're invited to a wedding in the countryside", "my brother is getting married next month",
        "what should a guest wear to a church ceremony", "wedding reception at a villa",
        "I'm a witness at my friend's wedding", "my nephew's christening",
        "si sposa la mia migliore amica", "mia cugina si sposa a giugno",
        "faccio da testimone al matrimonio di mio fratello", "sono invitata alle nozze di una collega",
        "matrimonio in campagna a settembre", "mio fratello si sposa il mese prossimo",
        "cosa indosso come invitato in chiesa", "ricevimento di nozze in una villa",
        "sono la damigella d'onore", "il battesimo di mio nipote", "la prima comunione di mia figlia",
        "mi sposo in comune a maggio", "my partner and I are getting married this summer",
    ),
    "formal_evening": (
        "a black-tie dinner", "a gala evening at a grand hotel", "opening night at the opera",
        "a charity ball", "a formal company dinner", "an awards ceremony in the evening",
        "a very elegant New Year's Eve party", "a cocktail party at an embassy",
        "an elegant evening at the theatre", "la prima alla Scala a dicembre", "una cena di gala",
        "serata elegante a teatro", "una cena formale con i dirigenti", "festa di capodanno elegante",
        "evento serale con dress code black tie", "ballo di beneficenza", "inaugurazione di una mostra",
        "concerto di musica classica in abito scuro", "a dinner where men wear a tuxedo",
        "mi serve lo smoking per una serata importante", "abito lungo per un evento esclusivo",
    ),
    "date_night": (
        "anniversary dinner with my wife", "taking my girlfriend out to a nice restaurant",
        "a first date on Saturday", "romantic dinner for two", "I'm taking her out for our anniversary",
        "Valentine's day dinner", "drinks with someone I met online", "a special night out with my husband",
        "cena per l'anniversario con mio marito", "porto fuori la mia ragazza a cena",
        "primo appuntamento sabato sera", "cena romantica a lume di candela",
        "esco con una ragazza che ho conosciuto", "San Valentino con il mio fidanzato",
        "festeggiamo dieci anni insieme al ristorante", "una serata a due",
        "going out with a guy from a dating app", "cena con una persona che mi piace",
        "voglio fare colpo su di lei stasera",
    ),
    "casual_weekend": (
        "something relaxed for the weekend", "Saturday brunch with friends", "a day out in the city",
        "comfortable clothes for my days off", "a weekend in Florence, nothing formal",
        "hanging out with friends on Sunday", "easy clothes, jeans and t-shirts",
        "qualcosa di comodo per il fine settimana", "brunch con gli amici la domenica",
        "giro in centro il sabato", "vestiti casual per il tempo libero", "aperitivo con gli amici",
        "gita fuori porta nel weekend", "jeans e maglietta per stare comodo",
    ),
    "rainy_days": (
        "it has rained nonstop for days", "caught in downpours on my way to work",
        "I get soaked on my bike commute", "something for wet weather",
        "heavy rain forecast for my trip to London", "autumn showers, I need to stay dry",
        "my shoes let the water in", "pouring rain all day and I still have to go out",
        "showers every afternoon this month", "piove da una settimana", "diluvia e vado a piedi al lavoro",
        "arrivo fradicio in ufficio in bici", "qualcosa per quando piove", "a Milano piove sempre in autunno",
        "mi serve una giacca che non faccia passare l'acqua", "le scarpe si bagnano sempre",
    ),
    "winter_cold": (
        "a ski week in Cortina", "moving to Stockholm in January", "I'm moving somewhere really cold",
        "Christmas in the mountains with lots of snow", "it's freezing where I live",
        "a trip to Finland to see the northern lights", "I'm always cold in winter",
        "a skiing holiday with my family", "settimana bianca a febbraio", "mi trasferisco in Norvegia",
        "vado a vivere a Berlino, fa freddissimo", "Natale in montagna con la neve",
        "sciare sulle Dolomiti", "qui d'inverno si gela", "un viaggio in Lapponia",
        "sono sempre infreddolito",
    ),
    "beach_holiday": (
        "a week at the sea in August", "a holiday in Sharm", "going to Ibiza with friends",
        "ten days in Sardinia by the sea", "honeymoon in the Maldives", "summer holidays at the beach",
        "a cruise around the Greek islands", "a pool party at a resort", "una settimana al mare",
        "vacanza a Sharm", "vado a Ibiza con le amiche", "ad agosto in Puglia al mare",
        "luna di miele alle Maldive", "crociera in Grecia", "qualche giorno in Costiera Amalfitana",
        "in spiaggia tutto il giorno", "two weeks on a Greek island", "dieci giorni alle Baleari",
        "una vacanza ai Caraibi", "a beach resort in Thailand", "al mare in Salento con gli amici",
    ),
    "outdoor_hiking": (
        "walking the Camino de Santiago", "hiking in the Dolomites", "a trek along the Cinque Terre",
        "a week walking in the Alps", "camping in the mountains", "long walks on mountain trails",
        "climbing Mount Etna", "a walking holiday in Scotland", "il cammino di Santiago a piedi",
        "trekking alle Cinque Terre", "escursioni in montagna d'estate",
        "una settimana a camminare sui sentieri", "il giro delle Dolomiti a piedi", "salire sull'Etna",
        "campeggio in Trentino", "passeggiate nei boschi", "notte in rifugio in alta quota",
        "una ferrata in Trentino", "a multi-day trek in Nepal",
    ),
    "sport_training": (
        "going back to running after a break", "I just joined a gym", "training for my first half marathon",
        "yoga classes twice a week", "I want to start working out", "football with friends on Thursdays",
        "tennis lessons", "ricomincio a correre", "mi sono iscritto in palestra",
        "mi alleno per la mezza maratona", "corso di pilates", "voglio tornare in forma",
        "partita di calcetto il giovedì", "faccio spinning tre volte a settimana",
        "vado a correre la mattina", "comincio un corso di nuoto", "cycling on the weekends with my club",
    ),
    "business_travel": (
        "a conference abroad next month", "a business trip to London for three days",
        "I fly to New York for meetings", "flying to a trade fair in Frankfurt",
        "client visits in Paris all week", "I travel for work a lot and need things that don't wrinkle",
        "a work trip with only a carry-on", "trasferta a Londra", "una conferenza all'estero",
        "viaggio di lavoro a Parigi", "vado a una fiera a Francoforte", "tre giorni di riunioni a Bruxelles",
        "viaggio spesso per lavoro", "solo bagaglio a mano per la trasferta",
    ),
    # Turns about something else: a goal must be nearer than these, or the message keeps the thread.
    NO_GOAL: (
        "hello", "good morning", "thanks!", "buongiorno", "grazie mille", "ok perfetto", "yes, that one",
        "sì, va bene", "size 44 please", "ho la taglia M", "in a larger size", "can I have it in blue?",
        "lo vorrei in grigio", "too expensive", "qualcosa di più economico", "under 200 euros",
        "massimo 150 euro", "do you have other jackets?", "mostrami altre camicie", "I don't like the shoes",
        "non mi piace il colore", "without the tie", "can I pick it up in store?",
        "è disponibile a Torino?", "reserve it at the shop in Florence", "when will it be delivered?",
        "quanto costa la spedizione?", "what's the return policy?", "i pantaloni sono troppo lunghi",
        "in cotone, non sintetico", "change the jacket", "the first one", "show me more",
        "add a belt", "niente nero", "nothing too flashy", "prenotamelo in negozio",
        # remarks on the look just shown: they change a piece, never the occasion
        "non mi convince la giacca", "I'm not sure about the trousers", "quella camicia non mi piace",
        "a bit less formal", "something a little more casual", "più sportivo", "meno elegante",
        "a slimmer fit", "un taglio più morbido", "lighter colours", "più colorato", "un tessuto più leggero",
        "what goes with this jacket?", "cosa ci abbino?", "e una cintura in tinta?", "add matching shoes",
        "I need it by Friday", "mi serve entro venerdì", "è per domani", "I'll take the first outfit",
        "prendo la seconda proposta", "the other one was better", "shorter sleeves", "in lana",
        "a more relaxed fit", "un po' più rilassato",
        # clothes in general, with no occasion: the agent asks what they are for
        "I need some new clothes", "ho bisogno di vestiti nuovi", "help me pick something to wear",
        "mi serve qualcosa da mettere", "I want to refresh my wardrobe", "vorrei rinnovare il guardaroba",
        "what do you suggest?", "cosa mi consigli?", "I'm looking for an outfit", "cerco un look",
        "voglio comprarmi qualcosa di carino", "faccio un po' di shopping", "just browsing",
    ),
}

TOP_K = 2  # a goal is as near as the mean of its two nearest sentences: one lucky match is not enough


@dataclass(frozen=True)
class Bar:
    """How clear the nearest goal must be to count."""

    floor: float  # centred cosine (see _bank) below this names nothing ("ciao" reaches ~0.2)
    margin: float  # over the runner-up goal: closer than this is a question, not an answer
    no_goal_margin: float  # over the nearest turn about something else ("hai altre scarpe?")


OPENING = Bar(floor=0.30, margin=0.03, no_goal_margin=0.05)
# In a thread most turns remark on the look, and remarks can sound like occasions ("is the coat
# waterproof?" is near "rainy days"): the meaning must stand well clear of them to move the goal.
FOLLOW_UP = Bar(floor=0.30, margin=0.05, no_goal_margin=0.15)


class SentenceEncoder(Protocol):
    """What tools.catalog.embeddings.Embedder offers: L2-normalised vectors, and their space's name."""

    @property
    def space(self) -> str: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...

    def __hash__(self) -> int: ...  # the exemplars are cached per encoder


@dataclass(frozen=True)
class MeaningVote:
    goal: str
    similarity: float  # centred cosine: mean of the goal's TOP_K nearest sentences
    margin: float  # over the runner-up goal or the nearest other-business turn, whichever is nearer


@dataclass(frozen=True)
class _Bank:
    mean: np.ndarray  # the exemplars' mean vector, taken off every vector before comparing
    vectors: np.ndarray  # (sentences, dimensions): centred and L2-normalised
    rows: dict[str, np.ndarray]  # goal (or NO_GOAL) -> its rows in `vectors`


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-9)


@lru_cache(maxsize=4)
def _bank(space: str, encoder: SentenceEncoder) -> _Bank:
    """The exemplars, encoded once per process and encoder (~300 sentences, ~0.8 s); the space keys
    the cache too, so a quantised encoder's message never meets full-precision exemplars.

    Vectors are compared after taking off the exemplars' mean: MiniLM reads any two Italian
    sentences as somewhat alike (0.5-0.6 raw), and centring leaves what the sentences are about."""
    owners = [goal for goal, sentences in EXEMPLARS.items() for _ in sentences]
    raw = encoder.encode([normalise(s) for sentences in EXEMPLARS.values() for s in sentences])
    mean = raw.mean(axis=0)
    rows = {goal: np.array([i for i, o in enumerate(owners) if o == goal]) for goal in EXEMPLARS}
    return _Bank(mean, np.ascontiguousarray(_unit(raw - mean), dtype=np.float32), rows)


def goal_similarities(message: str, encoder: SentenceEncoder) -> dict[str, float]:
    """Each goal's (and NO_GOAL's) nearness to the message: one encode and one matrix product."""
    bank = _bank(encoder.space, encoder)
    vector = _unit(encoder.encode([normalise(message)])[0] - bank.mean)
    sims = bank.vectors @ vector
    return {goal: float(np.sort(sims[rows])[-TOP_K:].mean()) for goal, rows in bank.rows.items()}


def meaning_vote(message: str, encoder: SentenceEncoder, bar: Bar = OPENING) -> MeaningVote | None:
    """The goal the message means when one is clearly the nearest; None for anything less."""
    if not normalise(message):
        return None
    sims = goal_similarities(message, encoder)
    other_business = sims.pop(NO_GOAL)
    (goal, best), (_, second) = sorted(sims.items(), key=lambda kv: -kv[1])[:2]
    if best < bar.floor or best - second < bar.margin or best - other_business < bar.no_goal_margin:
        return None
    return MeaningVote(goal=goal, similarity=round(best, 3),
                       margin=round(min(best - second, best - other_business), 3))


# --- misspelt occasion words ("weding", "colloqio", "intervew") read as the lexicon's own

_MIN_TYPO_LENGTH = 6  # shorter words have too many real neighbours ("sposta" is not "sposa")


@lru_cache(maxsize=1)
def _occasion_words() -> frozenset[str]:
    """Single words that name a goal outright: the only ones worth guessing at. A vague word
    ("lavoro") would turn an ordinary verb ("lavora") into a goal."""
    return frozenset(p for p, goals in GOAL_PHRASES.items()
                     if " " not in p and len(p) >= _MIN_TYPO_LENGTH and max(goals.values()) >= 1.0)


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """Words the tables already read: never "corrected" into something else."""
    tables: tuple[Iterable[str], ...] = (GOAL_PHRASES, GOAL_HINTS, NEGATION_CUES, FILLER_WORDS,
                                         DEPARTMENT_WORDS, RELATION_WORDS, CITY_NAMES, SLOT_WORDS)
    return frozenset(word for table in tables for phrase in table for word in phrase.split())


@lru_cache(maxsize=4096)
def _respelt(word: str) -> str:
    if len(word) < _MIN_TYPO_LENGTH or word in _known_words() or not word.isalpha():
        return word
    limit = 1 if len(word) < 10 else 2  # two edits in a short word reach other words ("spending")
    # Typos rarely hit the first letter; asking for it keeps real words from drifting to occasions.
    near = [(d, target) for target in _occasion_words() if target[0] == word[0]
            for d in (edit_distance(word, target, limit),) if d <= limit]
    if not near or match_terms(word).phrases:  # a product word ("giacche") is spelt right
        return word
    near.sort()
    nearest = {frozenset(GOAL_PHRASES[target]) for d, target in near if d == near[0][0]}
    if len(nearest) > 1:
        return word  # equally near words of different occasions: guessing would be a coin toss
    return near[0][1]


_WORD = re.compile(r"[^\W\d_]+")  # runs of letters, accented ones included


def respell(text: str) -> str:
    """The text with misspelt occasion words in the lexicon's spelling; punctuation is kept, since
    the rules read clauses and negations by it."""
    def fix(match: re.Match[str]) -> str:
        word = normalise(match.group())
        fixed = _respelt(word)
        return match.group() if fixed == word else fixed
    return _WORD.sub(fix, text)
