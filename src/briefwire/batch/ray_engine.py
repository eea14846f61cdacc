"""The Ray runner: each item is a Ray task, on a local Ray instance or a cluster.

Tasks never touch the database, which may be a file on the driver's machine. The
driver snapshots what the pipeline may read for an article (related archive
excerpts, briefings already stored for the same content and options) into a
``RecordingStore`` that travels with the task; the task returns the briefing and
the recording, and the driver replays the writes into the store and writes the
output file atomically. Each worker process builds its backend once, from the
picklable lazy backend (on a cluster: an OpenAI-compatible vLLM endpoint via
``--llm-url``), and keeps it for the tasks that follow.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from briefwire.batch.types import BatchConfig, Emit, Finish, ItemResult, Job, describe_error
from briefwire.errors import ConfigError
from briefwire.llm.lazy import LazyBackend
from briefwire.model import Article, Briefing
from briefwire.options import BriefOptions
from briefwire.store.base import Store
from briefwire.store.recording import RecordingStore

REMOTE_TASK_CPUS = 0.25
# Per worker process: one backend per batch run (keyed by a run id), reused across tasks.
_WORKER_BACKENDS: dict[str, LazyBackend] = {}


def brief_task(
    article: Article,
    options: BriefOptions,
    force: bool,
    recording: RecordingStore | None,
    backend: LazyBackend | None,
    run_id: str,
) -> tuple[str, bool, RecordingStore | None]:
    """Runs inside a Ray worker: the pipeline on one article; returns (briefing JSON, reused,
    recording). ``backend`` arrives unbuilt; the worker's first task of the run keeps it."""
    from briefwire.pipeline import brief  # lazily: the CLI imports this module at start-up

    if backend is not None:
        backend = _WORKER_BACKENDS.setdefault(run_id, backend)
    result = brief(article, backend=backend, options=options, store=recording, force=force)
    return result.briefing.model_dump_json(), result.reused, recording


def _task_cpus(config: BatchConfig) -> float:
    """CPUs Ray reserves per task: a task that mostly waits on a remote model server needs
    a fraction of one, so a few cores can keep hundreds of requests in flight to vLLM."""
    remote = config.options.engine == "llm" and config.backend is not None and config.backend.llm_url
    return REMOTE_TASK_CPUS if remote else 1.0


def _connect(address: str | None, init_kwargs: dict[str, Any]) -> bool:
    """Connect to (or start) Ray; True if this call started it and should shut it down."""
    try:
        import ray  # lazily: an optional extra, and slow to import; only --runner ray needs it
    except ImportError as err:
        raise ConfigError("--runner ray needs Ray: pip install 'briefwire[ray]'") from err
    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": "warning"}
    kwargs.update(init_kwargs)
    try:
        ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as err:
        raise ConfigError(f"could not connect to Ray at {address or 'a new local instance'}: {err}") from err
    return True


def run_ray(
    jobs: list[Job],
    config: BatchConfig,
    store: Store | None,
    backend: LazyBackend | None,
    finish: Finish,
    emit: Emit,
    ray_init: dict,
) -> None:
    import ray  # lazily: optional and slow to import (see _connect)

    started_here = _connect(config.ray_address, ray_init)
    try:
        cpus = _task_cpus(config)
        task = ray.remote(brief_task).options(num_cpus=cpus, max_retries=1)
        backend_ref = ray.put(backend) if backend is not None else None
        run_id = uuid.uuid4().hex
        options_key = config.options.cache_key()
        # Enough tasks in flight to keep every CPU (or --parallel) busy, no more, so the
        # driver's memory stays flat and an interrupt loses little work.
        limit = max(config.parallel, int(ray.cluster_resources().get("CPU", 1) / cpus))
        in_flight: dict[Any, tuple[Job, float]] = {}
        queue = iter(jobs)
        while True:
            while len(in_flight) < limit and (job := next(queue, None)) is not None:
                recording = None
                if store is not None:
                    recording = RecordingStore.snapshot(
                        store, job.article, options_key, related=config.options.background
                    )  # type: ignore[arg-type]
                ref = task.remote(job.article, config.options, config.force, recording, backend_ref, run_id)
                in_flight[ref] = (job, time.monotonic())
            if not in_flight:
                break
            done, _ = ray.wait(list(in_flight), num_returns=1)
            for ref in done:
                job, start = in_flight.pop(ref)
                emit(_collect(ref, job, start, store, finish))
    finally:
        if started_here:
            ray.shutdown()


def _collect(ref: Any, job: Job, start: float, store: Store | None, finish: Finish) -> ItemResult:
    import ray  # lazily: optional and slow to import (see _connect)

    try:
        briefing_json, reused, recording = ray.get(ref)
        if recording is not None and store is not None:
            recording.replay(store)  # store first: a crash before the file is written is then harmless
        return finish(job, Briefing.model_validate_json(briefing_json), reused, time.monotonic() - start)
    except Exception as err:
        cause = getattr(err, "cause", None)  # RayTaskError wraps the task's own exception
        return ItemResult(job.id, "failed", error=describe_error(cause or err))
