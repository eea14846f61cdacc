"""The store interface. SQLite implements it today; a server database can implement it later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from briefwire.model import Article, BackgroundItem, Briefing


@dataclass(frozen=True)
class LLMCall:
    """One logged model call (a row of ``llm_calls``)."""

    section: str
    backend: str
    model: str
    prompt_hash: str
    prompt_tokens: int = 0
    cached_tokens: int = 0
    generated_tokens: int = 0
    seconds: float = 0.0
    article_id: str | None = None
    briefing_id: str | None = None
    id: str | None = None
    created: str | None = None


@dataclass(frozen=True)
class BriefingRow:
    """A stored briefing as listed by ``briefwire list``."""

    id: str
    article_id: str
    title: str | None
    headline: str | None
    engine: str
    backend: str
    model: str
    created: str


@dataclass(frozen=True)
class SearchHit:
    id: str  # article id
    title: str | None
    date: str | None
    url: str | None
    snippet: str
    score: float  # FTS5 BM25 relevance, higher is better


class Store(Protocol):
    def add_article(self, article: Article) -> str:
        """Insert (or find by content hash) and return the article id."""
        ...

    def get_article(self, article_id: str) -> Article | None: ...

    def find_briefing(self, article_hash: str, options_key: str, backend: str, model: str) -> str | None:
        """Id of a stored briefing for the same content, options, backend and model, if any."""
        ...

    def save_briefing(
        self,
        article_id: str,
        briefing: Briefing,
        options_key: str,
        *,
        backend: str | None = None,
        model: str | None = None,
        llm_call_ids: Sequence[str] = (),
    ) -> str:
        """Store ``briefing`` atomically and return its new id.

        ``backend``/``model`` default to ``briefing.run`` (or "extractive" for an
        extractive briefing without run stats); pass the values you give
        ``find_briefing`` if they differ. ``llm_call_ids`` (from ``log_llm_call``)
        are linked to the new briefing in the same transaction.
        """
        ...

    def get_briefing(self, briefing_id: str) -> Briefing | None: ...

    def related(self, article: Article, limit: int = 3) -> list[BackgroundItem]:
        """Most related archived articles (excluding this one), as citable excerpts."""
        ...

    def log_llm_call(
        self,
        *,
        backend: str,
        model: str,
        section: str,
        prompt_hash: str,
        prompt_tokens: int,
        cached_tokens: int,
        generated_tokens: int,
        seconds: float,
        article_id: str | None = None,
        briefing_id: str | None = None,
    ) -> str:
        """Record one model call; returns the call id (for ``save_briefing(llm_call_ids=...)``)."""
        ...
