"""The local runner: N items at a time in threads that share one backend.

With the embedded backend built for N parallel slots, llama.cpp batches the N
concurrent generations together (continuous batching); on a CPU the decode step
is bound by memory bandwidth, so N streams cost little more than one.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from briefwire.batch.types import BatchConfig, Emit, Finish, ItemResult, Job, describe_error
from briefwire.llm.lazy import LazyBackend
from briefwire.store.base import Store


def run_local(
    jobs: list[Job],
    config: BatchConfig,
    store: Store | None,
    backend: LazyBackend | None,
    finish: Finish,
    emit: Emit,
    ray_init: dict,
) -> None:
    from briefwire.pipeline import brief  # lazily: the CLI imports this module at start-up

    def work(job: Job) -> ItemResult:
        start = time.monotonic()
        result = brief(job.article, backend=backend, options=config.options, store=store, force=config.force)
        return finish(job, result.briefing, result.reused, time.monotonic() - start)

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
