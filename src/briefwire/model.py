"""The data that flows through briefwire: Article in, Briefing out.

Nothing but pydantic models lives here, so every other module can import it
without pulling in a backend, a database or the web stack.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.2"  # 1.1 added run.sections[].top_ups; 1.2 cites and deep_dive.main_development,
# deep_dive.not_applicable. Minor versions only add fields.

Label = Literal["supported", "unsupported", "contradicted", "opinion"]


class Article(BaseModel):
    """A source article after ingestion: clean text plus whatever metadata was found."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    # A stable name for batch output files: the JSONL id, the file stem, the feed entry id.
    id: str | None = None
    # Things the user should know about how the text was obtained (fallback decoding, truncation).
    warnings: list[str] = Field(default_factory=list)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.strip().encode("utf-8")).hexdigest()


class Source(BaseModel):
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None


class Narrative(BaseModel):
    paragraphs: list[str]
    key_takeaway: str


class DeepDive(BaseModel):
    # A list declared for the deep dive in shape.py but not named here is kept (and written out)
    # as it is, so declaring one needs no field here.
    model_config = ConfigDict(extra="allow")

    title: str
    # One sentence naming the story's main decision or development; the pros and cons are of it.
    main_development: str = ""
    context: list[str]
    resolutions: list[str]
    practical_steps: list[str]
    trends: list[str]
    pros: list[str]
    cons: list[str]
    recommendations: list[str]
    # Lists that do not apply to this story (no practical steps for readers of an awards story),
    # said in one line instead of padded with items that would fit any story.
    not_applicable: list[str] = Field(default_factory=list)


class Link(BaseModel):
    name: str
    url: str


class Evidence(BaseModel):
    # "article" for the briefed article, "archive:<id>" for earlier coverage from the store.
    source: str = "article"
    sentence_id: int
    text: str


class Claim(BaseModel):
    # A path into the briefing, e.g. "key_points[2]" or "narrative.paragraphs[0]" (shape.py).
    section: str
    text: str
    label: Label
    score: float = Field(ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(default_factory=list)
    # Why the label was given (e.g. "number 12 not in source"), for editors and debugging.
    reasons: list[str] = Field(default_factory=list)


class GroundingSummary(BaseModel):
    checked: int = 0
    supported: int = 0
    unsupported: int = 0
    contradicted: int = 0
    opinion: int = 0
    policy: Literal["flag", "drop", "revise"] = "flag"


class SectionStats(BaseModel):
    name: str
    prompt_tokens: int = 0  # newly processed
    cached_tokens: int = 0  # served from the KV cache
    generated_tokens: int = 0
    seconds: float = 0.0
    attempts: int = 1  # generations of the whole section
    top_ups: int = 0  # short calls that wrote only the items a repair had to drop


class RunStats(BaseModel):
    backend: str
    model: str
    total_seconds: float = 0.0
    sections: list[SectionStats] = Field(default_factory=list)


class BackgroundItem(BaseModel):
    """An earlier archived article used as context, cited in the briefing as [A1], [A2], ..."""

    ref: str  # "A1"
    archive_id: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    excerpt: str


class Briefing(BaseModel):
    schema_version: str = SCHEMA_VERSION
    engine: Literal["llm", "extractive"] = "llm"
    source: Source = Field(default_factory=Source)
    headline: str | None = None
    key_points: list[str] = Field(default_factory=list)
    narrative: Narrative | None = None
    deep_dive: DeepDive | None = None
    further_reading: list[Link] = Field(default_factory=list)
    background: list[BackgroundItem] = Field(default_factory=list)
    # Filled by the extractive engine; empty otherwise.
    entities: list[str] = Field(default_factory=list)
    key_phrases: list[str] = Field(default_factory=list)
    # The article sentences a field was written from, by path: {"key_points[2]": [6, 7]}. Ids are
    # positions in the article's sentences, as Evidence.sentence_id; grounding tries these first.
    cites: dict[str, list[int]] = Field(default_factory=dict)
    claims: list[Claim] = Field(default_factory=list)
    grounding: GroundingSummary | None = None
    # Human-readable notes: omitted sections, warnings from ingestion, fallbacks taken.
    notes: list[str] = Field(default_factory=list)
    run: RunStats | None = None
