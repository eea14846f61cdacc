"""The web app's model of the world: submit an article, run its job, look up results.

Routes (API and pages) call this and nothing below it, so the two front doors behave
the same way and the tests can exercise the job logic without HTTP.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from briefwire.archive_key import ArchiveKey
from briefwire.ingest.budget import truncate_to_chars
from briefwire.model import Article, Briefing
from briefwire.options import BriefOptions
from briefwire.store.base import Store
from briefwire.web.jobs import Job, JobProgress, JobRunner, JobStore, initial_progress
from briefwire.web.settings import WebSettings

log = logging.getLogger(__name__)


class BriefingService:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        Path(settings.db_path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self._owns_store = settings.store is None
        self.store: Any = settings.store if settings.store is not None else _open_store(settings.db_path)
        self.jobs = JobStore(Path(settings.db_path).expanduser())
        self.runner = JobRunner(
            self.jobs, self.execute, workers=max(1, settings.workers), time_limit=settings.job_time_limit
        )
        self.backend = settings.lazy_backend()
        self.closing = False  # tells open event streams to end so shutdown is not held up

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> None:
        if self.settings.start_worker:
            self.runner.start()

    def begin_shutdown(self) -> None:
        """The server was told to stop: end event streams and stop running jobs (as interrupted)
        now, while open connections drain, so that close() finds little left to wait for."""
        self.closing = True
        self.runner.interrupt()

    def close(self) -> None:
        self.begin_shutdown()
        self.runner.stop()
        if self.runner.running:
            # A worker is still inside one long model call: closing the model under it could crash
            # the process, so leave it to process exit. Its job is already marked interrupted.
            log.warning("a briefing job was still running at shutdown; it is marked interrupted")
            return
        self.backend.close()
        self.jobs.close()
        if self._owns_store:
            self.store.close()

    # -- jobs -----------------------------------------------------------------------

    def submit(self, article: Article, options: BriefOptions) -> tuple[Job, bool]:
        """Queue a briefing job, or return the job already made for the same input; True if new.

        An article over ``settings.max_article_chars`` is cut first, with a note in the briefing.
        """
        limit = self.settings.max_article_chars
        article = truncate_to_chars(article, limit, f"(this server briefs at most {limit:,} characters)")
        request = {"article": article.model_dump(), "options": options.model_dump(mode="json")}
        job, created = self.jobs.submit(self._job_key(article, options), request)
        if created:
            self.runner.enqueue(job.id)
        return job, created

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; False if it had already ended."""
        return self.runner.cancel(job_id)

    def job_view(self, job_id: str) -> dict[str, Any] | None:
        """The job as the API shows it, with live progress when a worker is on it right now."""
        job = self.jobs.get(job_id)
        if job is None:
            return None
        live = self.runner.live_progress(job_id) if job.status == "running" else None
        return {
            "id": job.id,
            "status": job.status,
            "briefing_id": job.briefing_id,
            "error": job.error,
            "progress": live.snapshot() if live else job.progress or initial_progress(job.request),
            "title": job.request.get("article", {}).get("title"),
            "created_at": job.created_at,
            "updated_at": job.updated_at,
        }

    def _job_key(self, article: Article, options: BriefOptions) -> str:
        # Two requests for the briefing the archive would file under one key share one job.
        # A backend whose model only its server can name (none named) is not asked here, in
        # the request: its jobs are keyed by where it is.
        identity = self.backend.identity or ("unnamed", self.backend.where)
        return ArchiveKey.of(article, options, identity=identity).digest()

    def execute(self, job: Job, progress: JobProgress) -> str:
        """Run one job on a worker thread and return the stored briefing's id."""
        from briefwire.pipeline import archive, brief

        article = Article.model_validate(job.request["article"])
        options = BriefOptions.model_validate(job.request["options"])
        # The extractive engine needs no model: do not load (or wait for) one for it.
        backend = self.backend if options.engine == "llm" else None
        run = self.settings.brief_fn or brief
        result = run(article, backend=backend, options=options, store=self.store, progress=progress)
        if result.archive_id is not None:
            return result.archive_id
        # A brief function that keeps no archive (a stand-in): file its briefing as brief() would.
        return archive(self.store, ArchiveKey.of(article, options, backend), article, result.briefing)

    # -- reading --------------------------------------------------------------------

    def briefing(self, briefing_id: str) -> Briefing | None:
        return self.store.get_briefing(briefing_id)

    def article(self, briefing_id: str) -> Article | None:
        """The article a briefing was written from, for the page that shows the two side by side."""
        return self.store.briefing_article(briefing_id)

    def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        return [_row_dict(row) for row in self.store.list_briefings(limit=limit)]

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Archive search: article hits, each with the briefings written of it (newest first)."""
        hits = self.store.search(query, limit=limit)
        by_article: dict[str, list[dict[str, Any]]] = {}
        # The store searches articles, not briefings; its recent list maps them back.
        for row in self.store.list_briefings(limit=1000):
            by_article.setdefault(row.article_id, []).append(_row_dict(row))
        return [
            {
                "article_id": hit.id,
                "title": hit.title,
                "date": hit.date,
                "url": hit.url,
                "snippet": hit.snippet,
                "score": round(hit.score, 3),
                "briefings": by_article.get(hit.id, []),
            }
            for hit in hits
        ]


def _row_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "article_id": row.article_id,
        "title": row.headline or row.title,
        "engine": row.engine,
        "backend": row.backend,
        "model": row.model,
        "created": row.created,
    }


def _open_store(db_path: Path) -> Store:
    from briefwire.store import SQLiteStore

    return SQLiteStore(Path(db_path).expanduser())
