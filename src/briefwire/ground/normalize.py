"""Normalisation: lemma keys for words, canonical names for places, values for numbers and dates.

Everything here is a pure function of its input (plus the spaCy model's lemma tables), so the
claim and the source are normalised the same way and compare with plain set operations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from briefwire.ground import lexicon as lx
from briefwire.lexicon import MONTHS, WEEKDAYS, stop_words
from briefwire.text import load_nlp

MODEL_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")


@lru_cache(maxsize=1)
def _lemma_tables() -> tuple[dict, dict, dict, set[str]]:
    lookups = load_nlp().get_pipe("lemmatizer").lookups
    # Lookup tables hash their keys, so they are read by part of speech, not iterated.
    parts = ("noun", "verb", "adj", "adv")
    index = {pos: set(lookups.get_table("lemma_index").get(pos, [])) for pos in parts}
    exc = {pos: dict(lookups.get_table("lemma_exc").get(pos, {})) for pos in parts}
    rules = {pos: list(lookups.get_table("lemma_rules").get(pos, [])) for pos in parts}
    known = set().union(*index.values())
    return index, exc, rules, known


def _lemma(word: str) -> str:
    """A part-of-speech-free lemma: claims are only tokenised, never tagged (that keeps them fast),
    so irregular forms come from the exception tables and regular ones from the suffix rules."""
    index, exc, rules, known = _lemma_tables()
    for pos in ("verb", "noun", "adj"):
        if word in exc.get(pos, {}):
            return exc[pos][word][0]
    # Participles first: "rising" and "stated" are also listed as adjectives, but the verb is what
    # a paraphrase shares ("rose", "said").
    order = ("verb", "noun", "adj") if word.endswith(("ing", "ed")) else ("noun", "verb", "adj")
    if word in known and order[0] != "verb":
        return word
    # Of the rule-made candidates, the least stripped wins: "believes" -> "believe", not "belief".
    best = ""
    for pos in order:
        for old, new in rules.get(pos, []):
            if word.endswith(old):
                candidate = word[: len(word) - len(old)] + new
                if candidate in index.get(pos, ()) and len(candidate) > len(best):
                    best = candidate
    return best or word


@lru_cache(maxsize=100_000)
def word_key(word: str) -> str:
    """The lexical key two words share when one may stand for the other: "rose" ~ "climbed"."""
    lower = word.lower()
    if lower in lx.SURFACE_SYNONYMS:
        return lx.SURFACE_SYNONYMS[lower]
    lemma = _lemma(lower)
    return lx.SYNONYMS.get(lemma, lemma)


def is_english_word(word: str) -> bool:
    """True for words in the lemma index (common nouns, verbs, adjectives, adverbs)."""
    return _lemma(word.lower()) in _lemma_tables()[3] or word.lower() in _lemma_tables()[3]


def normalize_token(text: str) -> str:
    """Lower case without dots, so "U.S." and "US" meet."""
    return text.lower().replace(".", "") if len(text) > 1 else text.lower()


def canonical_name(text: str) -> str:
    """The canonical form of a short name: "U.S." / "America" / "United States" -> "§united_states"."""
    key = " ".join(normalize_token(t) for t in text.split())
    if key in lx.CASE_SENSITIVE and not text.replace(".", "").isupper():
        return key
    return lx.ALIASES.get(key, key)


# ---- quantities ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    value: float
    # "USD", "GBP", "%", "year", "ordinal", "weekday", "month", or None for a bare count.
    unit: str | None
    text: str
    # The place of the last written digit (0.01e9 for "1.13bn"): a claim may round to it.
    precision: float = 1.0
    hedge: str | None = None  # "above", "below", "about"
    # For bare counts, the key of the word that follows ("464,000 subscribers" -> "subscriber").
    context: str | None = None


_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMERAL = re.compile(
    rf"(?<![\w.,$£€¥])(?P<cur>US\$|\$|£|€|¥)?\s?(?P<num>{_NUMBER})(?![\d,]*\d)"
    r"(?:(?P<att>bn|mn|tn|trn|m|k|b)\b|\s?(?P<scale>hundred|thousand|million|billion|trillion)\b)?"
    r"(?P<unit>\s?%|\s?per ?cent\b|\s?percent\b|\s?percentage points?\b|\s?pc\b)?",
    re.IGNORECASE,
)
_WORD_NUMBER = re.compile(
    r"\b(?:(?P<tens>" + "|".join(lx.TENS) + r")(?:[- ](?P<unit1>" + "|".join(list(lx.UNITS)[2:10]) + r"))?"
    r"|(?P<units>" + "|".join(lx.UNITS) + r"))"
    r"(?:\s(?P<scale>hundred|thousand|million|billion|trillion))?"
    r"(?P<pct>\s(?:per ?cent|percent)\b)?\b",
    re.IGNORECASE,
)
# Fractions read as percentages, so "half of" meets "50%" and contradicts "10%".
_FRACTION = re.compile(
    r"\b(?P<f>half|a third|one third|two[- ]thirds|a quarter|one quarter|three[- ]quarters)\s+(?:of|the)\b",
    re.IGNORECASE,
)
_FRACTIONS = {"half": 50.0, "third": 100 / 3, "thirds": 200 / 3, "quarter": 25.0, "quarters": 75.0}
_ORDINAL = re.compile(r"\b(?:(?P<word>" + "|".join(lx.ORDINALS) + r")|(?P<num>\d+)(?:st|nd|rd|th))\b", re.I)
_DATE_WORD = re.compile(
    r"\b(?P<w>" + "|".join(w.title() for w in WEEKDAYS + MONTHS) + r"|Sept?|Jan|Feb|Mar|Apr|Jun|Jul"
    r"|Aug|Oct|Nov|Dec)(?:\.|\b)(?!-)"
)
_SUFFIX = re.compile(r"[A-Za-z]*")
_NEXT_WORD = re.compile(r"[\s-]*([A-Za-z][\w'-]*)(?:\s+([A-Za-z][\w'-]*))?")
_HEDGE_RE = {
    kind: re.compile(r"(?:\b(?:" + "|".join(map(re.escape, words)) + r"))\s*$", re.I)
    for kind, words in (("above", lx.HEDGES_ABOVE), ("below", lx.HEDGES_BELOW), ("about", lx.HEDGES_ABOUT))
}


def _hedge(text: str, start: int) -> str | None:
    before = text[max(0, start - 20) : start]
    return next((kind for kind, rx in _HEDGE_RE.items() if rx.search(before)), None)


def _context(text: str, end: int) -> tuple[str | None, str | None]:
    """(currency named by the next words, key of the next content word) after a number."""
    m = _NEXT_WORD.match(text, end)
    if not m:
        return None, None
    words = [w.lower() for w in m.groups() if w]
    for w in words:
        if w in lx.CURRENCY_WORDS:
            return lx.CURRENCY_WORDS[w], None
    stops = stop_words()
    content = next((w for w in words if w not in stops and w not in lx.SCALES), None)
    return None, word_key(content) if content else None


def parse_quantities(text: str) -> list[Quantity]:
    """Numbers, percentages, money, years, ordinals, weekdays and months found in ``text``."""
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _NUMERAL.finditer(text):
        suffix = _SUFFIX.match(text, m.end()).group(0) if not m.group("unit") else ""
        if suffix and (len(suffix) > 4 or suffix.lower() == "s"):
            continue  # "1990s", "20something": not quantities we can compare
        raw = m.group("num").replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        scale_word = (m.group("att") or m.group("scale") or "").lower()
        scale = lx.SCALES.get(scale_word, 1.0)
        value = float(raw) * scale
        cur = m.group("cur")
        unit = lx.CURRENCY_SYMBOLS[cur.lower()] if cur else None
        if m.group("unit"):
            unit = "%"
        elif suffix:  # "5ft", "9ins", "100mph", "3D"
            unit = suffix.lower()
        word_cur, context = _context(text, m.end())
        unit = unit or word_cur
        if unit is None and not scale_word and decimals == 0 and "," not in m.group("num"):
            unit = "year" if 1900 <= value <= 2100 else None
        out.append(Quantity(value, unit, m.group(0).strip(), 10.0**-decimals * scale,
                            _hedge(text, m.start()), context if unit is None else None))  # fmt: skip
        taken.append(m.span())
    for m in _WORD_NUMBER.finditer(text):
        word = (m.group("units") or "").lower()
        if word == "one" and not (m.group("scale") or m.group("pct")):
            continue  # "one of the biggest" is not a count
        base = lx.TENS.get((m.group("tens") or "").lower(), 0) + lx.UNITS.get(
            (m.group("unit1") or "").lower(), 0
        )
        value = (base or lx.UNITS[word]) * lx.SCALES.get((m.group("scale") or "").lower(), 1)
        unit = "%" if m.group("pct") else None
        word_cur, context = _context(text, m.end())
        out.append(Quantity(float(value), unit or word_cur, m.group(0), 1.0, _hedge(text, m.start()),
                            context if not (unit or word_cur) else None))  # fmt: skip
    for m in _FRACTION.finditer(text):
        value = _FRACTIONS[re.split(r"[- ]", m.group("f").lower())[-1]]
        out.append(Quantity(value, "%", m.group("f"), 5.0, _hedge(text, m.start())))
    for m in _ORDINAL.finditer(text):
        value = lx.ORDINALS[m.group("word").lower()] if m.group("word") else int(m.group("num"))
        out.append(Quantity(float(value), "ordinal", m.group(0)))
    for m in _DATE_WORD.finditer(text):
        word = m.group("w").lower()
        word = lx.MONTH_ABBREVIATIONS.get(word, word)
        if word in WEEKDAYS:
            out.append(Quantity(float(WEEKDAYS.index(word)), "weekday", m.group("w")))
        elif word in MONTHS and not (word == "may" and m.start() == 0):
            out.append(Quantity(float(MONTHS.index(word)), "month", m.group("w")))
    return out


_STRICT_UNITS = {"weekday", "month", "ordinal"}


def same_quantity(claim: Quantity, evidence: Quantity) -> bool:
    """True when ``evidence`` bears out ``claim``: same unit (or one of them bare), same value up
    to the claim's rounding ("1.1bn" ~ "1.13bn") or within what a hedge allows ("more than 400,000")."""
    if claim.unit != evidence.unit and claim.unit is not None and evidence.unit is not None:
        return False
    if {claim.unit, evidence.unit} & _STRICT_UNITS and claim.unit != evidence.unit:
        return False  # "ten" is no match for "October" (month 10), nor "2nd" for "2"
    c, e = claim.value, evidence.value
    if abs(c - e) <= 1e-9 * max(1.0, abs(e)) or abs(c - e) <= claim.precision / 2 + 1e-9 * abs(e):
        return True
    if claim.hedge == "about":
        return abs(c - e) <= 0.1 * abs(e)
    if claim.hedge == "above":
        return c <= e <= 1.5 * c
    if claim.hedge == "below":
        return 0.5 * c <= e <= c
    return False


def comparable(claim: Quantity, evidence: Quantity) -> bool:
    """True when two quantities measure the same thing, so different values contradict each other."""
    if claim.unit is not None or evidence.unit is not None:
        return claim.unit == evidence.unit
    return claim.context is not None and claim.context == evidence.context
