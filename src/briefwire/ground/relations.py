"""Checks for the errors a small model really makes between true facts: links it invents
("prompting", "despite"), facts dressed as opinion, and headlines that stray from title and lead.

Names and numbers are checked in ``checks``; these work on the words around them.
"""

from __future__ import annotations

import re

from briefwire.ground import lexicon as lx
from briefwire.ground.index import EvidenceSentence, Name, SourceIndex, TextFacts
from briefwire.text import parse

# Evidence phrased as a sequence ("shares fell after the warning") bears out a cause in the
# claim ("fell because of the warning"): journalists state causes that way.
_SEQUENCE = ("after", "following", "since", "as", "when", "then")


def _joined(words: list[str]) -> str:
    return " " + " ".join(words) + " "


def links_in(words: list[str]) -> dict[str, str]:
    """The kinds of discourse link a text asserts, each with the first cue found."""
    text = _joined(words)
    out: dict[str, str] = {}
    for kind, cues in lx.LINKS.items():
        cue = next((c for c in cues if f" {c} " in text), None)
        if cue is not None:
            out[kind] = cue
    return out


def unsupported_links(claim: TextFacts, evidence: list[TextFacts]) -> list[tuple[str, str]]:
    """(kind, cue) for each link the claim asserts that no evidence sentence asserts."""
    found: set[str] = set()
    for ev in evidence:
        found |= links_in(ev.words).keys()
        if "cause" not in found and any(f" {c} " in _joined(ev.words) for c in _SEQUENCE):
            found.add("cause")
    return [(kind, cue) for kind, cue in links_in(claim.words).items() if kind not in found]


def looks_ahead(sentence: str) -> bool:
    """A forward-looking or normative sentence ("will", "should", "is likely to")."""
    return any(w in lx.FORWARD_LOOKING for w in re.findall(r"[a-z]+", sentence.lower()))


# Penn tags of a finite verb in the indicative: past, present third person, present other.
_FINITE = frozenset({"VBD", "VBZ", "VBP"})


def states_fact(sentence: str) -> bool:
    """A sentence that says what is or was: its main verb, or an auxiliary of it, is finite
    ("Tory officials agreed to …", "ABN Amro is considering …"). A noun phrase ("Reduction in
    costs.") or an instruction ("Ensure that …") states nothing that happened."""
    for root in (t for t in parse(sentence) if t.dep_ == "ROOT"):
        auxiliaries = (c for c in root.children if c.dep_ in ("aux", "auxpass"))
        if root.tag_ in _FINITE or any(a.tag_ in _FINITE for a in auxiliaries):
            return True
    return False


# A headline is checked against the title and the article's first sentences.
HEADLINE_LEAD = 3


def lead(index: SourceIndex) -> list[EvidenceSentence]:
    """The article's opening sentences (they come first in the index, before archive excerpts)."""
    return [s for s in index.sentences[:HEADLINE_LEAD] if s.source == "article"]


def lead_coverage(index: SourceIndex, claim: TextFacts) -> float:
    """Share of the claim's weighted words found in the title and the article's first sentences:
    a headline keeps to what the story opens with."""
    keys = claim.keyset
    if not keys:
        return 1.0
    have = set().union(index.title_keys, *(s.facts.keyset for s in lead(index)))
    total = sum(index.weight(k) for k in keys)
    return sum(index.weight(k) for k in keys if k in have) / total if total else 1.0


# Units between a speech verb and the name of its speaker ("Mr Smith, the minister, said").
_SPEAKER_REACH = 6


def _speakers(facts: TextFacts) -> list[tuple[str, Name]]:
    """(speech word, nearest name) pairs: who the text says said something."""
    out = []
    for i, w in enumerate(facts.words):
        if w not in lx.SPEECH:
            continue
        near = [
            n
            for n in facts.names
            if abs(n.start - i) <= _SPEAKER_REACH or abs(n.end - 1 - i) <= _SPEAKER_REACH
        ]
        if near:
            out.append((facts.surface[i], min(near, key=lambda n: min(abs(n.start - i), abs(n.end - 1 - i)))))
    return out


def misattributions(index: SourceIndex, claim: TextFacts, evidence: list[int]) -> list[str]:
    """Reasons for each speaker the claim names whom the evidence does not have saying it: the
    statement is the article's own, or someone else's."""
    if not evidence:
        return []
    texts = [index.sentences[j].facts for j in evidence]
    spoken = any(w in lx.SPEECH for t in texts for w in t.words)
    grams = set().union(*(index.grams[j] for j in evidence))
    out = []
    for verb, name in _speakers(claim):
        words = name.words(claim)
        if not spoken:
            out.append(f"'{name.surface} {verb}' but the evidence states it without a speaker")
        elif "".join(words) not in grams and words[-1] not in grams:
            out.append(f"'{name.surface} {verb}' but the evidence has someone else saying it")
    return out
