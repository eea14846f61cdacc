"""Stopping web jobs: cancel, the time limit, and SIGTERM (the server stops, the job says interrupted)."""

from __future__ import annotations

import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from live_server import served
from test_web_support import ARTICLE, StandIn, settings_for, wait_for_job

from briefwire.model import Briefing
from briefwire.progress import NullProgress
from briefwire.web import create_app

TOKEN = "s3cret-token"


class Endless:
    """A ``brief()`` that writes tokens until its job is stopped, as the model does a long section."""

    def __init__(self) -> None:
        self.calls = 0
        self.stopped = threading.Event()  # set when the job's stop reached the pipeline

    def __call__(self, article: Any, *, progress: Any = None, **kw: Any) -> Briefing:
        self.calls += 1
        progress = progress or NullProgress()
        try:
            progress.section_started("headline")
            for n in range(2_000):
                progress.tokens("headline", n, 25.0)
                time.sleep(0.01)
        except BaseException:
            self.stopped.set()
            raise
        raise AssertionError("the job was never stopped")


class Stuck(Endless):
    """A ``brief()`` inside one long call that reports nothing until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def __call__(self, article: Any, *, progress: Any = None, **kw: Any) -> Briefing:
        self.calls += 1
        self.release.wait(60)
        return super().__call__(article, progress=progress, **kw)


def submit(client: TestClient, **kw: Any) -> str:
    response = client.post("/api/briefings", json={"text": ARTICLE}, **kw)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def running(job: dict) -> bool:
    return job["status"] == "running"


def test_a_running_job_can_be_cancelled(tmp_path: Path) -> None:
    endless = Endless()
    with TestClient(create_app(settings_for(tmp_path, brief_fn=endless, token=TOKEN))) as client:
        auth = {"headers": {"Authorization": f"Bearer {TOKEN}"}}
        job_id = submit(client, **auth)
        wait_for_job(client, job_id, until=running, **auth)
        assert client.post(f"/api/jobs/{job_id}/cancel").status_code == 401  # like every API route
        cancelled = client.post(f"/api/jobs/{job_id}/cancel", **auth)
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"  # at once, whatever the worker is doing
        assert endless.stopped.wait(5)  # and the pipeline stopped at its next token
        job = wait_for_job(client, job_id, **auth)
        assert job["status"] == "cancelled" and job["error"] == "Cancelled on request."

        again = client.post(f"/api/jobs/{job_id}/cancel", **auth)
        assert again.status_code == 409 and "cancelled" in again.json()["detail"]
        assert client.post("/api/jobs/nope/cancel", **auth).status_code == 404
        # A cancelled job does not hold its article: asking again starts a new job.
        assert submit(client, **auth) != job_id


def test_the_job_page_has_a_cancel_button_that_stops_the_job(tmp_path: Path) -> None:
    endless = Endless()
    with TestClient(create_app(settings_for(tmp_path, brief_fn=endless))) as client:
        job_id = submit(client)
        wait_for_job(client, job_id, until=running)
        page = client.get(f"/jobs/{job_id}").text
        assert f'action="/jobs/{job_id}/cancel"' in page and ">Cancel</button>" in page
        pressed = client.post(f"/jobs/{job_id}/cancel", follow_redirects=False)
        assert pressed.status_code == 303 and pressed.headers["location"] == f"/jobs/{job_id}"
        assert endless.stopped.wait(5)
        after = client.get(f"/jobs/{job_id}").text
        assert "cancelled" in after and 'id="job-cancel" hidden' in after  # no button once it ended
        assert client.post("/jobs/nope/cancel", follow_redirects=False).status_code == 404


def test_a_queued_job_can_be_cancelled_and_never_runs(tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path, start_worker=False))) as client:
        job_id = submit(client)
        assert client.post(f"/api/jobs/{job_id}/cancel").json()["status"] == "cancelled"
    stand_in = StandIn()
    with TestClient(create_app(settings_for(tmp_path, brief_fn=stand_in))) as client:
        other = submit(client)  # the same article: a new job, since the first was cancelled
        assert wait_for_job(client, other)["status"] == "done"
        assert client.get(f"/api/jobs/{job_id}").json()["status"] == "cancelled"
    assert stand_in.calls == 1


def test_a_job_is_stopped_at_its_time_limit(tmp_path: Path) -> None:
    endless = Endless()
    with TestClient(create_app(settings_for(tmp_path, brief_fn=endless, job_time_limit=0.3))) as client:
        job = wait_for_job(client, submit(client))
        assert job["status"] == "failed"
        assert job["error"] == "Stopped after its time limit of 0.3 s."
        assert endless.stopped.wait(5)


def test_a_job_stuck_in_one_call_fails_at_its_time_limit_all_the_same(tmp_path: Path) -> None:
    stuck = Stuck()
    with TestClient(create_app(settings_for(tmp_path, brief_fn=stuck, job_time_limit=0.3))) as client:
        job_id = submit(client)
        job = wait_for_job(client, job_id, timeout=5)
        # Failed on time although the pipeline has not returned (it cannot be interrupted there).
        assert job["status"] == "failed" and "time limit" in job["error"]
        assert not stuck.stopped.is_set()
        stuck.release.set()
        assert stuck.stopped.wait(5)  # at its first report after the call, it stops
        assert client.get(f"/api/jobs/{job_id}").json()["status"] == "failed"


# -- SIGTERM ----------------------------------------------------------------------------------


def test_sigterm_stops_the_server_within_5_s_and_marks_the_job_interrupted(tmp_path: Path) -> None:
    for kind in ("Endless", "Stuck"):  # a job that reports progress, and one stuck in a long call
        db_dir = tmp_path / kind
        db_dir.mkdir()
        with served(db_dir, f"test_web_jobs:{kind}") as (server, http):
            job_id = http.post("/api/briefings", json={"text": ARTICLE}).json()["id"]
            deadline = time.monotonic() + 10
            while http.get(f"/api/jobs/{job_id}").json()["status"] != "running":
                assert time.monotonic() < deadline, "the job did not start"
                time.sleep(0.05)
            # An open event stream must not hold the shutdown up either.
            with http.stream("GET", f"/api/jobs/{job_id}/events") as events:
                next(events.iter_lines())
                sent = time.monotonic()
                server.send_signal(signal.SIGTERM)
                server.wait(10)
            stopped_in = time.monotonic() - sent
        log = server.stderr.read() if server.stderr else ""
        assert stopped_in <= 5.0, (kind, stopped_in, log)
        # A clean shutdown (uvicorn then re-raises the signal, so the exit status says SIGTERM).
        assert "Application shutdown complete" in log, log
        assert server.returncode in (0, -signal.SIGTERM), log
        with sqlite3.connect(db_dir / "briefwire.db") as db:
            status, error = db.execute("SELECT status, error FROM jobs WHERE id = ?", (job_id,)).fetchone()
        assert status == "interrupted", kind
        assert "server stopped" in error

        # The next start leaves it alone.
        stand_in = StandIn()
        with TestClient(create_app(settings_for(db_dir, brief_fn=stand_in))) as client:
            assert client.get(f"/api/jobs/{job_id}").json()["status"] == "interrupted"
        assert stand_in.calls == 0
