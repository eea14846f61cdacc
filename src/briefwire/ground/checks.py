"""The fast checks: align a claim to its evidence, then test its names, numbers, dates,
negation and subject/object roles against that evidence (not merely anywhere in the source).

Each problem becomes a ``Finding`` with a short reason; ``scoring`` turns findings into a label.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from briefwire.ground import lexicon as lx
from briefwire.ground.index import STOP, Name, SourceIndex, TextFacts
from briefwire.ground.normalize import Quantity, comparable, same_quantity, word_key
from briefwire.ground.relations import misattributions, unsupported_links

# An extra evidence sentence must cover at least this share of the claim's (IDF-weighted) words.
MIN_GAIN = 0.12
MAX_EVIDENCE = 3
# Names and dates may come from the sentences around the evidence (coreference: "he", "it" and
# "on Friday" refer back) or from the article's opening lines.
WINDOW_BEFORE = 2
WINDOW_AFTER = 1
LEAD_SENTENCES = 2
# A second sentence covering this much of the claim, far from the first, marks a splice.
SPLICE_GAIN = 0.2
SPLICE_DISTANCE = 3
# Negation and role checks compare with the best sentence only when it is clearly the same statement.
SAME_STATEMENT = 0.5
NEGATION_REACH = 6  # units between a cue and the word it negates ("did not even have to be upgraded")


@dataclass
class Finding:
    kind: str  # see scoring.PENALTIES
    reason: str


@dataclass
class Assessment:
    evidence: list[int]  # positions in index.sentences, best first
    cov1: float  # share of the claim's weighted words found in the best sentence
    cov: float  # ... in all evidence sentences together
    findings: list[Finding] = field(default_factory=list)
    facts: int = 0  # names, numbers and dates the claim states
    missing: list[str] = field(default_factory=list)  # claim words absent from the evidence

    @property
    def kinds(self) -> set[str]:
        return {f.kind for f in self.findings}


@dataclass
class Alignment:
    evidence: list[int]
    cov1: float
    cov: float
    gains: list[float]
    added: list[int]  # claim words each evidence sentence was the first to cover
    missing: list[str]  # claim words no evidence sentence has, heaviest first
    owner: dict[str, int] = field(default_factory=dict)  # claim word -> evidence position covering it


def align(index: SourceIndex, claim: TextFacts, only: Collection[int] | None = None) -> Alignment:
    """Greedy evidence selection: the best-covering sentence, then sentences that cover what is left.
    With ``only`` (positions in ``index.sentences``), evidence comes from those sentences alone."""
    keys = claim.keyset
    weights = {k: index.weight(k) for k in keys}
    total = sum(weights.values())
    n = len(index)
    if n == 0:
        return Alignment([], 0.0, 0.0, [], [], [])
    if total == 0:  # nothing but stop words and numbers: align on the numbers, say little
        found = _by_quantity(index, claim)
        return Alignment(found, 0.5 if found else 0.0, 0.5 if found else 0.0, [0.5], [0], [])
    # A name covers its words wherever it appears, however spaced: "Time Warner" ~ "TimeWarner".
    postings = {k: set(index.postings.get(k, ())) for k in keys}
    for name in claim.names:
        words = name.words(claim)
        joined = "".join(words)
        found = {j for j in range(n) if joined in index.grams[j]}
        # "Liam Fox" is borne out by "Dr Fox" when the article names him in full somewhere
        # (_name_in): his given name should not recruit the sentence that first named him.
        if len(words) > 1 and all(w in index.all_grams for w in words):
            found |= {j for j in range(n) if words[-1] in index.grams[j]}
        for k in claim.keys[name.start : name.end]:
            if k:
                postings[k] |= found
    scores = np.zeros(n)
    for k, w in weights.items():
        for j in postings[k]:
            scores[j] += w
    # A figure the claim shares with a sentence is as telling as a rare word: it steers the choice
    # of the best sentence (not the coverage, which counts words).
    bonus = np.zeros(n)
    for q in claim.quantities:
        for j, sent in enumerate(index.sentences):
            if any(same_quantity(q, e) for e in sent.facts.quantities):
                bonus[j] += index.unseen_weight
    barred = np.zeros(n, dtype=bool)
    if only is not None:
        barred[:] = True
        barred[[j for j in only if 0 <= j < n]] = False
        if barred.all():
            return Alignment([], 0.0, 0.0, [], [], [])
        scores = np.where(barred, -np.inf, scores)
    # Recall of the claim first; precision breaks ties toward the sentence about the same thing.
    best = int(np.argmax((scores + bonus) / total + 0.1 * scores / index.sentence_weight))
    chosen, gains = [best], [scores[best] / total]
    uncovered = {k for k in keys if best not in postings[k]}
    added = [len(keys) - len(uncovered)]
    owner = dict.fromkeys(keys - uncovered, 0)
    while uncovered and len(chosen) < MAX_EVIDENCE:
        gain = np.zeros(n)
        for k in uncovered:
            for j in postings[k]:
                gain[j] += weights[k]
        gain[barred] = -np.inf
        j = int(np.argmax(gain))
        if gain[j] / total < MIN_GAIN:
            break
        chosen.append(j)
        gains.append(gain[j] / total)
        left = {k for k in uncovered if j not in postings[k]}
        added.append(len(uncovered) - len(left))
        owner.update(dict.fromkeys(uncovered - left, len(chosen) - 1))
        uncovered = left
    covered = total - sum(weights[k] for k in uncovered)
    surface = {k: s for s, k in zip(claim.surface, claim.keys, strict=True) if k}
    missing = [surface[k] for k in sorted(uncovered, key=lambda k: -weights[k])]
    return Alignment(chosen, gains[0], covered / total, gains, added, missing, owner)


def _by_quantity(index: SourceIndex, claim: TextFacts) -> list[int]:
    """The first sentence sharing a figure with the claim, if any."""
    for j, sent in enumerate(index.sentences):
        if any(same_quantity(q, e) for q in claim.quantities for e in sent.facts.quantities):
            return [j]
    return []


def window(index: SourceIndex, evidence: list[int]) -> set[int]:
    out = set(evidence)
    for j in evidence:
        src = index.sentences[j].source
        for k in range(max(0, j - WINDOW_BEFORE), min(len(index), j + WINDOW_AFTER + 1)):
            if index.sentences[k].source == src:
                out.add(k)
    out.update(j for j in range(min(LEAD_SENTENCES, len(index))) if index.sentences[j].source == "article")
    return out


def _name_in(name: Name, claim: TextFacts, grams: set[str], all_grams: set[str]) -> bool:
    words = name.words(claim)
    if "".join(words) in grams:
        return True
    # "Vladimir Putin" is borne out by "Putin" when the source names him in full somewhere.
    return len(words) > 1 and words[-1] in grams and all(w in all_grams for w in words)


def _anchors(facts: TextFacts, start: int, end: int) -> tuple[str | None, str | None]:
    """The nearest content keys before and after units [start, end)."""
    left = next((k for k in reversed(facts.keys[:start]) if k), None)
    right = next((k for k in facts.keys[end:] if k), None)
    return left, right


def _substituted(name: Name, claim: TextFacts, best: TextFacts, rivals: list[Name]) -> Name | None:
    """An evidence name the claim leaves out, standing where the claim puts ``name``: a swap."""
    left, right = _anchors(claim, name.start, name.end)
    for rival in rivals:
        r_left, r_right = _anchors(best, rival.start, rival.end)
        # Same word after, or same word before (or both opening their sentence: the subject).
        if (right is not None and right == r_right) or left == r_left:
            return rival
    return None


def check_names(index: SourceIndex, claim: TextFacts, evidence: list[int], a: Assessment) -> None:
    best = index.sentences[evidence[0]].facts if evidence else None
    best_grams = index.grams[evidence[0]] if evidence else set()
    # Other evidence sentences and the window count only when the best sentence has no name of its
    # own standing where the claim puts this one (else a swapped-in name would recruit its own
    # "evidence" sentence).
    near_grams = set().union(*(index.grams[j] for j in window(index, evidence))) if evidence else set()
    claim_grams = claim.grams()
    rivals = [m for m in best.names if not _name_in(m, best, claim_grams, index.all_grams)] if best else []

    def found(name: Name, grams: set[str]) -> bool:
        # "GDU" stands for "General Dockworkers' Union" where the source spells that out.
        expansion = index.acronyms.get("".join(name.words(claim)))
        return _name_in(name, claim, grams, index.all_grams) or "".join(expansion or ["\0"]) in grams

    for name in claim.names:
        a.facts += 1
        if found(name, best_grams):
            continue
        if not found(name, index.all_grams):
            a.findings.append(Finding("entity_absent", f"entity '{name.surface}' not in source"))
            continue
        rival = _substituted(name, claim, best, rivals) if best else None
        if rival is not None:
            reason = f"entity '{name.surface}' where evidence has '{rival.surface}'"
            a.findings.append(Finding("entity_elsewhere", reason))
        elif not found(name, near_grams) and not (best and _described(name, claim, best, index)):
            a.findings.append(Finding("entity_elsewhere", f"entity '{name.surface}' not in evidence"))


_DETERMINERS = {"the", "its", "their", "his", "her", "this", "that"}


def _described(name: Name, claim: TextFacts, best: TextFacts, index: SourceIndex) -> bool:
    """The evidence refers to the named thing by its head noun: "the union" for "General
    Dockworkers' Union" (or for "GDU"), "the bank" for "Bank of England"."""
    words = index.acronyms.get("".join(name.words(claim))) or name.words(claim)
    heads = {words[-1], words[0]} - STOP
    return any(
        w in heads and i > 0 and best.words[i - 1] in _DETERMINERS and best.surface[i][:1].islower()
        for i, w in enumerate(best.words)
    )


def _what(q: Quantity) -> str:
    return "date" if q.unit in {"weekday", "month", "year"} else "number"


def check_quantities(index: SourceIndex, claim: TextFacts, evidence: list[int], a: Assessment) -> None:
    ev = [q for j in evidence for q in index.sentences[j].facts.quantities]
    nearby = [q for j in window(index, evidence) for q in index.sentences[j].facts.quantities]
    # Pair claim values with evidence values one to one, so "in 2003 ... in 2003" does not pass
    # for "in 2003 ... in 2001"; what the evidence has left over may contradict the rest.
    free = list(ev)
    pending = []
    for q in claim.quantities:
        a.facts += 1
        hit = next((e for e in free if same_quantity(q, e)), None)
        if hit is None:
            pending.append(q)
        else:
            free.remove(hit)
    for q in pending:
        what = _what(q)
        # Only evidence that restates the claim can contradict its figures.
        rival = next((e for e in free if comparable(q, e)), None) if a.cov1 >= SAME_STATEMENT else None
        if rival is not None:
            free.remove(rival)
            a.findings.append(Finding(f"{what}_conflict", f"{what} {q.text} conflicts with {rival.text}"))
        elif any(same_quantity(q, e) for e in ev + nearby):
            continue  # a repeated mention, or a date carried over from the sentence before
        elif any(same_quantity(q, e) for e in index.quantities):
            a.findings.append(Finding(f"{what}_elsewhere", f"{what} {q.text} not in evidence"))
        else:
            a.findings.append(Finding(f"{what}_absent", f"{what} {q.text} not in source"))


def _negated(facts: TextFacts, key: str) -> bool:
    """True when an odd number of cues stand just before ``key`` ("not no doubt" is no negation)."""
    positions = [i for i, k in enumerate(facts.keys) if k == key]
    return any(sum(0 < p - cue <= NEGATION_REACH for cue, _ in facts.negations) % 2 for p in positions)


def check_negation(claim: TextFacts, best: TextFacts) -> Finding | None:
    """A cue in one text whose negated word the other text states without a cue."""
    for cue, focus in claim.negations:
        if focus and focus in best.keyset and _negated(claim, focus) != _negated(best, focus):
            return Finding("negation", f"negation '{claim.surface[cue]}' not in evidence")
    for cue, focus in best.negations:
        if focus and focus in claim.keyset and _negated(claim, focus) != _negated(best, focus):
            return Finding("negation", f"evidence says '{best.surface[cue]} {_surface_of(best, focus)}'")
    # A claim that restates its evidence but carries more cues has added a negation somewhere:
    # a faithful shortening can drop a negated clause, never add one.
    # (Only cues about the best sentence's words count: a fused second clause brings its own.)
    own = [cue for cue, focus in claim.negations if focus is None or focus in best.keyset]
    if len(own) > len(best.negations):
        return Finding("negation", f"negation '{claim.surface[own[-1]]}' not in evidence")
    return None


def check_antonyms(claim: TextFacts, best: TextFacts) -> Finding | None:
    """A word of the claim whose opposite its evidence uses instead ("fell" for "jumped")."""
    for key in claim.keyset - best.keyset:
        for other in lx.ANTONYMS.get(key, ()):
            if other in best.keyset and other not in claim.keyset:
                said, evidence = _surface_of(claim, key), _surface_of(best, other)
                return Finding("antonym", f"'{said}' where evidence says '{evidence}'")
    return None


def _surface_of(facts: TextFacts, key: str) -> str:
    return next((s for s, k in zip(facts.surface, facts.keys, strict=True) if k == key), key)


_PRONOUN_TAGS = {"PRP", "PRP$", "WP", "WDT", "EX", "DT"}


def _phrase_key(token, unit_key: list[str | None]) -> str | None:
    """The key of a noun phrase: its head's, or the first content word of the phrase ("51.4% of KFB")."""
    if unit_key[token.i]:
        return unit_key[token.i]
    return next((unit_key[t.i] for t in token.subtree if unit_key[t.i]), None)


def _inverted(claim: TextFacts, best: TextFacts) -> bool:
    """True when two words the texts share come in opposite orders: the precondition of a role
    swap, and cheap, so the parser runs only for claims that reorder their evidence."""
    seen: dict[str, int] = {}
    for i, k in enumerate(best.keys):
        if k:
            seen.setdefault(k, i)
    order = [seen[k] for k in dict.fromkeys(k for k in claim.keys if k) if k in seen]
    return any(a > b for a, b in itertools.pairwise(order))


def check_roles(index: SourceIndex, j: int, claim: TextFacts) -> Finding | None:
    """Subject and object of an evidence verb appear in the claim in reverse order around it."""
    facts = index.sentences[j].facts
    if not _inverted(claim, facts):
        return None
    doc = index.parsed(j)
    unit_key = [facts.keys[facts.unit_of_token[t.i]] for t in doc]
    claim_lemmas = [word_key(w) for w in claim.words]  # verbs such as "has" are stop words
    for verb in doc:
        if not verb.tag_.startswith("VB"):
            continue
        subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.tag_ not in _PRONOUN_TAGS), None)
        obj = next((c for c in verb.children if c.dep_ == "dobj" and c.tag_ not in _PRONOUN_TAGS), None)
        if subj is None or obj is None:
            continue
        ks, ko, kv = _phrase_key(subj, unit_key), _phrase_key(obj, unit_key), word_key(verb.text)
        verbs = [i for i, k in enumerate(claim_lemmas) if k == kv]
        if not (ks and ko) or ks == ko or len(verbs) != 1:
            continue
        v = verbs[0]
        s = min((i for i, k in enumerate(claim.keys) if k == ks), key=lambda i: abs(i - v), default=None)
        o = min((i for i, k in enumerate(claim.keys) if k == ko), key=lambda i: abs(i - v), default=None)
        if s is None or o is None:
            continue
        passive = "by" in claim.words[v:s]
        if o < v < s and not passive:
            return Finding("role_swap", f"'{subj.text}' and '{obj.text}' swap roles around '{verb.text}'")
    return None


def assess(index: SourceIndex, claim: TextFacts, only: Collection[int] | None = None) -> Assessment:
    al = align(index, claim, only)
    evidence = al.evidence
    a = Assessment(evidence, al.cov1, al.cov, missing=al.missing)
    check_names(index, claim, evidence, a)
    check_quantities(index, claim, evidence, a)
    if not evidence:
        return a
    best = index.sentences[evidence[0]].facts
    if al.cov1 >= SAME_STATEMENT:
        checks = (
            check_negation(claim, best),
            check_antonyms(claim, best),
            check_roles(index, evidence[0], claim),
        )
        for finding in checks:
            if finding:
                a.findings.append(finding)
    nearby = sorted(window(index, evidence))
    for kind, cue in unsupported_links(claim, [index.sentences[j].facts for j in nearby]):
        a.findings.append(Finding("link", f"'{cue}' asserts a {kind} the evidence does not state"))
    for reason in misattributions(index, claim, nearby):
        a.findings.append(Finding("attribution", reason))
    if _spliced(index, claim, al):
        s1, s2 = index.sentences[evidence[0]], index.sentences[evidence[1]]
        a.findings.append(
            Finding("splice", f"joins distant sentences {s1.sentence_id + 1} and {s2.sentence_id + 1}")
        )
    return a


def _spliced(index: SourceIndex, claim: TextFacts, al: Alignment) -> bool:
    """A distant second sentence supplies much of the claim, and not as an attached detail: a
    subject grafted onto another sentence's predicate. A faithful fusion usually hangs the second
    fact on a relative clause or conjunction (", which is needed ...", "and said ...")."""
    ev = al.evidence
    if len(ev) < 2 or al.gains[1] < SPLICE_GAIN or al.cov1 >= 0.85:
        return False
    s1, s2 = index.sentences[ev[0]], index.sentences[ev[1]]
    if s1.source == s2.source and abs(s1.sentence_id - s2.sentence_id) < SPLICE_DISTANCE:
        return False
    # A name for what the best sentence calls "the union" is coreference, not a graft.
    described = [n for n in claim.names if _described(n, claim, s1.facts, index)]
    in_names = {i for n in described for i in range(n.start, n.end)}
    added = [i for i, k in enumerate(claim.keys) if k and al.owner.get(k) == 1 and i not in in_names]
    if len(added) < 2:
        return False
    return not any(w in lx.SUBORDINATORS for w in claim.words[max(0, added[0] - 3) : added[0]])
