"""A picklable stand-in for the store, for workers that cannot reach the database (Ray tasks).

The driver fills it with what the pipeline may read for one article (related
archive excerpts, briefings already stored for the same content and options),
ships it with the task, and after the task replays what the pipeline wrote
(``save_briefing``, ``log_llm_call``) into the real store with ``replay``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from briefwire.model import Article, BackgroundItem, Briefing
from briefwire.store.base import Store
from briefwire.store.sqlite import SQLiteStore, article_id_for


@dataclass
class _Saved:
    briefing_json: str
    options_key: str
    backend: str | None
    model: str | None
    call_ids: tuple[str, ...]


@dataclass
class RecordingStore:
    article: Article
    background: list[BackgroundItem] = field(default_factory=list)
    # (briefing id, backend, model, options key, briefing JSON) already in the real store.
    cached: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    saved: list[_Saved] = field(default_factory=list)
    calls: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def snapshot(
        cls, store: SQLiteStore, article: Article, options_key: str, *, related: bool
    ) -> RecordingStore:
        return cls(
            article=article,
            background=store.related(article) if related else [],
            cached=store.cached_briefings(article.content_hash, options_key),
        )

    @property
    def reused(self) -> bool:
        """True when the pipeline answered from a stored briefing instead of saving a new one."""
        return not self.saved

    # -- the Store protocol, as seen by the pipeline inside the task ---------------------

    def add_article(self, article: Article) -> str:
        return article_id_for(article.content_hash)

    def get_article(self, article_id: str) -> Article | None:
        return self.article if article_id == article_id_for(self.article.content_hash) else None

    def find_briefing(self, article_hash: str, options_key: str, backend: str, model: str) -> str | None:
        if article_hash != self.article.content_hash:
            return None
        for bid, b, m, key, _ in self.cached:
            if (b, m, key) == (backend, model, options_key):
                return bid
        return None

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
        self.saved.append(
            _Saved(briefing.model_dump_json(), options_key, backend, model, tuple(llm_call_ids))
        )
        return f"pending-{len(self.saved)}"

    def get_briefing(self, briefing_id: str) -> Briefing | None:
        for bid, *_, data in self.cached:
            if bid == briefing_id:
                return Briefing.model_validate_json(data)
        if briefing_id.startswith("pending-"):
            return Briefing.model_validate_json(self.saved[int(briefing_id.split("-")[1]) - 1].briefing_json)
        return None

    def related(self, article: Article, limit: int = 3) -> list[BackgroundItem]:
        return self.background[:limit] if article.content_hash == self.article.content_hash else []

    def log_llm_call(self, **call: object) -> str:
        cid = f"call-{len(self.calls) + 1}"
        self.calls[cid] = dict(call)
        return cid

    # -- back on the driver ---------------------------------------------------------------

    def replay(self, store: Store) -> list[str]:
        """Write what the task recorded into ``store``; returns the new briefing ids."""
        article_id = store.add_article(self.article)
        real: dict[str, str] = {}
        for cid, call in self.calls.items():
            fields = {**call, "briefing_id": None}
            if fields.get("article_id"):
                fields["article_id"] = article_id
            real[cid] = store.log_llm_call(**fields)  # type: ignore[arg-type]
        ids = []
        for n, saved in enumerate(self.saved, start=1):
            # Calls are linked whether the pipeline passed their ids to save_briefing or
            # logged them afterwards with the briefing's (placeholder) id.
            linked = [c for c in saved.call_ids if c in real]
            linked += [c for c, call in self.calls.items() if call.get("briefing_id") == f"pending-{n}"]
            ids.append(
                store.save_briefing(
                    article_id,
                    Briefing.model_validate_json(saved.briefing_json),
                    saved.options_key,
                    backend=saved.backend,
                    model=saved.model,
                    llm_call_ids=[real[c] for c in dict.fromkeys(linked)],
                )
            )
        return ids
