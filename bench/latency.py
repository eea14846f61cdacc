"""Latency of one full briefing: our cached-prefix layout vs a naive layout, side by side.

Ours: the article first and the section instruction last, so every call after the
first reuses the article from the KV cache. Naive: the instruction first and the
article after it, so every call processes the whole article again.

Reads examples/summit-long.txt (about 900 words, the seed briefing's size); nothing
from ../shared. Runs both layouts alternately in one process on the same loaded
model and prints each run, the medians and the ratio.

    python bench/latency.py [--repeats 2] [--article examples/summit-long.txt]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from briefwire.compose.composer import Composer, compose
from briefwire.ingest import load_article
from briefwire.llm.base import Message
from briefwire.llm.embedded import EmbeddedBackend, available_cores
from briefwire.llm.prompting import SYSTEM_PROMPT, build_messages
from briefwire.options import SECTIONS

ROOT = Path(__file__).resolve().parent.parent


def naive_layout(prefix: str, instruction: str) -> list[Message]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"TASK:\n{instruction}\n\n{prefix}"},
    ]


def run_once(backend: EmbeddedBackend, article, layout, run_id: int, top_ups: bool = True) -> dict:
    # A run-specific title makes the prefix unique, so no run is served from an earlier run's cache.
    unique = article.model_copy(update={"title": f"{article.title} (run {run_id})"})
    composer = Composer(backend, unique, seed=42, layout=layout, top_ups=top_ups)
    started = time.perf_counter()
    compose(composer, SECTIONS)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "prompt": sum(s.prompt_tokens for s in composer.stats),
        "cached": sum(s.cached_tokens for s in composer.stats),
        "generated": sum(s.generated_tokens for s in composer.stats),
        "calls": sum(s.attempts + s.top_ups for s in composer.stats),
        "top_ups": sum(s.top_ups for s in composer.stats),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--article", default=str(ROOT / "examples" / "summit-long.txt"))
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "--no-top-ups",
        action="store_true",
        help="regenerate a section instead of topping up a short list (a top-up costs the naive "
        "layout a whole article prefill, so this checks that the ratio does not hinge on them)",
    )
    args = parser.parse_args()

    article = load_article(args.article)
    backend = EmbeddedBackend(threads=args.threads)
    print("# bench/latency.py")
    print(f"article: {args.article} ({len(article.text.split())} words)")
    print(f"model: {backend.model}; threads: {args.threads or available_cores()}; cores: {os.cpu_count()}")
    print(f"python {platform.python_version()} on {platform.machine()}, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"command: {' '.join(sys.argv)}")
    results: dict[str, list[dict]] = {"ours": [], "naive": []}
    run_id = 0
    for repeat in range(args.repeats):
        # Alternate the order so drift in machine load does not favour one layout.
        order = ("ours", "naive") if repeat % 2 == 0 else ("naive", "ours")
        for name in order:
            run_id += 1
            layout = build_messages if name == "ours" else naive_layout
            r = run_once(backend, article, layout, run_id, top_ups=not args.no_top_ups)
            results[name].append(r)
            print(
                f"  {name:5} run {repeat + 1}: {r['seconds']:6.1f} s  prompt {r['prompt']:5} new + "
                f"{r['cached']:5} cached tokens, {r['generated']:4} generated, "
                f"{r['calls']} calls ({r['top_ups']} top-ups)",
                flush=True,
            )
    ours = statistics.median(r["seconds"] for r in results["ours"])
    naive = statistics.median(r["seconds"] for r in results["naive"])
    print(f"median ours:  {ours:.1f} s per full briefing (target ≤ 75 s)")
    print(f"median naive: {naive:.1f} s per full briefing")
    print(f"ratio naive/ours: {naive / ours:.2f}x (target ≥ 2x)")


if __name__ == "__main__":
    main()
