"""Further reading: the official bodies an article mentions, linked from a curated registry only.

Every URL comes from ``data/official_sources.json``; nothing in the article or in model
output can put a domain into a briefing, so a hallucinated or hostile link cannot appear.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from briefwire.model import Link

Kind = Literal[
    "government",
    "head_of_state",
    "ministry",
    "international_org",
    "central_bank",
    "regulator",
    "statistics",
    "agency",
    "legislature",
    "court",
]

# Scopes that are not a single country; an article touching one has an international angle.
INTERNATIONAL_SCOPES = frozenset(
    {"international", "EU", "Europe", "Africa", "Asia", "Americas", "Southeast Asia"}
)

# Words that point at a country rather than at one of its bodies. They lead to the country's
# government or head-of-state entries at a lower score. Matched case-sensitively: these are
# proper nouns, and lower-case "turkey", "china" or "polish" are ordinary words.
COUNTRY_TERMS: dict[str, tuple[str, ...]] = {
    "United States": ("United States", "U.S.", "US", "USA", "America", "American"),
    "United Kingdom": ("United Kingdom", "UK", "U.K.", "Britain", "British", "Northern Ireland"),
    "Scotland": ("Scotland", "Scottish", "Edinburgh"),
    "Wales": ("Wales", "Welsh", "Cardiff"),
    "Russia": ("Russia", "Russian", "Russian Federation", "Moscow"),
    "Ukraine": ("Ukraine", "Ukrainian", "Kyiv", "Kiev"),
    "China": ("China", "Chinese", "Beijing", "PRC"),
    "Germany": ("Germany", "German", "Berlin"),
    "France": ("France", "French"),
    "Italy": ("Italy", "Italian"),
    "Spain": ("Spain", "Spanish"),
    "Netherlands": ("Netherlands", "Dutch"),
    "Belgium": ("Belgium", "Belgian"),
    "Switzerland": ("Switzerland", "Swiss", "Bern"),
    "Ireland": ("Ireland", "Irish", "Dublin"),
    "Sweden": ("Sweden", "Swedish", "Stockholm"),
    "Norway": ("Norway", "Norwegian", "Oslo"),
    "Denmark": ("Denmark", "Danish", "Copenhagen"),
    "Finland": ("Finland", "Finnish", "Helsinki"),
    "Poland": ("Poland", "Polish", "Warsaw"),
    "Greece": ("Greece", "Greek", "Athens"),
    "Portugal": ("Portugal", "Portuguese", "Lisbon"),
    "Czech Republic": ("Czech Republic", "Czechia", "Czech", "Prague"),
    "Turkey": ("Turkey", "Türkiye", "Turkish", "Ankara"),
    "Israel": ("Israel", "Israeli"),
    "Iran": ("Iran", "Iranian", "Tehran"),
    "Saudi Arabia": ("Saudi Arabia", "Saudi", "Riyadh"),
    "United Arab Emirates": ("United Arab Emirates", "UAE", "Emirati", "Abu Dhabi"),
    "Egypt": ("Egypt", "Egyptian", "Cairo"),
    "South Africa": ("South Africa", "South African", "Pretoria"),
    "Nigeria": ("Nigeria", "Nigerian", "Abuja"),
    "Kenya": ("Kenya", "Kenyan", "Nairobi"),
    "India": ("India", "Indian", "New Delhi"),
    "Pakistan": ("Pakistan", "Pakistani", "Islamabad"),
    "Hong Kong": ("Hong Kong",),
    "Taiwan": ("Taiwan", "Taiwanese", "Taipei"),
    "Japan": ("Japan", "Japanese", "Tokyo"),
    "South Korea": ("South Korea", "South Korean", "Seoul"),
    "Australia": ("Australia", "Australian"),
    "New Zealand": ("New Zealand",),
    "Singapore": ("Singapore", "Singaporean"),
    "Malaysia": ("Malaysia", "Malaysian", "Kuala Lumpur"),
    "Indonesia": ("Indonesia", "Indonesian", "Jakarta"),
    "Thailand": ("Thailand", "Thai", "Bangkok"),
    "Canada": ("Canada", "Canadian"),
    "Mexico": ("Mexico", "Mexican", "Mexico City"),
    "Brazil": ("Brazil", "Brazilian", "Brasília", "Brasilia"),
    "Argentina": ("Argentina", "Argentine", "Argentinian", "Buenos Aires"),
    "Chile": ("Chile", "Chilean", "Santiago"),
    "Colombia": ("Colombia", "Colombian", "Bogotá", "Bogota"),
    "Peru": ("Peru", "Peruvian"),
}

# Phrases that contain a country word but are not about that country. They win as the longer
# match and lead nowhere, so "New Mexico" is not a mention of Mexico.
_STOP_PHRASES = (
    "New Mexico",
    "British Columbia",
    "Latin America",
    "Latin American",
    "South America",
    "South American",
    "North America",
    "North American",
    "Central America",
    "Central American",
    "Native American",
    "Indian Ocean",
    "New South Wales",
    "Papua New Guinea",
    "French Polynesia",
    "Dutch Caribbean",
)

BODY_WEIGHT = 1.0
# Kept below BODY_WEIGHT even after many mentions: a body named outright always outranks
# one reached only through its country.
COUNTRY_WEIGHT = 0.35
COUNTRY_CAP = 0.9
# One "British" in a sports report is no reason to link gov.uk; two country mentions are.
MIN_LINK_SCORE = 0.5
_COUNTRY_KINDS = ("government", "head_of_state")
_FALLBACK_INTERNATIONAL = "United Nations"
_FALLBACK_EU = "European Union"

# Stories outside any government's remit: a country's government, its head of state or a generic
# fallback (UN, EU) reached only through a country word is off-topic there (an awards story
# linked the White House for "American actress", a Dutch bank's job cuts the White House for its
# US operations, a Welsh rugby squad the Welsh Government). Bodies named outright stay.
_OFF_GOVERNMENT_SUBJECTS: dict[str, tuple[str, ...]] = {
    "arts and entertainment": (
        "film", "films", "movie", "actor", "actress", "oscar", "oscars", "award", "awards", "album",
        "singer", "band", "chart", "box office", "festival", "director", "novel", "book", "prize",
        "show", "series", "star", "stars", "music", "song", "theatre", "comedy", "drama",
    ),
    "sport": (
        "match", "goal", "goals", "league", "cup", "championship", "tournament", "coach", "striker",
        "season", "player", "players", "club", "final", "win", "victory", "champion", "race",
        "medal", "olympic", "olympics", "squad", "manager", "fans", "team",
    ),
}  # fmt: skip
# Words that put a story within a government's remit whatever else it mentions.
_GOVERNMENT_WORDS = (
    "government", "governments", "minister", "ministers", "ministry", "parliament", "election",
    "policy", "policies", "law", "laws", "legislation", "tax", "regulator", "bill", "court",
    "sanctions", "president", "prime minister", "chancellor", "mp", "mps", "council", "treaty",
    "budget", "department", "cabinet", "politicians", "tory", "tories", "ban",
)  # fmt: skip
# What a story is called that is about none of the subjects above and never turns to government.
OUTSIDE_GOVERNMENT = "news that never turns to government, law or policy"
_WORDS = re.compile(r"[a-z]+")


def off_government_subject(text: str) -> str | None:
    """Why the story lies outside any government's remit, or None when it does not: it mentions
    government, law or policy fewer than twice. Named as arts, sport or OUTSIDE_GOVERNMENT (a
    firm's results, a gadget, a bank's job cuts)."""
    words = _WORDS.findall(text.lower())
    if not words:
        return None
    joined = f" {' '.join(words)} "
    if sum(joined.count(f" {w} ") for w in _GOVERNMENT_WORDS) >= 2:
        return None
    counts = {
        subject: sum(joined.count(f" {w} ") for w in cues)
        for subject, cues in _OFF_GOVERNMENT_SUBJECTS.items()
    }
    subject, hits = max(counts.items(), key=lambda kv: kv[1])
    # Five cue words per 400 words of text: the subject, not a passing mention.
    return subject if hits >= max(3, 5 * len(words) / 400) else OUTSIDE_GOVERNMENT


_DOMAIN = re.compile(r"https://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}")


class OfficialSource(BaseModel):
    """One registry entry; ``domain`` is the only URL briefwire will ever link for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    scope: str = Field(min_length=1)
    kind: Kind
    domain: str

    @field_validator("domain")
    @classmethod
    def _bare_https_host(cls, value: str) -> str:
        if not _DOMAIN.fullmatch(value):
            raise ValueError(f"domain must be https://<host> with no path, got {value!r}")
        return value

    @field_validator("aliases")
    @classmethod
    def _clean_aliases(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(a.strip() for a in value)
        if any(not a for a in cleaned):
            raise ValueError("aliases must not be blank")
        return cleaned

    @property
    def terms(self) -> tuple[str, ...]:
        """The name and aliases, each once under the key it is matched by."""
        seen: dict[str, str] = {}
        for term in (self.name, *self.aliases):
            seen.setdefault(_term_key(term), term)
        return tuple(seen.values())


@dataclass(frozen=True)
class Candidate:
    name: str
    url: str
    score: float
    matched: str  # the registry alias, country word or entity that led here
    scope: str = ""
    kind: str = ""
    via: Literal["body", "country"] = "body"
    first: int = 0  # where the first mention was; earlier wins a tie


def _is_case_sensitive(term: str) -> bool:
    """Short single-token names with capitals ("WHO", "U.N.", "Fed", "MoD") match exactly.

    Lower-cased they are common words ("who", "fed", "us"); longer names such as
    "Federal Reserve" are safe to match in any case, which also catches all-caps headlines.
    """
    letters = re.sub(r"[.&+\-]", "", term)
    return " " not in term and len(letters) <= 5 and letters != letters.lower()


def _term_key(term: str) -> str:
    return term if _is_case_sensitive(term) else term.casefold()


@lru_cache(maxsize=1)
def _registry() -> tuple[OfficialSource, ...]:
    raw = resources.files("briefwire").joinpath("data/official_sources.json").read_text("utf-8")
    entries = TypeAdapter(tuple[OfficialSource, ...]).validate_python(json.loads(raw))
    owners: dict[str, str] = {}
    for entry in entries:
        for term in entry.terms:
            key = _term_key(term)
            if key in owners and owners[key] != entry.name:
                raise ValueError(f"registry term {term!r} belongs to both {owners[key]!r} and {entry.name!r}")
            owners[key] = entry.name
    names = [e.name.casefold() for e in entries]
    if len(names) != len(set(names)):
        raise ValueError("registry names must be unique")
    return entries


def load_registry() -> list[OfficialSource]:
    """The curated official sources, validated once per process."""
    return list(_registry())


@dataclass(frozen=True)
class _Term:
    text: str
    targets: tuple[int, ...]  # registry indices
    country: bool


@dataclass
class _Tally:
    body: int = 0
    country: int = 0
    matched_body: str | None = None
    matched_country: str | None = None
    first: int = 0  # offset of the first mention, to break score ties by prominence


class _Matcher:
    """Finds registry terms in text: word-bounded, leftmost-longest, no overlaps."""

    def __init__(self, registry: Sequence[OfficialSource]) -> None:
        # Terms matched exactly, and terms matched in any case (keyed case-folded).
        self._tables: tuple[dict[str, _Term], dict[str, _Term]] = ({}, {})
        for i, entry in enumerate(registry):
            for text in entry.terms:
                self._add(_Term(text, (i,), country=False), _is_case_sensitive(text))
        by_scope: dict[str, list[int]] = {}
        for i, entry in enumerate(registry):
            if entry.kind in _COUNTRY_KINDS:
                by_scope.setdefault(entry.scope, []).append(i)
        for scope, words in COUNTRY_TERMS.items():
            for text in words:
                self._add(_Term(text, tuple(by_scope.get(scope, ())), country=True), exact=True)
        for text in _STOP_PHRASES:
            self._add(_Term(text, (), country=True), exact=True)
        exact, folded = self._tables
        self._passes = (
            (_alternation(t.text for t in exact.values()), exact, False),
            (_alternation((t.text for t in folded.values()), re.IGNORECASE), folded, True),
        )

    def _add(self, term: _Term, exact: bool) -> None:
        # First come, first kept: registry aliases are added before country words.
        table = self._tables[0 if exact else 1]
        table.setdefault(term.text if exact else term.text.casefold(), term)

    def find(self, text: str) -> list[tuple[int, _Term]]:
        """(offset, term) for each mention, in text order."""
        spans: list[tuple[int, int, _Term]] = []
        for pattern, table, fold in self._passes:
            for m in pattern.finditer(text):
                term = table.get(m.group().casefold() if fold else m.group())
                if term is not None:
                    spans.append((m.start(), m.end(), term))
        # Leftmost, then longest, then a body before a country word over the same span.
        spans.sort(key=lambda s: (s[0], s[0] - s[1], s[2].country))
        found: list[tuple[int, _Term]] = []
        end = -1
        for start, stop, term in spans:
            if start >= end:
                found.append((start, term))
                end = stop
        return found


def _alternation(words: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    # Longest first, so at any position the longer alias ("Federal Foreign Office") wins.
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    body = "|".join(re.escape(w) for w in ordered) or r"(?!x)x"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", flags)


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    return _Matcher(_registry())


def find_candidates(text: str, entities: Sequence[str] = (), limit: int = 8) -> list[Candidate]:
    """Registry bodies the text mentions, best first, one per URL.

    ``entities`` (e.g. from NER or the article title) count as extra mentions.
    """
    registry = _registry()
    matcher = _matcher()
    tallies: dict[int, _Tally] = {}
    hits = matcher.find(text)
    for entity in dict.fromkeys(e.strip() for e in entities if e.strip()):
        # Entities rank after every mention in the text itself.
        hits.extend((len(text) + offset, term) for offset, term in matcher.find(entity))
    for offset, term in hits:
        for i in term.targets:
            tally = tallies.setdefault(i, _Tally(first=offset))
            if term.country:
                tally.country += 1
                tally.matched_country = tally.matched_country or term.text
            else:
                tally.body += 1
                tally.matched_body = tally.matched_body or term.text

    best: dict[str, Candidate] = {}
    for i, tally in tallies.items():
        entry = registry[i]
        candidate = Candidate(
            name=entry.name,
            url=entry.domain,
            score=round(_score(tally), 4),
            matched=tally.matched_body or tally.matched_country or "",
            scope=entry.scope,
            kind=entry.kind,
            via="body" if tally.body else "country",
            first=tally.first,
        )
        current = best.get(entry.domain)
        if current is None or _rank(candidate) < _rank(current):
            best[entry.domain] = candidate
    return sorted(best.values(), key=_rank)[: max(limit, 0)]


def _score(tally: _Tally) -> float:
    # Logarithmic: the fifth mention of a body says less than the first.
    score = BODY_WEIGHT * (1 + math.log2(tally.body)) if tally.body else 0.0
    if tally.country:
        score += min(COUNTRY_WEIGHT * (1 + math.log2(tally.country)), COUNTRY_CAP)
    return score


def _rank(candidate: Candidate) -> tuple[float, bool, int, str]:
    return (-candidate.score, candidate.via != "body", candidate.first, candidate.name)


def has_international_angle(candidates: Sequence[Candidate]) -> bool:
    """An international body is involved, or more than one country is."""
    scopes = {c.scope for c in candidates}
    return bool(scopes & INTERNATIONAL_SCOPES) or len(scopes) > 1


def select_links(
    candidates: Sequence[Candidate],
    k_min: int = 2,
    k_max: int = 4,
    *,
    international: bool | None = None,
    min_score: float = MIN_LINK_SCORE,
    on_topic: str | None = None,
) -> list[Link]:
    """Up to ``k_max`` links to distinct domains, each resolved back to its registry entry.

    Candidates below ``min_score`` (a single passing country mention) are skipped. With
    fewer than ``k_min``, generic fallbacks (the country's government, the EU, the UN)
    are added only when the article has an international angle (``international``, or
    inferred from the candidates); otherwise the caller gets what there is, maybe nothing.
    ``on_topic`` names a subject outside any government's remit (``off_government_subject``):
    then only bodies the article names outright are linked, never a government or a fallback.
    """
    by_name = {s.name: s for s in _registry()}
    chosen: dict[str, Link] = {}
    if on_topic is not None:
        # Off the government's remit: only bodies the article names outright, no fallbacks.
        candidates = [c for c in candidates if c.via == "body" and c.kind not in _COUNTRY_KINDS]
        international = False

    def add(source: OfficialSource) -> None:
        if source.domain not in chosen and len(chosen) < k_max:
            chosen[source.domain] = Link(name=source.name, url=source.domain)

    # Weak candidates neither get a link nor make an article international ("US team Haas");
    # one not built from the registry (or with a tampered URL) is ignored outright.
    strong = [
        c
        for c in sorted(candidates, key=_rank)
        if c.score >= min_score and c.name in by_name and by_name[c.name].domain == c.url
    ]
    for candidate in strong:
        add(by_name[candidate.name])
    angle = has_international_angle(strong) if international is None else international
    if len(chosen) < k_min and angle:
        for source in _fallbacks(strong, by_name):
            if len(chosen) >= k_min:
                break
            add(source)
    return list(chosen.values())


def _fallbacks(candidates: Sequence[Candidate], by_name: dict[str, OfficialSource]) -> list[OfficialSource]:
    out: list[OfficialSource] = []
    for scope in dict.fromkeys(c.scope for c in candidates):
        if scope == "EU":
            out.append(by_name[_FALLBACK_EU])
        out.extend(s for s in _registry() if s.scope == scope and s.kind in _COUNTRY_KINDS)
    out.append(by_name[_FALLBACK_INTERNATIONAL])
    return out
