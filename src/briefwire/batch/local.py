"""The local runner: N items at a time in threads that share one backend.

With the embedded backend built for N parallel slots, llama.cpp batches the N
concurrent generations together (continuous batching); on a CPU the decode step
is bound by memory bandwidth, so N streams cost little more than one.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from briefwire.batch.backends import BackendFactory, LazyBackend
from briefwire.batch.types import BatchConfig, Emit, Finish, ItemResult, Job, describe_error
from briefwire.store.base import Store


class _SaveTracker:
    """The store, plus a per-thread note of whether the pipeline saved a new briefing.

    Not saving means the pipeline reused a stored one, which the report counts apart.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._local = threading.local()

    def __getattr__(self, attr: str) -> object:
        return getattr(self._store, attr)

    def save_briefing(self, *args: object, **kwargs: object) -> str:
        self._local.saved = True
        return self._store.save_briefing(*args, **kwargs)  # type: ignore[arg-type]

    def begin(self) -> None:
        self._local.saved = False

    @property
    def saved(self) -> bool:
        return getattr(self._local, "saved", False)


def run_local(
    jobs: list[Job],
    config: BatchConfig,
    store: Store | None,
    factory: BackendFactory,
    finish: Finish,
    emit: Emit,
    ray_init: dict,
) -> None:
    from briefwire.pipeline import brief  # lazily: the CLI imports this module at start-up

    backend = LazyBackend(factory) if config.options.engine == "llm" else None
    tracker = _SaveTracker(store) if store is not None else None

    def work(job: Job) -> ItemResult:
        start = time.monotonic()
        if tracker is not None:
            tracker.begin()
        briefing = brief(
            job.article, backend=backend, options=config.options, store=tracker, force=config.force
        )  # type: ignore[arg-type]
        reused = tracker is not None and not tracker.saved
        return finish(job, briefing, reused, time.monotonic() - start)

    pool = ThreadPoolExecutor(max_workers=max(1, config.parallel), thread_name_prefix="brief")
    # Submit no more than the pool can run plus a small queue, so an interrupt leaves
    # little queued work behind and memory stays flat for very large batches.
    window = 2 * max(1, config.parallel)
    pending: dict[Future[ItemResult], Job] = {}
    queue = iter(jobs)
    try:
        while True:
            while len(pending) < window and (job := next(queue, None)) is not None:
                pending[pool.submit(work, job)] = job
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                try:
                    emit(future.result())
                except Exception as err:  # one bad item never stops the batch
                    emit(ItemResult(job.id, "failed", error=describe_error(err)))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if backend is not None:
            backend.close()
