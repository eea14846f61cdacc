"""``run_batch``: many inputs in, one briefing file per input out, resumable after any crash.

The steps, and why a rerun of the same command after ``kill -9`` is always correct:

1. Stray temporary files of a killed run are deleted.
2. Every input is read and given a unique id; an item whose output file exists is
   skipped, which is safe because output files are only ever created complete
   (written to a temporary file, fsynced, renamed).
3. The remaining items are briefed by a runner (threads here, or Ray tasks). The
   pipeline saves each briefing to the store in one transaction *before* its file is
   written, and on a rerun finds it there (same content, options, backend, model) and
   reuses it, so the store never gets a second copy either.
4. Failures are collected per item, never stop the batch, and go into
   ``batch-report.json`` with everything else that happened.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, Protocol

from briefwire.batch.backends import BackendFactory, default_factory
from briefwire.batch.outputs import output_path, remove_stale_temps
from briefwire.errors import BriefwireError
from briefwire.fsutil import atomic_write
from briefwire.llm import BackendConfig
from briefwire.model import Article, Briefing
from briefwire.options import BriefOptions
from briefwire.store.base import Store

REPORT_NAME = "batch-report.json"
Status = Literal["written", "reused", "skipped", "failed"]
Runner = Literal["local", "ray"]


@dataclass(frozen=True)
class ItemResult:
    id: str
    status: Status  # written: new briefing; reused: from the store; skipped: output existed
    output: str | None = None
    error: str | None = None
    generated_tokens: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Job:
    id: str
    article: Article
    path: Path


class BatchProgress(Protocol):
    """Told the item count once, then each finished item (from the driver thread only)."""

    def start(self, total: int) -> None: ...

    def item_done(self, result: ItemResult) -> None: ...


@dataclass
class BatchConfig:
    inputs: Sequence[str]  # folders, files, JSONL, feed files or URLs (anything ingest reads)
    out_dir: Path
    fmt: Literal["md", "json", "html"] = "md"
    options: BriefOptions = field(default_factory=BriefOptions)
    force: bool = False  # ignore briefings cached in the store (outputs that exist are still kept)
    parallel: int = 1  # local: threads sharing one backend; ray: tasks in flight
    runner: Runner = "local"  # local: threads in this process; ray: Ray tasks
    ray_address: str | None = None
    backend: BackendConfig | None = None  # None: from the environment, with parallel slots
    allow_private: bool = True  # let feeds point at private network addresses


@dataclass
class BatchReport:
    config: dict
    started: str
    finished: str = ""
    seconds: float = 0.0
    interrupted: bool = False
    results: list[ItemResult] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failures(self) -> list[ItemResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted

    @property
    def generated_tokens(self) -> int:
        return sum(r.generated_tokens for r in self.results)

    def to_json(self) -> str:
        statuses: tuple[Status, ...] = ("written", "reused", "skipped", "failed")
        data = {
            "started": self.started,
            "finished": self.finished,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "config": self.config,
            "counts": {"total": len(self.results), **{s: self.count(s) for s in statuses}},
            "generated_tokens": self.generated_tokens,
            "failures": [{"id": r.id, "error": r.error} for r in self.failures],
            "items": [asdict(r) for r in self.results],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


Emit = Callable[[ItemResult], None]
Finish = Callable[[Job, Briefing, bool, float], ItemResult]


def describe_error(err: BaseException) -> str:
    """One line for the report: user-facing errors as they are, others with their type."""
    if isinstance(err, BriefwireError):
        return str(err)
    return f"{type(err).__name__}: {err}"


def generated_tokens(briefing: Briefing) -> int:
    return sum(s.generated_tokens for s in briefing.run.sections) if briefing.run else 0


def run_batch(
    config: BatchConfig,
    *,
    store: Store | None = None,
    backend_factory: BackendFactory | None = None,
    progress: BatchProgress | None = None,
    ray_init: dict | None = None,
) -> BatchReport:
    """Brief every input of ``config`` into ``config.out_dir``; see the module docstring.

    ``backend_factory`` builds the backend (default: ``make_backend`` on ``config.backend``);
    it is called at most once per process, and only if an item needs the model. For
    the Ray runner it must be picklable. ``ray_init`` adds keyword arguments to
    ``ray.init`` (e.g. ``num_cpus``). The report is also written to the output folder.
    """
    out_dir = Path(config.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)
    report = BatchReport(config=_config_summary(config), started=_now())
    clock = time.monotonic()

    def emit(result: ItemResult) -> None:
        report.results.append(result)
        if progress is not None:
            progress.item_done(result)

    def finish(job: Job, briefing: Briefing, reused: bool, seconds: float) -> ItemResult:
        from briefwire.render import render

        atomic_write(job.path, render(briefing, config.fmt))
        tokens = 0 if reused else generated_tokens(briefing)
        status: Status = "reused" if reused else "written"
        return ItemResult(job.id, status, str(job.path), generated_tokens=tokens, seconds=round(seconds, 3))

    try:
        items = _read_inputs(config)
        if progress is not None:
            progress.start(len(items))
        jobs: list[Job] = []
        for item_id, article, error in items:
            path = output_path(out_dir, item_id, config.fmt)
            if article is None:
                emit(ItemResult(item_id, "failed", error=error or "could not be read"))
            elif path.exists():
                emit(ItemResult(item_id, "skipped", str(path)))
            else:
                jobs.append(Job(item_id, article, path))
        if jobs:
            factory = backend_factory or default_factory(
                config.backend or BackendConfig.from_env(parallel=config.parallel)
            )
            _runner(config.runner)(jobs, config, store, factory, finish, emit, ray_init or {})
    except KeyboardInterrupt:
        report.interrupted = True
        raise
    finally:
        report.finished = _now()
        report.seconds = time.monotonic() - clock
        atomic_write(out_dir / REPORT_NAME, report.to_json())
    return report


def _runner(name: Runner) -> Callable[..., None]:
    if name == "ray":
        from briefwire.batch.ray_engine import run_ray

        return run_ray
    from briefwire.batch.local import run_local

    return run_local


def _read_inputs(config: BatchConfig) -> list[tuple[str, Article | None, str | None]]:
    """All inputs, ids made unique across them (two folders may both hold ``a.txt``)."""
    from briefwire.ingest import iter_inputs
    from briefwire.ingest.items import InputItem, unique_ids

    reserved = Path(REPORT_NAME).stem

    def every_item() -> Iterator[InputItem]:
        for spec in config.inputs:
            try:
                for item in iter_inputs(spec, allow_private=config.allow_private):
                    # An input named like the report must not have its output overwritten by it.
                    yield replace(item, id=f"{item.id}-item") if item.id.lower() == reserved else item
            except BriefwireError as err:  # the input itself is unreadable: one failed item
                yield InputItem(id=Path(spec).name or spec, article=None, error=str(err))

    return [(item.id, item.article, item.error) for item in unique_ids(every_item())]


def _config_summary(config: BatchConfig) -> dict:
    return {
        "inputs": list(config.inputs),
        "out_dir": str(config.out_dir),
        "format": config.fmt,
        "runner": config.runner,
        "engine": config.options.engine,
        "parallel": config.parallel,
        "force": config.force,
        "sections": list(config.options.sections),
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
