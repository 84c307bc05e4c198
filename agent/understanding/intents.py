"""What the shopper asks for in this message, beyond the goal: reserve, cheaper, availability...

Cheap word rules in both languages; the deterministic planner acts on them, the LLM planner gets
them as hints.
"""

from __future__ import annotations

import re

from tools.lexicon import normalise

_YES = re.compile(r"^(si|sì|yes|yep|ok|okay|va bene|certo|conferma|confermo|confirm|procedi|"
                  r"go ahead|sure|perfetto|d accordo)\b")
_NO = re.compile(r"^(no|nope|annulla|lascia stare|non prenotare|don t|do not|cancel)\b")
_RESERVE = re.compile(r"\b(prenot\w*|riserv\w*|reserve\w*|reservation|hold (it|them|the)|metti da parte|"
                      r"tienimel\w*|book it)\b")
_LIST_RES = re.compile(r"\b(mie prenotazioni|le prenotazioni|my reservations|my holds|"
                       r"what did i reserve|cosa ho prenotato)\b")
_CANCEL_RES = re.compile(r"\b(annull\w* (la |il )?(prenotazione|ritiro)|"
                         r"cancel (my |the )?(reservation|hold))\b")
_CHEAPER = re.compile(r"\b(piu economic\w*|meno car\w*|costa(no)? meno|spendere meno|risparmi\w*|"
                      r"cheaper|less expensive|more affordable|lower price|on a budget|troppo car\w*|"
                      r"too expensive|budget friendly)\b")
_AVAILABILITY = re.compile(r"\b(disponibil\w*|c e (la|il|lo|in|nel|a|ancora)|ce l (avete|hai|ha)|ce n e|"
                           r"avete|in stock|available|do you have|have you got|is there|any \w+ left|"
                           r"can i (get|pick up)|e in negozio|si trova|trovo)\b")
# Questions about the stores themselves: hours, services, where they are.
_STORE_INFO = re.compile(r"\b(orari\w*|a che ora|apre|aprite|aperto|aperta|aperti|chiude|chiudete|"
                         r"chiuso|opening hours|open(s|ing)?|close(s|d)?|what time|hours|sartoria|orli|"
                         r"riparazion\w*|tailoring|alterations?|servizi|services|indirizzo|address|"
                         r"dove si trova|where is (the|your))\b")
_STORE_WORD = re.compile(r"\b(negozi\w*|punto vendita|boutique|store|stores|shop|shops|sede)\b")
# Attempts to make the assistant leak data or drop its role: refuse, then carry on helping.
_INJECTION = re.compile(
    r"(ignore (all |your |the |previous )*(instructions|rules)|ignora (le |tutte le )?(istruzioni|regole)|"
    r"system prompt|prompt di sistema|(list|show|give|elenca|mostra|dammi) (me )?(all |tutti i |tutte le )?"
    r"(the )?(customers|clienti|users|utenti|shoppers|emails|email)|other (customers|shoppers)|"
    r"altri clienti|database dump|password|api key|chiave api|you are now|sei ora|developer mode)")


def is_confirmation(message: str) -> bool | None:
    """True for a yes, False for a no, None when the message is neither."""
    text = normalise(message)
    if _NO.search(text):
        return False
    if _YES.search(text):
        return True
    return None


def classify(message: str) -> str:
    """One intent: refuse, list_reservations, cancel_reservation, reserve, cheaper, store_info,
    availability, or outfit (dress the look / refine it)."""
    raw = message.lower()
    text = normalise(message)
    if _INJECTION.search(raw) or _INJECTION.search(text):
        return "refuse"
    if _LIST_RES.search(text):
        return "list_reservations"
    if _CANCEL_RES.search(text):
        return "cancel_reservation"
    if _RESERVE.search(text):
        return "reserve"
    if _CHEAPER.search(text):
        return "cheaper"
    if _STORE_INFO.search(text) and _STORE_WORD.search(text):
        return "store_info"
    if _AVAILABILITY.search(text) and "?" in message:
        return "availability"
    return "outfit"
