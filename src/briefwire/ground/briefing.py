"""A briefing as checkable sentences, and the unsupported-sentence policy (flag, drop, revise).

Every sentence of the briefing's grounded fields (shape.py) is a ``Unit`` that knows its path.
The policy marks units dropped or rewrites them; ``rebuild`` then writes the kept sentences back,
removes emptied list items, renumbers claim sections and notes what went.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from briefwire import shape
from briefwire.ground.checker import Checker
from briefwire.ground.judge import REVISE_PARAMS, REVISE_SCHEMA, parse_revision, revise_instruction
from briefwire.ground.relations import looks_ahead, states_fact
from briefwire.llm.base import Backend, LLMError
from briefwire.model import Article, Briefing, Claim
from briefwire.text import split_sentences

FAILING = {"unsupported", "contradicted"}
MAX_REVISIONS = 2


@dataclass
class Unit:
    field: str  # its path in the briefing: "key_points[2]", "narrative.key_takeaway"
    text: str
    analytic: bool
    claim: Claim | None = None
    keep: bool = True
    changed: bool = False
    cites: list[int] | None = None  # the article sentences its field was written from


def is_analytic(path: str, sentence: str) -> bool:
    """Whether ``sentence`` at ``path`` may be an opinion rather than a checked fact.

    In the deep dive's lists, an item that says what happened or is the case, with no look ahead
    or judgement ("Tory officials agreed to provide more information."), is checked as a fact:
    read by hand (dd1), 18 of 31 such items were false, and each told the reader "Opinion, not a
    factual claim"."""
    spec = shape.field(path)
    if spec.analytic:
        return looks_ahead(sentence) or not states_fact(sentence)
    return spec.judgement and looks_ahead(sentence)


def units_of(b: Briefing) -> list[Unit]:
    units = []
    for path, text in shape.walk(b):
        if not shape.field(path).grounded:
            continue
        cites = b.cites.get(path)
        units += [Unit(path, s, is_analytic(path, s), cites=cites) for s in split_sentences(text)]
    return units


def check_units(units: list[Unit], checker: Checker) -> None:
    for u in units:
        u.claim, _ = checker.check(u.text, u.field, analytic=u.analytic, cites=u.cites)


def apply_policy(units: list[Unit], checker: Checker, backend: Backend | None, policy: str) -> list[str]:
    """Drop or rewrite failing units in place; returns notes on what was done."""
    if policy == "flag":
        return []
    dropped = revised = 0
    for u in units:
        assert u.claim is not None
        if u.claim.label not in FAILING:
            continue
        if policy == "revise" and backend is not None:
            result = _revise(u, checker, backend)
            if result is not None:
                u.text, u.claim, u.changed = result.text, result, True
                revised += 1
                continue
        u.keep, u.changed = False, True
        dropped += 1
    notes = []
    if policy == "revise" and backend is None and dropped:
        notes.append("grounding: revise needs a model; unsupported sentences were dropped instead")
    if revised:
        notes.append(f"grounding: rewrote {revised} unsupported sentence(s) from the evidence")
    if dropped:
        notes.append(f"grounding: removed {dropped} unsupported or contradicted sentence(s)")
    return notes


def _revise(u: Unit, checker: Checker, backend: Backend) -> Claim | None:
    """Ask the model to restate the sentence from its evidence; keep the first rewrite that checks."""
    assert u.claim is not None
    evidence = [e.text for e in u.claim.evidence]
    messages = checker.messages(revise_instruction(u.text, evidence))
    for _ in range(MAX_REVISIONS):
        try:
            answer = backend.chat(messages, params=REVISE_PARAMS, schema=REVISE_SCHEMA)
        except LLMError:
            continue
        sentence = parse_revision(answer.text)
        if not sentence:
            continue
        claim, _ = checker.check(sentence, u.claim.section, analytic=u.analytic)
        if claim.label == "supported" or (u.analytic and claim.label == "opinion"):
            claim.reasons.append(f"revised from: {u.text}")
            return claim
    return None


def rebuild(b: Briefing, units: list[Unit], article: Article) -> tuple[Briefing, list[Claim], list[str]]:
    """Write kept sentences back into the fields that changed; renumber claims; note emptied parts."""
    data = b.model_dump()
    by_field: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        by_field[u.field].append(u)
    for path, group in by_field.items():
        if any(u.changed for u in group):
            shape.put(data, path, " ".join(u.text for u in group if u.keep))
    notes: list[str] = []
    remap = _drop_empty_items(data, notes)
    claims = []
    data["cites"] = {}
    for u in units:
        path = remap.get(u.field, u.field)
        if u.keep and u.claim is not None:
            claims.append(u.claim.model_copy(update={"section": path}))
        if u.keep and u.cites:
            data["cites"][path] = u.cites
    claims = _fill_required(data, claims, article, notes)
    return Briefing.model_validate(data), claims, notes


def _drop_empty_items(data: dict, notes: list[str]) -> dict[str, str]:
    """Remove list items left empty; map each surviving item's old path to its new one."""
    remap: dict[str, str] = {}
    for spec in shape.fields():
        items = shape.get(data, spec.path)
        if spec.kind not in shape.TEXT_LISTS or items is None:
            continue
        kept = [(i, t) for i, t in enumerate(items) if t.strip()]
        for new, (old, _) in enumerate(kept):
            remap[shape.item(spec.path, old)] = shape.item(spec.path, new)
        shape.put(data, spec.path, [t for _, t in kept])
        if items and not kept:
            notes.append(f"{spec.path}: every item was unsupported and removed")
    return remap


def _fill_required(data: dict, claims: list[Claim], article: Article, notes: list[str]) -> list[Claim]:
    """Never leave a required text empty: fall back to grounded text, or drop the section."""
    for section in shape.SECTIONS:
        specs = shape.fields(section.name)
        part = data.get(section.name)
        lists = [s for s in specs if s.kind in shape.TEXT_LISTS]
        if shape.is_nested(section.name) and part is not None and not any(part.get(s.name) for s in lists):
            data[section.name] = None
            claims = [c for c in claims if not c.section.startswith(f"{section.name}.")]
            notes.append(section.removed_note)
            continue
        for spec in specs:
            text = shape.get(data, spec.path)
            if spec.stand_in and text is not None and not text.strip():
                claims = _stand_in(data, spec, claims, article, notes)
    return claims


def _stand_in(
    data: dict, spec: shape.FieldSpec, claims: list[Claim], article: Article, notes: list[str]
) -> list[Claim]:
    """Replace the emptied text at ``spec.path`` by the first of its stand-ins there is (its
    claims with it), or by None when there is none."""
    claims = [c for c in claims if c.section != spec.path]
    for source in spec.stand_in:
        if source == shape.ARTICLE_TITLE:
            if article.title:
                shape.put(data, spec.path, article.title)
                notes.append(f"{spec.path}: unsupported; replaced by the article title")
                return claims
        elif (text := shape.get(data, source)) is not None:
            stand_in = [c for c in claims if c.section == source][:1]
            shape.put(data, spec.path, stand_in[0].text if stand_in else text)
            notes.append(f"{spec.path}: unsupported; replaced by {source}")
            return [*claims, *(c.model_copy(update={"section": spec.path}) for c in stand_in)]
    shape.put(data, spec.path, None)
    notes.append(f"{spec.path}: unsupported; removed")
    return claims
