"""Briefing jobs: a ``jobs`` table in the store's SQLite file and the worker thread(s) that run them.

Jobs live in the database (not in memory) so a killed server resumes its queue on the
next start, and so two requests for the same article and options share one job. Live
progress (token counts) is kept in memory and only section boundaries are written back,
because token callbacks arrive far too often to be worth a disk write each.
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from briefwire.errors import BriefwireError
from briefwire.llm.base import LLMError
from briefwire.model import SectionStats

log = logging.getLogger(__name__)

JobState = Literal["queued", "running", "done", "failed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    dedupe_key TEXT NOT NULL,
    status TEXT NOT NULL,
    briefing_id TEXT,
    error TEXT,
    request TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT '{}',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
-- At most one live-or-finished job per key: a failed job does not block a retry.
CREATE UNIQUE INDEX IF NOT EXISTS jobs_dedupe ON jobs(dedupe_key) WHERE status != 'failed';
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, created_at);
"""


@dataclass(frozen=True)
class Job:
    id: str
    dedupe_key: str
    status: JobState
    briefing_id: str | None
    error: str | None
    request: dict[str, Any]
    progress: dict[str, Any]
    created_at: float
    updated_at: float


class JobStore:
    """The ``jobs`` table. One connection guarded by a lock: job writes are few and tiny."""

    def __init__(self, db_path: str | Path) -> None:
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(db_path), check_same_thread=False, timeout=30, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        with self._lock:
            # WAL lets the store's own connection read while a job is being written.
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def submit(self, dedupe_key: str, request: dict[str, Any]) -> tuple[Job, bool]:
        """Create a queued job, or return the existing one for ``dedupe_key``; True if created."""
        now = time.time()
        job_id = uuid.uuid4().hex[:16]
        with self._lock:
            # The partial unique index makes "insert unless a live one exists" atomic, even
            # across processes sharing the file.
            cur = self._conn.execute(
                "INSERT INTO jobs (id, dedupe_key, status, request, created_at, updated_at)"
                " VALUES (?, ?, 'queued', ?, ?, ?) ON CONFLICT DO NOTHING",
                (job_id, dedupe_key, json.dumps(request), now, now),
            )
            created = cur.rowcount == 1
            row = self._conn.execute(
                "SELECT * FROM jobs WHERE dedupe_key = ? AND status != 'failed'", (dedupe_key,)
            ).fetchone()
        return _job(row), created

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def claim(self, job_id: str) -> Job | None:
        """Move a queued job to running; None if it is not queued (already taken or finished)."""
        with self._lock:
            cur = self._conn.execute(
                "UPDATE jobs SET status = 'running', updated_at = ? WHERE id = ? AND status = 'queued'",
                (time.time(), job_id),
            )
            if cur.rowcount != 1:
                return None
            row = self._conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row)

    def finish(self, job_id: str, briefing_id: str, progress: dict[str, Any]) -> None:
        self._update(job_id, status="done", briefing_id=briefing_id, progress=json.dumps(progress))

    def fail(self, job_id: str, error: str, progress: dict[str, Any]) -> None:
        self._update(job_id, status="failed", error=error, progress=json.dumps(progress))

    def save_progress(self, job_id: str, progress: dict[str, Any]) -> None:
        self._update(job_id, progress=json.dumps(progress))

    def requeue_interrupted(self) -> list[str]:
        """After a restart: running jobs were cut off, so queue them again; return all queued ids."""
        with self._lock:
            self._conn.execute(
                "UPDATE jobs SET status = 'queued', updated_at = ? WHERE status = 'running'", (time.time(),)
            )
            rows = self._conn.execute(
                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at"
            ).fetchall()
        return [row["id"] for row in rows]

    def _update(self, job_id: str, **fields: Any) -> None:
        fields["updated_at"] = time.time()
        assignments = ", ".join(f"{name} = ?" for name in fields)  # names are ours, never user input
        with self._lock:
            self._conn.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", (*fields.values(), job_id))


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        dedupe_key=row["dedupe_key"],
        status=row["status"],
        briefing_id=row["briefing_id"],
        error=row["error"],
        request=json.loads(row["request"]),
        progress=json.loads(row["progress"] or "{}"),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class JobProgress:
    """The pipeline's ``Progress`` for one job: a thread-safe snapshot the web side can poll."""

    def __init__(self, sections: list[str], on_boundary: Callable[[dict[str, Any]], None]) -> None:
        self._lock = threading.Lock()
        self._on_boundary = on_boundary
        self._sections: dict[str, dict[str, Any]] = {name: _section(name) for name in sections}
        self._current: str | None = None
        self.version = 0  # bumped on every change, so event streams only send news

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "current": self._current,
                "sections": [dict(s) for s in self._sections.values()],
                "version": self.version,
            }

    def section_started(self, name: str) -> None:
        with self._lock:
            # The pipeline may report steps beyond the requested sections (grounding, say).
            entry = self._sections.setdefault(name, _section(name))
            entry["status"] = "running"
            self._current = name
            self.version += 1
        self._on_boundary(self.snapshot())

    def tokens(self, name: str, generated: int, tokens_per_second: float) -> None:
        with self._lock:
            entry = self._sections.setdefault(name, _section(name))
            entry["generated"] = generated
            entry["tokens_per_second"] = round(tokens_per_second, 1)
            self.version += 1

    def section_done(self, name: str, stats: SectionStats) -> None:
        with self._lock:
            entry = self._sections.setdefault(name, _section(name))
            entry.update(status="done", generated=stats.generated_tokens, seconds=round(stats.seconds, 2))
            if self._current == name:
                self._current = None
            self.version += 1
        self._on_boundary(self.snapshot())


def planned_sections(request: dict[str, Any]) -> list[str]:
    """The sections a job will report progress for: the LLM engine writes them one by one; the
    extractive engine does everything in one quick step and reports none."""
    options = request.get("options", {})
    return list(options.get("sections") or []) if options.get("engine", "llm") == "llm" else []


def initial_progress(request: dict[str, Any]) -> dict[str, Any]:
    return {"current": None, "sections": [_section(n) for n in planned_sections(request)], "version": 0}


def _section(name: str) -> dict[str, Any]:
    return {"name": name, "status": "pending", "generated": 0, "tokens_per_second": 0.0, "seconds": 0.0}


Executor = Callable[[Job, JobProgress], str]  # runs one job, returns the briefing id


class JobRunner:
    """Worker thread(s) that take queued jobs one at a time each and run ``execute`` on them."""

    def __init__(self, jobs: JobStore, execute: Executor, *, workers: int = 1) -> None:
        self.jobs = jobs
        self._execute = execute
        self._workers = workers
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._live: dict[str, JobProgress] = {}
        self._live_lock = threading.Lock()

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def start(self) -> None:
        for job_id in self.jobs.requeue_interrupted():
            self._queue.put(job_id)
        for n in range(self._workers):
            thread = threading.Thread(target=self._loop, name=f"briefwire-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask workers to exit after their current job; a job still running stays "running" in the
        table and is resumed on the next start."""
        for _ in self._threads:
            self._queue.put(None)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = [t for t in self._threads if t.is_alive()]

    def enqueue(self, job_id: str) -> None:
        self._queue.put(job_id)

    def live_progress(self, job_id: str) -> JobProgress | None:
        with self._live_lock:
            return self._live.get(job_id)

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            job = self.jobs.claim(job_id)
            if job is not None:  # someone else took it, or it is already finished
                self._run(job)

    def _run(self, job: Job) -> None:
        progress = JobProgress(
            planned_sections(job.request), lambda snap: self.jobs.save_progress(job.id, snap)
        )
        with self._live_lock:
            self._live[job.id] = progress
        try:
            briefing_id = self._execute(job, progress)
        except Exception as err:
            # A job failure must never kill the worker; the message is shown to the user as is.
            log.warning("job %s failed: %s", job.id, err, exc_info=not _is_user_error(err))
            self.jobs.fail(job.id, _describe(err), progress.snapshot())
        else:
            self.jobs.finish(job.id, briefing_id, progress.snapshot())
        finally:
            with self._live_lock:
                self._live.pop(job.id, None)


def _is_user_error(err: Exception) -> bool:
    # Both are raised with messages meant for the person who asked (bad input, model down).
    return isinstance(err, (BriefwireError, LLMError))


def _describe(err: Exception) -> str:
    # User errors are written for users; anything else is a bug, so name its type
    # but keep internals (paths, tracebacks) in the server log only.
    if _is_user_error(err):
        return str(err)
    return f"internal error ({type(err).__name__}); see the server log"
