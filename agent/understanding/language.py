"""Which language the shopper writes in (Italian or English), from cheap word counts.

Shop words that both languages share ("outfit", "blazer", "jeans") count for neither.
"""

from __future__ import annotations

import re
from typing import Literal

from tools.lexicon import normalise

Language = Literal["it", "en"]

_ITALIAN_WORDS = """
ciao salve buongiorno buonasera grazie prego per favore perfavore mi ti ci vi si lo la le gli il
un una uno di da del della dei delle degli nel nella sul sulla al alla ai con che chi cosa come
dove quando perche non piu meno anche ancora molto poco tutto tutti questo questa quello quella
sono sei siamo ho hai ha abbiamo avete hanno vorrei voglio cerco serve servono aiuti aiutami aiuto
puoi posso potresti mostrami fammi vedere trova dammi qualcosa niente nulla sotto sopra fino tra
fra entro massimo taglia scarpe giacca pantaloni camicia vestito abito colloquio matrimonio lavoro
ufficio palestra mare pioggia freddo nero bianco blu rosso grigio marrone donna uomo bambino
bambina mio mia miei mie tuo tua suo sua economico economica prezzo euro negozio ritiro prenota
prenotare disponibile c e e o ma pero allora quindi invece solo soltanto si sì certo grande
bello bella elegante comodo nuovo nuova settimana domani oggi stasera sera giorno anni
"""

_ENGLISH_WORDS = """
hi hello hey thanks thank please you your me my mine im we us our they them it its is are am
was were be been the an of to for with and or but not yes can could would should will do does
did have has had need want looking look find show something anything nothing under over between
up at most less more than cheaper size shoes jacket trousers shirt dress suit interview wedding
work office gym beach rain cold black white blue red grey brown women men kids kid son daughter
wife husband price store pickup reserve available what which where when how why this that these
those just only some any help today tomorrow tonight week years old budget around about each
"""

_ITALIAN = frozenset(_ITALIAN_WORDS.split())
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
_ITALIAN_ACCENTS = re.compile(r"[àèéìòù]")


def detect_language(text: str, default: Language = "it") -> Language:
    """'Ciao, mi aiuti?' -> it; 'hi, can you help' -> en; mixed -> majority; nothing to go on -> default."""
    words = normalise(text).split()
    italian = sum(1 for w in words if w in _ITALIAN) + len(_ITALIAN_ACCENTS.findall(text.lower()))
    english = sum(1 for w in words if w in _ENGLISH)
    if italian > english:
        return "it"
    if english > italian:
        return "en"
    return default
