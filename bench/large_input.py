"""Time and peak memory of large inputs through the CLI, as a user runs it (issue 13).

Builds texts of the given sizes by concatenating the articles of ../shared/data/bbc-news-2095
(one after another, blank lines between, cut at the size), then runs, each in a fresh child
process and a fresh archive (so nothing is served from the store):

    briefwire brief BIG.txt --engine extractive --db TMP.db -q          (ingest + extractive + store)
    briefwire check BIG.txt CLAIMS.txt --no-llm --format json           (grounding, fast checks only)

The claims are the key points of the 100 KB briefing plus two altered ones. Wall time and
the child's peak RSS (from wait4) are the medians of --repeats runs. Targets: 1 MB at most
12x the time of 100 KB on the extractive engine, a few seconds, and at most 500 MB.

    python bench/large_input.py                       # 100 KB and 1 MB, 3 runs each
    taskset -c 1 python bench/large_input.py --sizes 100000,1000000,5000000
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "data" / "bbc-news-2095" / "news"
TARGET_RATIO = 12.0
TARGET_RSS_MB = 500.0


def build_text(size: int) -> str:
    """The first ``size`` bytes of the news articles one after another, cut at a whole character."""
    parts: list[str] = []
    total = 0
    for path in sorted(NEWS.glob("*/*.txt")):
        if total >= size:
            break
        parts.append(path.read_text(encoding="utf-8", errors="replace").strip())
        total += len(parts[-1].encode()) + 2
    if total < size:
        raise SystemExit(f"{NEWS} holds only {total:,} bytes, less than {size:,}")
    return "\n\n".join(parts).encode()[:size].decode(errors="ignore")


def measure(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and stdout of one child process (reaped with os.wait4, whose
    rusage is that child's own, not the maximum over all children as RUSAGE_CHILDREN's is)."""
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(args, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed ({child.returncode}):\n{err.read()}")
        return seconds, usage.ru_maxrss / 1024, out.read()  # ru_maxrss is in KiB on Linux


def claims_from(markdown: str) -> str:
    points = [line[2:].split("[^")[0].strip() for line in markdown.splitlines() if line.startswith("- ")]
    altered = ["Shell agreed to pay its former finance chief $9m.", "Profits tripled to $9bn last year."]
    return "\n".join([*points, *altered]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000", help="text sizes in bytes, comma-separated")
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    if not NEWS.is_dir():
        print(f"needs {NEWS} (../shared/data)", file=sys.stderr)
        return 2
    briefwire = shutil.which("briefwire") or str(Path(sys.executable).parent / "briefwire")
    sizes = [int(s) for s in options.sizes.split(",")]
    affinity = sorted(os.sched_getaffinity(0))
    print("# bench/large_input.py")
    print(
        f"- run: {datetime.datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores (this run on CPU {affinity}), "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"- command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"- medians of {options.repeats} runs, each a fresh process and a fresh archive\n")
    results: dict[tuple[str, int], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        claims = work / "claims.txt"
        for size in sizes:
            article = work / f"big-{size}.txt"
            article.write_text(build_text(size), encoding="utf-8")
            briefs = [
                measure([briefwire, "brief", str(article), "--engine", "extractive", "-q",
                         "--db", str(work / f"{size}-{n}.db")])
                for n in range(options.repeats)
            ]  # fmt: skip
            if not claims.exists():  # the same claims at every size
                claims.write_text(claims_from(briefs[0][2]), encoding="utf-8")
            checks = [
                measure([briefwire, "check", str(article), str(claims), "--no-llm", "--format", "json"])
                for _ in range(options.repeats)
            ]
            results[("extractive brief", size)] = _medians(briefs)
            results[("grounding check", size)] = _medians(checks)
    for name in ("extractive brief", "grounding check"):
        print(f"{name}:")
        for size in sizes:
            seconds, rss = results[(name, size)]
            print(f"  {size / 1000:>7,.0f} KB  {seconds:6.2f} s  {rss:6.0f} MB peak RSS")
        if len(sizes) > 1:
            small, large = sizes[0], sizes[1]
            ratio = results[(name, large)][0] / results[(name, small)][0]
            peak = max(results[(name, size)][1] for size in sizes)
            print(
                f"  {large / small:.0f}x the text: {ratio:.1f}x the time (target <= {TARGET_RATIO:.0f}x); "
                f"highest peak {peak:.0f} MB (target <= {TARGET_RSS_MB:.0f} MB)"
            )
    return 0


def _medians(runs: list[tuple[float, float, str]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


if __name__ == "__main__":
    raise SystemExit(main())
