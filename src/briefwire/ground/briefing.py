"""A briefing as checkable sentences, and the unsupported-sentence policy (flag, drop, revise).

Every sentence of the headline, key points, narrative and deep dive is a ``Unit`` that knows its
field. The policy marks units dropped or rewrites them; ``rebuild`` then writes the kept
sentences back, removes emptied list items, renumbers claim sections and notes what went.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from briefwire.ground.checker import Checker
from briefwire.ground.judge import REVISE_PARAMS, REVISE_SCHEMA, parse_revision, revise_instruction
from briefwire.ground.relations import looks_ahead
from briefwire.llm.base import Backend, LLMError
from briefwire.model import Article, Briefing, Claim
from briefwire.text import split_sentences

Field = tuple  # ("headline",) | ("key_points", i) | ("narrative", "paragraphs", i) | ("deep_dive", "pros", i)

DEEP_DIVE_LISTS = ("context", "resolutions", "practical_steps", "trends", "pros", "cons", "recommendations")
# Subsections that give the model's analysis rather than report the article: they may hold opinions.
ANALYTIC = {"resolutions", "practical_steps", "trends", "pros", "cons", "recommendations"}
# The takeaway says what the story means: an opinion only where it looks ahead or judges
# ("will", "should"); a cause, an attribution or an event in it is checked as a fact.
JUDGEMENT_FIELDS = {"key_takeaway"}
FAILING = {"unsupported", "contradicted"}
MAX_REVISIONS = 2


@dataclass
class Unit:
    field: Field
    text: str
    analytic: bool
    claim: Claim | None = None
    keep: bool = True
    changed: bool = False
    cites: list[int] | None = None  # the article sentences its field was written from


def section_path(field: Field) -> str:
    parts = [str(p) for p in field if not isinstance(p, int)]
    index = "".join(f"[{p}]" for p in field if isinstance(p, int))
    return ".".join(parts) + index


def _fields(b: Briefing) -> list[tuple[Field, str]]:
    out: list[tuple[Field, str]] = []
    if b.headline:
        out.append((("headline",), b.headline))
    out += [(("key_points", i), t) for i, t in enumerate(b.key_points)]
    if b.narrative:
        out += [(("narrative", "paragraphs", i), t) for i, t in enumerate(b.narrative.paragraphs)]
        out.append((("narrative", "key_takeaway"), b.narrative.key_takeaway))
    if b.deep_dive:
        if b.deep_dive.main_development:
            out.append((("deep_dive", "main_development"), b.deep_dive.main_development))
        for name in DEEP_DIVE_LISTS:
            out += [(("deep_dive", name, i), t) for i, t in enumerate(getattr(b.deep_dive, name))]
    return out


def is_analytic(field: Field, sentence: str) -> bool:
    """Whether ``sentence`` of ``field`` may be an opinion rather than a checked fact."""
    names = {p for p in field if isinstance(p, str)}
    return bool(names & ANALYTIC) or bool(names & JUDGEMENT_FIELDS and looks_ahead(sentence))


def units_of(b: Briefing) -> list[Unit]:
    units = []
    for field, text in _fields(b):
        cites = b.cites.get(section_path(field))
        units += [Unit(field, s, is_analytic(field, s), cites=cites) for s in split_sentences(text)]
    return units


def check_units(units: list[Unit], checker: Checker) -> None:
    for u in units:
        u.claim, _ = checker.check(u.text, section_path(u.field), analytic=u.analytic, cites=u.cites)


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
    by_field: dict[Field, list[Unit]] = defaultdict(list)
    for u in units:
        by_field[u.field].append(u)
    for field, group in by_field.items():
        if any(u.changed for u in group):
            _set(data, field, " ".join(u.text for u in group if u.keep))
    notes: list[str] = []
    remap = _drop_empty_items(data, notes)
    claims = []
    data["cites"] = {}
    for u in units:
        if u.keep and u.claim is not None:
            field = remap.get(u.field, u.field)
            claims.append(u.claim.model_copy(update={"section": section_path(field)}))
        if u.keep and u.cites:
            data["cites"][section_path(remap.get(u.field, u.field))] = u.cites
    claims = _fill_required(data, claims, article, notes)
    return Briefing.model_validate(data), claims, notes


def _set(data: dict, field: Field, value: str) -> None:
    target = data
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value


def _drop_empty_items(data: dict, notes: list[str]) -> dict[Field, Field]:
    """Remove list items left empty; map each surviving item's old field to its new one."""
    remap: dict[Field, Field] = {}
    lists: list[tuple[tuple[str, ...], dict, str]] = [(("key_points",), data, "key_points")]
    if data.get("narrative"):
        lists.append((("narrative", "paragraphs"), data["narrative"], "paragraphs"))
    if data.get("deep_dive"):
        lists += [(("deep_dive", name), data["deep_dive"], name) for name in DEEP_DIVE_LISTS]
    for prefix, parent, key in lists:
        items = parent[key]
        kept = [(i, t) for i, t in enumerate(items) if t.strip()]
        for new, (old, _) in enumerate(kept):
            remap[(*prefix, old)] = (*prefix, new)
        parent[key] = [t for _, t in kept]
        if items and not kept:
            notes.append(f"{'.'.join(prefix)}: every item was unsupported and removed")
    return remap


def _fill_required(data: dict, claims: list[Claim], article: Article, notes: list[str]) -> list[Claim]:
    """Never leave a required text empty: fall back to grounded text, or drop the section."""
    if data.get("headline") is not None and not data["headline"].strip():
        data["headline"] = article.title or None
        claims = [c for c in claims if c.section != "headline"]
        notes.append(
            "headline: unsupported; " + ("replaced by the article title" if article.title else "removed")
        )
    narrative = data.get("narrative")
    if narrative is not None and not narrative["paragraphs"]:
        data["narrative"] = None
        claims = [c for c in claims if not c.section.startswith("narrative.")]
        notes.append("narrative: removed, no paragraph was supported")
    elif narrative is not None and not narrative["key_takeaway"].strip():
        # The first key point (or paragraph) that survived is grounded and says what matters most.
        source = "key_points[0]" if data["key_points"] else "narrative.paragraphs[0]"
        stand_in = [c for c in claims if c.section == source][:1]
        narrative["key_takeaway"] = stand_in[0].text if stand_in else narrative["paragraphs"][0]
        claims += [c.model_copy(update={"section": "narrative.key_takeaway"}) for c in stand_in]
        notes.append(f"narrative.key_takeaway: unsupported; replaced by {source}")
    deep = data.get("deep_dive")
    if deep is not None and not any(deep[name] for name in DEEP_DIVE_LISTS):
        data["deep_dive"] = None
        claims = [c for c in claims if not c.section.startswith("deep_dive.")]
        notes.append("deep_dive: removed, nothing in it was supported")
    return claims
