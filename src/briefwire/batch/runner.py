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

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from briefwire.batch.local import run_local
from briefwire.batch.outputs import output_path, remove_stale_temps
from briefwire.batch.ray_engine import run_ray
from briefwire.batch.types import (
    BatchConfig,
    BatchReport,
    ItemResult,
    Job,
    Runner,
    Status,
)
from briefwire.errors import BriefwireError
from briefwire.fsutil import atomic_write
from briefwire.llm import BackendConfig
from briefwire.llm.lazy import BackendFactory, LazyBackend
from briefwire.model import Article, Briefing
from briefwire.progress import BatchProgress
from briefwire.store.base import Store

REPORT_NAME = "batch-report.json"


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
    it is called at most once per process, and only if an item needs the model. (With the
    default, an item found in the store does not: the configuration names the model. A
    factory's backend must be built to name its own.) For the Ray runner it must be
    picklable. ``ray_init`` adds keyword arguments to ``ray.init`` (e.g. ``num_cpus``). The
    report is also written to the output folder.
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
        from briefwire.render import render  # lazily: the CLI imports this module at start-up

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
            backend = _lazy_backend(config, backend_factory) if config.options.engine == "llm" else None
            _runner(config.runner)(jobs, config, store, backend, finish, emit, ray_init or {})
    except KeyboardInterrupt:
        report.interrupted = True
        raise
    finally:
        report.finished = _now()
        report.seconds = time.monotonic() - clock
        atomic_write(out_dir / REPORT_NAME, report.to_json())
    return report


def _lazy_backend(config: BatchConfig, factory: BackendFactory | None) -> LazyBackend:
    if factory is not None:  # only the backend it builds can name itself and its model
        return LazyBackend(factory)
    return LazyBackend.from_config(config.backend or BackendConfig.from_env(parallel=config.parallel))


def _runner(name: Runner) -> Callable[..., None]:
    return run_ray if name == "ray" else run_local


def _read_inputs(config: BatchConfig) -> list[tuple[str, Article | None, str | None]]:
    """All inputs, ids made unique across them (two folders may both hold ``a.txt``)."""
    # Lazily: the CLI imports this module at start-up, and ingest pulls in the HTTP stack.
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
