"""Two briefings at once vs one after the other, per busy-wait setting (issue 13).

llama.cpp runs each generation on every core, its threads meeting at a barrier per layer, and
they busy-wait for work (xllamacpp's ``cpuparams.poll``, 0-100, default 50). Two processes at
once on a 2-core machine preempt each other's threads; briefwire's model processes therefore
take turns, call by call (llm/turns.py; $BRIEFWIRE_SHARE_CPU=0 turns that off). For each
--polls value this runs

    briefwire brief ARTICLE --sections SECTIONS --no-store -q -f json -o /dev/null --poll P

alone --repeats times (median wall seconds = one briefing's time), then two such processes
started together, --repeats times (median wall until both end). Sequential throughput is two
briefings per 2 x alone; the ratio is (2 x alone) / together, target >= 0.8. A pair that runs
past --timeout is killed and reported as "> timeout" (its ratio is then an upper bound).

    python bench/concurrency.py                                   # polls 50 and 0, 3 repeats
    BRIEFWIRE_SHARE_CPU=0 python bench/concurrency.py             # processes run at once, no turns
    python bench/concurrency.py --polls 50,10,0 --repeats 5 --sections headline,key_points
    python bench/concurrency.py --polls 50,0 --pair-repeats 1,3 --timeout 300   # one slow pair is enough

Needs the embedded model (the [embedded] extra). Nothing else should run meanwhile: the script
prints the load average before it starts.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLE = ROOT / "examples" / "rate-decision.txt"


def command(article: Path, sections: str, poll: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "briefwire",
        "brief",
        str(article),
        "--sections",
        sections,
        "--no-store",
        "-q",
        "-f",
        "json",
        "-o",
        os.devnull,
        "--poll",
        str(poll),
    ]


def run_together(commands: list[list[str]], timeout: float) -> tuple[float, bool]:
    """Wall seconds until every process has ended, and whether they all ended in time
    (those still running at ``timeout`` are killed)."""
    started = time.perf_counter()
    children = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for c in commands]
    in_time = True
    for child in children:
        left = max(0.1, timeout - (time.perf_counter() - started))
        try:
            _, err = child.communicate(timeout=left)
        except subprocess.TimeoutExpired:
            in_time = False
            for other in children:
                other.kill()
            for other in children:
                other.wait()
            break
        if child.returncode != 0:
            raise SystemExit(f"briefwire failed ({child.returncode}): {err.decode(errors='replace')[-400:]}")
    return time.perf_counter() - started, in_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--article", type=Path, default=DEFAULT_ARTICLE)
    parser.add_argument("--sections", default="headline,key_points")
    parser.add_argument("--polls", default="50,0", help="comma-separated busy-wait values, 0-100")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a pair may run")
    parser.add_argument(
        "--pair-repeats", default=None, help="pairs per poll value, comma-separated in --polls order"
    )
    args = parser.parse_args()
    polls = [int(p) for p in args.polls.split(",")]

    print(f"# bench/concurrency.py, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(
        f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average before: {os.getloadavg()[0]:.2f}"
    )
    turns = "off ($BRIEFWIRE_SHARE_CPU=0)" if os.environ.get("BRIEFWIRE_SHARE_CPU") == "0" else "on"
    print(f"# model processes take turns on the CPU (llm/turns.py): {turns}")
    print(
        f"# article {args.article.name}, sections {args.sections}, {args.repeats} repeats, "
        f"each briefing a fresh process (model load included)\n"
    )
    print(f"{'poll':>5} {'alone s':>9} {'two at once s':>14} {'ratio':>6}  runs")
    results = {}
    pair_repeats = (
        [int(n) for n in args.pair_repeats.split(",")] if args.pair_repeats else [args.repeats] * len(polls)
    )
    for poll, n_pairs in zip(polls, pair_repeats, strict=True):
        cmd = command(args.article, args.sections, poll)
        alone = [run_together([cmd], args.timeout)[0] for _ in range(args.repeats)]
        pairs = [run_together([cmd, cmd], args.timeout) for _ in range(n_pairs)]
        one = statistics.median(alone)
        together = statistics.median(s for s, _ in pairs)
        late = not all(ok for _, ok in pairs)
        ratio = 2 * one / together
        results[poll] = (one, together, ratio)
        shown = f"> {args.timeout:.0f}" if late else f"{together:.1f}"
        print(
            f"{poll:>5} {one:>9.1f} {shown:>14} {ratio:>6.2f}{'*' if late else ' '}  "
            f"alone {[round(s, 1) for s in alone]}, together {[round(s, 1) for s, _ in pairs]}"
        )
    if len(results) > 1:
        base = polls[0]
        for poll in polls[1:]:
            change = results[poll][0] / results[base][0] - 1
            print(f"# one alone at poll {poll} vs {base}: {change:+.1%}")
    print(
        "# ratio = 2 x alone / two at once (>= 0.8 wanted); * = a pair hit the timeout: ratio is at most that"
    )


if __name__ == "__main__":
    main()
