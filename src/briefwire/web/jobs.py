"""Briefing jobs: the ``jobs`` table in the store's SQLite file and the worker thread(s) that run them.

Jobs live in the database (not in memory) so a restarted server resumes its queue, and so
two requests for the same article and options share one job. Live progress (token counts)
is kept in memory and only section boundaries are written back, because token callbacks
arrive far too often to be worth a disk write each.

A job can be stopped while it runs: cancelled, past its time limit, or cut off because the
server is shutting down. Its row is marked first, so it says why at once; the pipeline stops
at its next progress report (several a second while the model writes). A job the server was
running when it stopped is marked ``interrupted`` and never run again by itself.
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
from briefwire.store.schema import migrate

log = logging.getLogger(__name__)

JobState = Literal["queued", "running", "done", "failed", "cancelled", "interrupted"]
# Nothing changes a job in these states again. (Queued, running and done jobs hold their
# dedupe key, see the jobs_live index in store/schema.py; the others leave it free for a retry.)
FINISHED = frozenset({"done", "failed", "cancelled", "interrupted"})

CANCELLED = "Cancelled on request."
INTERRUPTED = "The server stopped while this job was running; submit the article again to retry."


def timed_out(limit: float) -> str:
    return f"Stopped after its time limit of {limit:g} s."


class JobStopped(Exception):
    """Raised in a job's pipeline, at its next progress report, once the job has been stopped."""


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
            migrate(self._conn)  # the table is one of the archive's (store/schema.py)

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
                "SELECT * FROM jobs WHERE dedupe_key = ? AND status IN ('queued', 'running', 'done')",
                (dedupe_key,),
            ).fetchone()
        return _job(row), created

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def claim(self, job_id: str) -> Job | None:
        """Move a queued job to running; None if it is not queued (already taken or ended)."""
        if not self._update(job_id, ("queued",), status="running"):
            return None
        return self.get(job_id)

    def finish(self, job_id: str, briefing_id: str, progress: dict[str, Any]) -> None:
        self._update(
            job_id, ("running",), status="done", briefing_id=briefing_id, progress=json.dumps(progress)
        )

    def fail(self, job_id: str, error: str, progress: dict[str, Any]) -> None:
        self._update(job_id, ("running",), status="failed", error=error, progress=json.dumps(progress))

    def end(self, job_id: str, status: JobState, error: str) -> bool:
        """Stop a queued or running job as ``status``, saying why; False if it had already ended."""
        return self._update(job_id, ("queued", "running"), status=status, error=error)

    def save_progress(self, job_id: str, progress: dict[str, Any]) -> None:
        self._update(job_id, None, progress=json.dumps(progress))

    def interrupt_abandoned(self) -> list[str]:
        """After a restart: jobs still marked running were cut off by a crash or a kill; mark them
        interrupted (never re-run unasked: a job that brought the server down would again).
        Returns the ids of the queued jobs, which are run now."""
        with self._lock:
            self._conn.execute(
                "UPDATE jobs SET status = 'interrupted', error = ?, updated_at = ? WHERE status = 'running'",
                (INTERRUPTED, time.time()),
            )
            rows = self._conn.execute(
                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at"
            ).fetchall()
        return [row["id"] for row in rows]

    def _update(self, job_id: str, only_from: tuple[str, ...] | None, **fields: Any) -> bool:
        """Set ``fields`` on the job if its status is in ``only_from`` (any, for None); True if it was."""
        fields["updated_at"] = time.time()
        assignments = ", ".join(f"{name} = ?" for name in fields)  # names are ours, never user input
        sql = f"UPDATE jobs SET {assignments} WHERE id = ?"
        params: list[Any] = [*fields.values(), job_id]
        if only_from is not None:
            sql += f" AND status IN ({', '.join('?' * len(only_from))})"
            params += only_from
        with self._lock:
            return self._conn.execute(sql, params).rowcount == 1


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
    """``briefwire.progress.Progress`` for one job: a thread-safe snapshot the web side can poll."""

    def __init__(
        self,
        sections: list[str],
        on_boundary: Callable[[dict[str, Any]], None],
        stop: threading.Event | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._on_boundary = on_boundary
        self._stop = stop or threading.Event()
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

    def check(self) -> None:
        """Raise JobStopped if the job has been stopped: the pipeline calls in here often."""
        if self._stop.is_set():
            raise JobStopped

    def section_started(self, name: str) -> None:
        self.check()
        with self._lock:
            # The pipeline may report steps beyond the requested sections (grounding, say).
            entry = self._sections.setdefault(name, _section(name))
            entry["status"] = "running"
            self._current = name
            self.version += 1
        self._on_boundary(self.snapshot())

    def tokens(self, name: str, generated: int, tokens_per_second: float) -> None:
        self.check()
        with self._lock:
            entry = self._sections.setdefault(name, _section(name))
            entry["generated"] = generated
            entry["tokens_per_second"] = round(tokens_per_second, 1)
            self.version += 1

    def section_done(self, name: str, stats: SectionStats) -> None:
        self.check()
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
    """Worker thread(s) that take queued jobs one at a time each and run ``execute`` on them,
    each for at most ``time_limit`` seconds (None: no limit)."""

    def __init__(
        self, jobs: JobStore, execute: Executor, *, workers: int = 1, time_limit: float | None = None
    ) -> None:
        self.jobs = jobs
        self._execute = execute
        self._workers = workers
        self._time_limit = time_limit
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._live: dict[str, JobProgress] = {}
        self._stops: dict[str, threading.Event] = {}  # every job a worker has taken, claimed or not
        self._live_lock = threading.Lock()
        self._stopping = False

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def start(self) -> None:
        for job_id in self.jobs.interrupt_abandoned():
            self._queue.put(job_id)
        for n in range(self._workers):
            thread = threading.Thread(target=self._loop, name=f"briefwire-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; False if it had already ended."""
        return self._end(job_id, "cancelled", CANCELLED)

    def interrupt(self) -> None:
        """Shutting down: take no more jobs, and stop the running ones as interrupted. Queued jobs
        stay queued for the next start."""
        self._stopping = True
        with self._live_lock:
            taken = list(self._stops)
        for job_id in taken:
            self._end(job_id, "interrupted", INTERRUPTED)

    def stop(self, timeout: float = 2.0) -> None:
        """Interrupt, then wait up to ``timeout`` s for the workers to exit. A worker still inside
        the pipeline after that (stuck in one long model call) is left to process exit: its job
        is already marked interrupted."""
        self.interrupt()
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

    def _end(self, job_id: str, status: JobState, error: str) -> bool:
        # The row first, so the job reads as ended even if its worker never returns; then the flag
        # its pipeline checks. A worker registers the flag before claiming the job, so a job
        # claimed after the row changed is never run, and one claimed before sees the flag.
        if not self.jobs.end(job_id, status, error):
            return False
        with self._live_lock:
            stop = self._stops.get(job_id)
        if stop is not None:
            stop.set()
        return True

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None or self._stopping:
                return
            stop = threading.Event()
            with self._live_lock:
                self._stops[job_id] = stop
            try:
                job = self.jobs.claim(job_id)  # None: someone else took it, or it has ended
                if job is not None and self._stopping:  # shutdown began while it was being taken
                    self._end(job.id, "interrupted", INTERRUPTED)
                elif job is not None:
                    self._run(job, stop)
            finally:
                with self._live_lock:
                    self._stops.pop(job_id, None)
                    self._live.pop(job_id, None)

    def _run(self, job: Job, stop: threading.Event) -> None:
        progress = JobProgress(
            planned_sections(job.request), lambda snap: self.jobs.save_progress(job.id, snap), stop
        )
        with self._live_lock:
            self._live[job.id] = progress
        timer = None
        if self._time_limit:
            timer = threading.Timer(
                self._time_limit, self._end, (job.id, "failed", timed_out(self._time_limit))
            )
            timer.daemon = True
            timer.start()
        try:
            briefing_id = self._execute(job, progress)
        except JobStopped:
            self.jobs.save_progress(job.id, progress.snapshot())  # the row already says why
        except Exception as err:
            # A job failure must never kill the worker; the message is shown to the user as is.
            log.warning("job %s failed: %s", job.id, err, exc_info=not _is_user_error(err))
            self.jobs.fail(job.id, _describe(err), progress.snapshot())
        else:
            self.jobs.finish(job.id, briefing_id, progress.snapshot())
        finally:
            if timer is not None:
                timer.cancel()


def _is_user_error(err: Exception) -> bool:
    # Both are raised with messages meant for the person who asked (bad input, model down).
    return isinstance(err, (BriefwireError, LLMError))


def _describe(err: Exception) -> str:
    # User errors are written for users; anything else is a bug, so name its type
    # but keep internals (paths, tracebacks) in the server log only.
    if _is_user_error(err):
        return str(err)
    return f"internal error ({type(err).__name__}); see the server log"
