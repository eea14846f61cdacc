"""The whole job for one article: compose → ground → further reading → (store)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from briefwire.archive_key import ArchiveKey
from briefwire.compose.composer import Composer, compose
from briefwire.errors import ConfigError
from briefwire.llm.base import Backend
from briefwire.model import Article, BackgroundItem, Briefing, RunStats, SectionStats, Source
from briefwire.options import BriefOptions
from briefwire.progress import NullProgress, Progress
from briefwire.store.base import Store

# Tokens kept free for the system prompt, the longest section instruction and its answer.
_RESERVED_TOKENS = 1400


def fit_to_context(article: Article, backend: Backend | None) -> Article:
    """Truncate at a sentence boundary (with a warning) when the article would overflow the context."""
    from briefwire.ingest import truncate_to_budget

    context = getattr(backend, "context", None)
    if not context:
        return article
    return truncate_to_budget(article, max(256, context - _RESERVED_TOKENS))


def further_reading(article: Article, briefing: Briefing) -> None:
    from briefwire.further_reading import find_candidates, off_government_subject, select_links

    text = f"{article.title or ''}\n{article.text}"
    links = select_links(find_candidates(text), on_topic=off_government_subject(text))
    briefing.further_reading = links
    if not links:
        briefing.notes.append("further reading: no official body in our registry matches this article")


def _background(article: Article, store: Store | None, options: BriefOptions) -> list[BackgroundItem]:
    if store is None or not options.background or "deep_dive" not in options.sections:
        return []
    return store.related(article, limit=3)


def _compose_llm(
    article: Article,
    backend: Backend,
    options: BriefOptions,
    background: list[BackgroundItem],
    progress: Progress,
    store: Store | None,
    call_ids: list[str],
) -> Briefing:
    def log_call(section: str, prompt_hash: str, stats: SectionStats) -> None:
        if store is not None:
            call_id = store.log_llm_call(
                backend=backend.name,
                model=backend.model,
                section=section,
                prompt_hash=prompt_hash,
                prompt_tokens=stats.prompt_tokens,
                cached_tokens=stats.cached_tokens,
                generated_tokens=stats.generated_tokens,
                seconds=stats.seconds,
            )
            if call_id:
                call_ids.append(str(call_id))

    composer = Composer(
        backend,
        article,
        background=background,
        seed=options.seed,
        temperature=options.temperature,
        progress=progress,
        log_call=log_call,
    )
    headline, key_points, narrative, deep_dive = compose(composer, options.sections)
    briefing = Briefing(
        headline=headline,
        key_points=key_points,
        narrative=narrative,
        deep_dive=deep_dive,
        background=background if deep_dive else [],
        notes=composer.notes,
        run=RunStats(backend=backend.name, model=backend.model, sections=composer.stats),
    )
    briefing.cites = composer.cites_in(briefing)
    return briefing


@dataclass(frozen=True)
class BriefResult:
    """What ``brief`` did: the briefing, where the archive keeps it, and whether it was there already."""

    briefing: Briefing
    archive_id: str | None = None  # None without a store
    reused: bool = False  # True: found in the archive, nothing was written


def archived(store: Store, key: ArchiveKey) -> BriefResult | None:
    """The archived briefing under ``key``, if any."""
    found = store.find_briefing(key.content_hash, key.options_key, key.backend, key.model)
    briefing = store.get_briefing(found) if found is not None else None
    return BriefResult(briefing, found, reused=True) if briefing is not None else None


def archive(
    store: Store, key: ArchiveKey, article: Article, briefing: Briefing, call_ids: list[str] | None = None
) -> str:
    """File ``briefing`` of ``article`` under ``key``; returns its id (an earlier one's, replaced)."""
    article_id = store.add_article(article)
    return store.save_briefing(
        article_id,
        briefing,
        key.options_key,
        backend=key.backend,
        model=key.model,
        llm_call_ids=call_ids or [],
    )


def brief(
    article: Article,
    *,
    backend: Backend | None,
    options: BriefOptions | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> BriefResult:
    """Write a briefing of ``article``; with ``store``, reuse an archived one unless ``force``,
    else archive the new one.

    Give a ``LazyBackend`` (``briefwire.llm.lazy``) to load the model only when the archive
    does not already hold the briefing.
    """
    options = options or BriefOptions()
    progress = progress or NullProgress()
    original = article  # stored as given, so a truncated long article still dedupes
    started = time.perf_counter()
    key = ArchiveKey.of(article, options, backend)
    call_ids: list[str] = []
    if store is not None and not force and (found := archived(store, key)) is not None:
        return found

    if options.engine == "extractive":
        from briefwire.extractive import extractive_briefing

        briefing = extractive_briefing(article)
    else:
        if backend is None:
            raise ConfigError("the llm engine needs a backend (embedded model or --llm-url)")
        article = fit_to_context(article, backend)
        background = _background(article, store, options)
        briefing = _compose_llm(article, backend, options, background, progress, store, call_ids)
        if options.ground:
            from briefwire.ground import ground_briefing

            progress.section_started("grounding")
            t0 = time.perf_counter()
            briefing = ground_briefing(
                briefing,
                article,
                backend=backend,
                policy=options.unsupported,
                background=background,
                llm_judge=options.llm_judge,
            )
            progress.section_done(
                "grounding", SectionStats(name="grounding", seconds=time.perf_counter() - t0)
            )
    if "further_reading" in options.sections:
        further_reading(article, briefing)
    briefing.source = Source(title=article.title, author=article.author, date=article.date, url=article.url)
    briefing.notes = [*article.warnings, *briefing.notes]
    if briefing.run is not None:
        briefing.run.total_seconds = round(time.perf_counter() - started, 3)
    if store is None:
        return BriefResult(briefing)
    return BriefResult(briefing, archive(store, key, original, briefing, call_ids))
