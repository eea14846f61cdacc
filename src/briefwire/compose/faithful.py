"""Telling a model's retelling that only shortens its sentence from one that rewords it.

Retold freely, the 1.5B model swapped roles, moved numbers and lost hedges in 40% of its
narrative sentences. A line is kept only if it reads as a shortening of the sentence it was
given: a clause, at most one content word the sentence lacks (never a number), the sentence's
content words in its order, its tense and articles, its negations and hedges, its verbs' voice
and particles, its speaker, and no pronoun the sentence lacks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from briefwire.compose.compress import is_clause
from briefwire.compose.quality import words
from briefwire.ground.lexicon import (
    FORWARD_LOOKING,
    FREQUENCY,
    HEDGES_ABOUT,
    HEDGES_ABOVE,
    HEDGES_BELOW,
    NEGATING_VERBS,
    NEGATIONS,
    SPEECH,
    SYNONYMS,
)
from briefwire.text import parse, plain_quotes

# A pronoun a retelling brings in points at whatever the reader last met.
PRONOUNS = frozenset({"he", "she", "it", "they", "him", "them"})
FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our"})
# A retelling may add this many content words the sentence lacks ("received" for "got").
MAX_NEW_WORDS = 1
_NEGATION_CUES = NEGATIONS | NEGATING_VERBS
_HEDGE_KIND = {
    h: kind
    for kind, hedges in (("above", HEDGES_ABOVE), ("below", HEDGES_BELOW), ("about", HEDGES_ABOUT))
    for h in hedges
}
_HEDGES = "|".join(sorted(HEDGES_ABOVE + HEDGES_BELOW + HEDGES_ABOUT, key=len, reverse=True))
_HEDGED_NUMBER = re.compile(rf"(?:\b({_HEDGES})\s+)?([$£€]?\d[\d,.]*\d|[$£€]?\d)")


def _keys(text: str) -> list[tuple[str, bool]]:
    """The content words of ``text`` as lemma keys (a paraphrase group's key where it has one),
    each with whether it is a number or a name: one of those a retelling may never bring in
    ("Bates took over Leeds United" for "When we took over Leeds United", said Krasner)."""
    return [
        (
            SYNONYMS.get(t.lemma_.lower(), t.lemma_.lower()),
            t.like_num or t.pos_ == "PROPN" or any(c.isdigit() for c in t.text),
        )
        for t in parse(plain_quotes(text))
        if t.like_num
        or not (t.is_stop or t.is_punct or t.is_space or t.pos_ in {"DET", "ADP", "CCONJ", "PART"})
    ]


def _in_order(positions: Sequence[int]) -> bool:
    tails: list[int] = []  # longest increasing run, patience sorting
    for p in positions:
        k = bisect.bisect_left(tails, p)
        tails[k : k + 1] = [p]
    return len(tails) == len(positions)


def _main_verb(text: str) -> tuple[str, bool]:
    """The main verb's lemma, and whether it tells of the past: "approved", "has vowed", "was
    sold" do; "approves", "will approve" do not."""
    root = parse(plain_quotes(text))[:].root
    helpers = [c for c in root.children if c.dep_ in {"aux", "auxpass"}]
    past = root.tag_ == "VBD" or any(
        c.tag_ == "VBD" or (root.tag_ == "VBN" and c.lemma_ == "have") for c in helpers
    )
    return root.lemma_.lower(), past


def _bare_nouns(text: str) -> set[str]:
    """The singular common nouns of ``text`` that stand without a determiner, possessive, number or
    modifier noun: telegraphic style drops the article its sentence had ("moved down chart")."""
    return {
        t.lemma_.lower()
        for t in parse(plain_quotes(text))
        if t.tag_ == "NN"
        and t.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj"}
        and not any(c.dep_ in {"det", "poss", "nummod", "compound", "amod", "cc"} for c in t.children)
        and t.head.pos_ != "NOUN"
    }


def _hedges(text: str) -> dict[str, str]:
    """Each number of ``text`` with the kind of hedge before it, if any: "about 60" and "an
    estimated 60" are alike, "more than 60" is not."""
    return {
        number: _HEDGE_KIND.get(hedge, "")
        for hedge, number in _HEDGED_NUMBER.findall(plain_quotes(text).lower())
    }


def _verbs(text: str) -> dict[str, tuple[str, frozenset[str]]]:
    """Each verb's lemma, with its voice where it has a subject ("passive", "active"; "" for a
    participle) and its particles ("chase away")."""
    return {
        t.lemma_.lower(): (
            "passive"
            if any(c.dep_ == "nsubjpass" for c in t.children)
            else "active"
            if any(c.dep_ == "nsubj" for c in t.children)
            else "",
            frozenset(c.lower_ for c in t.children if c.dep_ == "prt"),
        )
        for t in parse(plain_quotes(text))
        if t.pos_ == "VERB"
    }


def _same_verbs(line: str, sentence: str) -> bool:
    """Whether every verb the line keeps has its voice and its particles: "Arsenal linked X with
    goalkeepers" for "Arsenal have been linked with goalkeepers X" turns the relation round, and
    "chase unwanted animals" for "chase away unwanted animals" is what the dispute was about (v12)."""
    source = _verbs(sentence)
    for verb, (voice, particles) in _verbs(line).items():
        if verb not in source:
            continue
        source_voice, source_particles = source[verb]
        if (voice and source_voice and voice != source_voice) or not source_particles <= particles:
            return False
    return True


def _new_pronoun(line: str, sentence: str) -> bool:
    """Whether the line brings in a pronoun its sentence lacks, other than for a speaker's "I" or
    "we" told in the third person: "but it was despondent" for "but admits they were despondent"
    points at whatever the reader met last (v12)."""
    source = set(words(sentence))
    return bool((set(words(line)) & PRONOUNS) - source) and not source & FIRST_PERSON


def faithful(line: str, sentence: str) -> bool:
    """Whether ``line`` only shortens ``sentence``: a clause with its subject, at most MAX_NEW_WORDS
    content words the sentence lacks (none of them a number or a name), its own content words in the
    sentence's order, the same tense, negations and hedges, the same voice and particles of every
    verb it keeps, the speaker of a quotation, and no pronoun the sentence lacks."""
    if not is_clause(line):  # "Today's loss tough at international level."
        return False
    source, told = _keys(sentence), _keys(line)
    known = [key for key, _ in source]
    new = [(key, fixed) for key, fixed in told if key not in known]
    if len(new) > MAX_NEW_WORDS or any(fixed for _, fixed in new):
        return False
    if not _in_order([known.index(key) for key, _ in told if key in known]):
        return False
    (told_verb, told_past), (source_verb, source_past) = _main_verb(line), _main_verb(sentence)
    if told_verb == source_verb and told_past != source_past:
        return False  # "Icann approves" for "In 2000 Icann approved"
    # "Strong final week helped industry end high.": a noun of the sentence lost its article
    source_nouns = {t.lemma_.lower() for t in parse(plain_quotes(sentence))}
    if (_bare_nouns(line) - _bare_nouns(sentence)) & source_nouns:
        return False
    src_words, line_words = set(words(sentence)), set(words(line))
    if _new_pronoun(line, sentence) or not _same_verbs(line, sentence):
        return False
    if '"' in plain_quotes(sentence) and src_words & SPEECH and not line_words & SPEECH:
        return False  # whose words they are: a quotation told as the briefing's own view (v12)
    for cues in (_NEGATION_CUES, FORWARD_LOOKING, FREQUENCY):
        if (src_words & cues) - line_words or (line_words & cues) - src_words:
            return False
    hedged = _hedges(sentence)
    return all(hedged.get(number, hedge) == hedge for number, hedge in _hedges(line).items())
