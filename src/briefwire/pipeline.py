"""The whole job for one article: compose → ground → further reading → (store)."""

from __future__ import annotations

import time

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


def stored_briefing(
    store: Store, article: Article, options: BriefOptions, backend_name: str, model_name: str
) -> Briefing | None:
    """The archived briefing of this article with these options and this backend and model, if any."""
    found = store.find_briefing(article.content_hash, options.cache_key(), backend_name, model_name)
    return store.get_briefing(found) if found is not None else None


def brief(
    article: Article,
    *,
    backend: Backend | None,
    options: BriefOptions | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> Briefing:
    """Write a briefing of ``article``; with ``store``, reuse a stored one unless ``force``."""
    options = options or BriefOptions()
    progress = progress or NullProgress()
    original = article  # stored as given, so a truncated long article still dedupes
    started = time.perf_counter()
    uses_model = backend is not None and options.engine == "llm"
    # The same pair the briefing's run statistics carry, so any caller can find it again.
    backend_name = backend.name if uses_model else "none"  # type: ignore[union-attr]
    model_name = backend.model if uses_model else "extractive"  # type: ignore[union-attr]
    call_ids: list[str] = []
    if store is not None and not force:
        cached = stored_briefing(store, article, options, backend_name, model_name)
        if cached is not None:
            return cached

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
    if store is not None:
        article_id = store.add_article(original)
        store.save_briefing(
            article_id,
            briefing,
            options.cache_key(),
            backend=backend_name,
            model=model_name,
            llm_call_ids=call_ids,
        )
    return briefing
