"""Batch throughput of the embedded model: 1 slot against N slots (continuous batching).

Runs the full pipeline through the real batch runner (``run_batch``, local engine,
N threads sharing one backend built with N llama.cpp slots) over the same articles
for every slot count, in one process, and prints aggregate generated tokens/s,
briefings/hour and the speed-up over one slot.

    python bench/batch.py                       # 8 articles, slots 1,2,4
    python bench/batch.py --articles 4 --slots 4,1   # N slots first, then the baseline
    python bench/batch.py --slots 1,3 --json docs/bench-batch.json

Model load time is measured apart and not counted in throughput.

``--ceiling`` first measures what continuous batching can give on this machine at
all, with no pipeline around it: K plain generations (distinct short prompts, no
schema, a fixed number of tokens) and K prompt-only requests (distinct ~600-token
prompts, one generated token) sent at once to one backend with K slots, for each
slot count K. No briefing workload can batch better than these two figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from briefwire.batch import BatchConfig, ItemResult, run_batch
from briefwire.llm import Backend, BackendConfig, GenerationParams, make_backend
from briefwire.llm.embedded import available_cores
from briefwire.options import BriefOptions
from briefwire.store import SQLiteStore

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bbc-news-2095" / "news"
TOPICS = ("business", "entertainment", "politics", "sport", "tech")


def pick_articles(data: Path, count: int) -> list[Path]:
    """``count`` files taken round-robin over the topic folders, first files by name: reproducible."""
    per_topic = [sorted((data / t).glob("*.txt")) for t in TOPICS if (data / t).is_dir()]
    picked: list[Path] = []
    for i in range(count):
        files = per_topic[i % len(per_topic)]
        picked.append(files[i // len(per_topic)])
    return picked


class _PrintProgress:
    """One line per finished briefing, so a long run shows it is alive."""

    def start(self, total: int) -> None:
        self.started = time.perf_counter()

    def item_done(self, result: ItemResult) -> None:
        elapsed = time.perf_counter() - self.started
        print(
            f"   {elapsed:7.1f}s {result.status} {result.id} ({result.generated_tokens} tokens)", flush=True
        )


def _concurrent(backend: Backend, requests: list[tuple[str, int]]) -> tuple[int, int, float]:
    """Send ``requests`` ((prompt, max_tokens) each) at once; (prompt tokens, generated tokens, seconds)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(request: tuple[str, int]):
        prompt, max_tokens = request
        params = GenerationParams(max_tokens=max_tokens, temperature=0.7, seed=len(prompt))
        return backend.chat([{"role": "user", "content": prompt}], params=params)

    started = time.perf_counter()
    with ThreadPoolExecutor(len(requests)) as pool:
        done = list(pool.map(one, requests))
    seconds = time.perf_counter() - started
    return sum(c.prompt_tokens for c in done), sum(c.generated_tokens for c in done), seconds


def ceiling_on(backend: Backend, k: int, files: list[Path], run: str = "") -> dict:
    """Raw decode and prefill throughput of ``backend`` with ``k`` concurrent requests."""
    topics = ("rivers", "railways", "volcanoes", "bread", "chess", "owls", "copper", "tides")
    # Distinct article texts (no shared prefix, so nothing is served from the KV cache).
    texts = [" ".join(f.read_text(encoding="utf-8", errors="replace").split()[:450]) for f in files]
    decode = [(f"Write a long essay about {topics[i % len(topics)]}, part {i}{run}.", 160) for i in range(k)]
    _, generated, decode_s = _concurrent(backend, decode)
    prefill = [(f"Summarise this, version {k}-{i}{run}:\n{texts[i % len(texts)]}", 1) for i in range(k)]
    prompt, _, prefill_s = _concurrent(backend, prefill)
    return {
        "slots": k,
        "decode_tokens_per_second": round(generated / decode_s, 1),
        "prefill_tokens_per_second": round(prompt / prefill_s, 1),
    }


def measure_ceiling(slot_counts: list[int], files: list[Path]) -> list[dict]:
    """Raw decode and prefill throughput with K concurrent requests on K slots, K in ``slot_counts``."""
    rows = []
    for k in sorted(set(slot_counts)):
        backend = make_backend(BackendConfig.from_env(parallel=k))
        backend.chat([{"role": "user", "content": "Say ok."}], params=GenerationParams(max_tokens=4))
        rows.append(ceiling_on(backend, k, files))
        backend.close()
        decode, prefill = rows[-1]["decode_tokens_per_second"], rows[-1]["prefill_tokens_per_second"]
        print(
            f"ceiling, {k} concurrent request(s) on {k} slot(s): "
            f"decode {decode} tok/s ({decode / rows[0]['decode_tokens_per_second']:.2f}x), "
            f"prefill {prefill} tok/s ({prefill / rows[0]['prefill_tokens_per_second']:.2f}x)",
            flush=True,
        )
    return rows


def run_once(files: list[Path], slots: int, work: Path, options: BriefOptions) -> dict:
    """Brief ``files`` with ``slots`` parallel slots; returns the measured figures."""
    load_before = round(os.getloadavg()[0], 2)
    config = BackendConfig.from_env(parallel=slots)
    load_start = time.perf_counter()
    backend = make_backend(config)
    load_seconds = time.perf_counter() - load_start
    # One tiny request so that first-call setup is not billed to the first article.
    backend.chat([{"role": "user", "content": "Say ok."}], params=GenerationParams(max_tokens=4))

    inputs = work / f"in-{slots}"
    inputs.mkdir()
    for f in files:
        (inputs / f"{f.parent.name}__{f.name}").write_bytes(f.read_bytes())
    out = work / f"out-{slots}"
    with SQLiteStore(work / f"store-{slots}.db") as store:  # fresh store: nothing is reused
        report = run_batch(
            BatchConfig(inputs=[str(inputs)], out_dir=out, fmt="json", options=options, parallel=slots),
            store=store,
            backend_factory=lambda: backend,
            progress=_PrintProgress(),
        )
        briefings = [store.get_briefing(row.id) for row in store.list_briefings(limit=len(files))]
    backend.close()
    sections = [s for b in briefings if b and b.run for s in b.run.sections]
    ok = report.count("written")
    tokens = report.generated_tokens
    return {
        "slots": slots,
        "briefings": ok,
        "failed": [{"id": r.id, "error": r.error} for r in report.failures],
        "wall_seconds": round(report.seconds, 1),
        "model_load_seconds": round(load_seconds, 1),
        "generated_tokens": tokens,
        "prompt_tokens": sum(s.prompt_tokens for s in sections),
        "cached_tokens": sum(s.cached_tokens for s in sections),
        "generated_tokens_per_second": round(tokens / report.seconds, 2),
        "briefings_per_hour": round(ok / report.seconds * 3600, 1),
        "per_briefing": {
            "prompt_tokens": round(sum(s.prompt_tokens for s in sections) / max(ok, 1)),
            "cached_tokens": round(sum(s.cached_tokens for s in sections) / max(ok, 1)),
            "generated_tokens": round(tokens / max(ok, 1)),
            "model_calls": round(len(sections) / max(ok, 1), 1),
            # Judge calls (one generated token each) are not in run.sections; this counts them.
            "claims_checked": round(
                sum(b.grounding.checked for b in briefings if b and b.grounding) / max(ok, 1), 1
            ),
        },
        # Other processes on the machine skew timings: record how busy it was.
        "load_average_1m_before_after": [load_before, round(os.getloadavg()[0], 2)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--slots", default="1,2,4", help="comma-separated slot counts; 1 is the baseline")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--sections", help="comma-separated subset (default: all, the full pipeline)")
    parser.add_argument("--no-judge", action="store_true", help="ground without the model's judge")
    parser.add_argument(
        "--ceiling", action="store_true", help="first measure raw decode/prefill batching (see above)"
    )
    parser.add_argument("--ceiling-only", action="store_true", help="measure the ceiling, then stop")
    args = parser.parse_args()
    # In the order given (e.g. "4,1" measures N slots first); 1 slot is always measured.
    slot_counts = list(dict.fromkeys([*(int(s) for s in args.slots.split(",")), 1]))
    files = pick_articles(args.data, args.articles)
    options = BriefOptions(llm_judge=not args.no_judge)
    if args.sections:
        options = options.model_copy(update={"sections": tuple(args.sections.split(","))})
    print(f"options: {options.model_dump_json()}")
    print(
        f"{len(files)} articles from {args.data}/<topic>/:",
        *(f"  {f.parent.name}/{f.name}" for f in files),
        sep="\n",
    )
    cores = available_cores()
    print(f"machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}", flush=True)

    ceiling = None
    if args.ceiling or args.ceiling_only:
        ceiling = measure_ceiling(slot_counts, files)
        if args.ceiling_only:
            if args.json:
                figures = {"command": " ".join(sys.argv), "ceiling": ceiling}
                args.json.write_text(json.dumps(figures, indent=2) + "\n")
            return
    runs: list[dict] = []
    meta = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": {"arch": platform.machine(), "cores": cores},
        "articles": [f"{f.parent.name}/{f.name}" for f in files],
        "options": options.model_dump(),
        "ceiling": ceiling,
    }
    with tempfile.TemporaryDirectory(prefix="briefwire-bench-") as tmp:
        for slots in slot_counts:
            print(f"\n-- {slots} slot(s) …", flush=True)
            runs.append(run_once(files, slots, Path(tmp), options))
            add_speedups(runs)
            print(json.dumps(runs[-1], indent=2), flush=True)
            if args.json:  # after every configuration, so a long run that dies keeps its figures
                args.json.write_text(json.dumps({**meta, "runs": runs}, indent=2) + "\n")
    print_table(runs)


def add_speedups(runs: list[dict]) -> None:
    """Speed-ups over the 1-slot run, once it has been measured."""
    baseline = [r for r in runs if r["slots"] == 1]
    if not baseline:
        return
    base, base_bph = baseline[0]["generated_tokens_per_second"], baseline[0]["briefings_per_hour"]
    for r in runs:
        r["speedup_tokens"] = round(r["generated_tokens_per_second"] / base, 2) if base else None
        r["speedup_briefings"] = round(r["briefings_per_hour"] / base_bph, 2) if base_bph else None


def print_table(runs: list[dict]) -> None:
    runs = sorted(runs, key=lambda r: r["slots"])
    print(
        f"\n{'slots':>5} {'wall s':>8} {'gen tok':>8} {'tok/s':>7} {'brief/h':>8}"
        f" {'tok/s x':>8} {'brief/h x':>9}"
    )
    for r in runs:
        print(
            f"{r['slots']:>5} {r['wall_seconds']:>8} {r['generated_tokens']:>8} "
            f"{r['generated_tokens_per_second']:>7} {r['briefings_per_hour']:>8} "
            f"{r['speedup_tokens']:>8} {r['speedup_briefings']:>9}"
        )
    best = max([r for r in runs if r["slots"] > 1] or runs, key=lambda r: r["generated_tokens_per_second"])
    print(
        f"\nbest: {best['slots']} slots, {best['speedup_tokens']}x aggregate generated tokens/s"
        " (target >= 1.8x)"
    )


if __name__ == "__main__":
    main()
