"""Key-point quality benchmark: ROUGE of extractive summarisers and of briefwire's key points.

Reads the BBC News Summary sample in ../shared/data/bbc-summary-100 (100 articles, 20 per
topic; the first line of an article is its title, one sentence per line) and scores each
system's key points, joined, against the reference summary with rouge-score (F1,
use_stemmer=True). Every system gets the same sentences, from briefwire.text.split_sentences,
and the same number of them: 3 sentences, and the reference summary's own sentence count.

    python bench/quality.py --no-llm
    python bench/quality.py --llm-subset 20 --markdown /tmp/bench.md

Needs the [bench] extra (rouge-score, sumy); newspaper4k is used when installed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from peers import Summarise, lead, newspaper_stock_error, newspaper_system, sumy_system
from rouge_score import rouge_scorer

from briefwire.extractive import extractive_briefing, select_sentences, warm_up
from briefwire.model import Article
from briefwire.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "bbc-summary-100"
DEFAULT_TIMING = ROOT.parent / "shared" / "data" / "bbc-news-2095" / "news"
# Articles 001-005 of each topic were used to choose the extractive selection model
# (ranking.py); the other articles of each topic are held out.
TUNE_MAX = 5
METRICS = ("rouge1", "rouge2", "rougeL")
OURS = "briefwire extractive"
OURS_SELECT = "briefwire extractive, selection only"
SPLIT = "split_sentences only"
LEXRANK = "sumy LexRank"

T = TypeVar("T")


@dataclass
class Doc:
    name: str  # "business/001"
    title: str
    body: str
    sentences: list[str]
    reference: str
    ref_count: int

    @property
    def tuning(self) -> bool:
        return int(self.name[-3:]) <= TUNE_MAX


@dataclass
class Result:
    picks: dict[str, list[str]] = field(default_factory=dict)  # budget -> chosen text
    seconds: float = 0.0  # wall time of one call at the 3-sentence budget
    cpu: float = 0.0  # this process's CPU time for that call: less inflated by other work on the machine


def make_doc(name: str, raw: str, reference: str = "") -> Doc:
    title, _, body = raw.partition("\n")
    ref_count = sum(1 for line in reference.splitlines() if line.strip())
    return Doc(name, title.strip(), body, split_sentences(body), reference, ref_count)


def load_docs(root: Path) -> list[Doc]:
    return [
        make_doc(
            f"{path.parent.name}/{path.stem}",
            path.read_text(encoding="utf-8"),
            (root / "summary" / path.parent.name / path.name).read_text(encoding="utf-8"),
        )
        for path in sorted((root / "article").glob("*/*.txt"))
    ]


# A runner turns one article into a Result (picks at both budgets, timed at 3 sentences).
Runner = Callable[[Doc], Result]


def timed(call: Callable[[], T]) -> tuple[T, float, float]:
    """``call()``, its wall time and this process's CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = call()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def peer_runner(summarise: Summarise) -> Runner:
    def run(doc: Doc) -> Result:
        picks3, wall, cpu = timed(lambda: summarise(doc.title, doc.sentences, 3))
        picks = {"3": picks3, "ref": summarise(doc.title, doc.sentences, doc.ref_count)}
        return Result(picks=picks, seconds=wall, cpu=cpu)

    return run


def ours_select(title: str, sentences: list[str], n: int) -> list[str]:
    return [sentences[i] for i in select_sentences(sentences, n)]


def briefing_runner(doc: Doc) -> Result:
    """Our full product path, Article -> Briefing (split, rank, entities, key phrases), 3 key points."""
    article = Article(text=doc.body, title=doc.title)
    picks3, wall, cpu = timed(lambda: extractive_briefing(article, n_points=3).key_points)
    picks = {"3": picks3, "ref": ours_select(doc.title, doc.sentences, doc.ref_count)}
    return Result(picks=picks, seconds=wall, cpu=cpu)


def split_runner(doc: Doc) -> Result:
    """briefwire.text.split_sentences alone: the part of the briefing the extractive engine cannot skip."""
    _, wall, cpu = timed(lambda: split_sentences(doc.body))
    return Result(seconds=wall, cpu=cpu)


def speed_ratios(rows: dict[str, dict[str, Result]], names: tuple[str, ...]) -> list[str]:
    """How many times faster than sumy LexRank each system is: ratio of the median times."""
    out = []
    base = {k: _median_ms([getattr(r, k) for r in rows[LEXRANK].values()]) for k in ("seconds", "cpu")}
    for name in names:
        ours = {k: _median_ms([getattr(r, k) for r in rows[name].values()]) for k in ("seconds", "cpu")}
        out.append(
            f"- {LEXRANK} median / {name} median: {base['seconds'] / ours['seconds']:.1f}x (wall), "
            f"{base['cpu'] / ours['cpu']:.1f}x (CPU)"
        )
    return out


def run_all(runners: dict[str, Runner], docs: list[Doc]) -> dict[str, dict[str, Result]]:
    """Every system on every article, interleaved so that machine load drifts evenly over systems.

    The order rotates from one article to the next, since a call finds the CPU caches filled by
    the system run before it. Selection-only always runs just before the whole briefing: the
    engine caches each word's term id, and after the briefing it would find this article's words
    cached (the briefing gets that benefit instead, a small part of its time).
    """
    for run in runners.values():  # warm-up: imports, caches, model loads
        for doc in docs[:3]:
            run(doc)
    names = list(runners)
    out: dict[str, dict[str, Result]] = {name: {} for name in runners}
    for k, doc in enumerate(docs):
        order = names[k % len(names) :] + names[: k % len(names)]
        if OURS_SELECT in order and OURS in order:
            order.remove(OURS_SELECT)
            order.insert(order.index(OURS), OURS_SELECT)
        for name in order:
            out[name][doc.name] = runners[name](doc)
    return out


def llm_status() -> str | None:
    """None when the pipeline can brief; otherwise why the LLM row is not run."""
    import inspect

    from briefwire import llm, pipeline

    if "NotImplementedError" in inspect.getsource(pipeline.brief):
        return "briefwire.pipeline.brief still raises NotImplementedError"
    return None if hasattr(llm, "make_backend") else "briefwire.llm.make_backend is missing"


def run_llm(docs: list[Doc]) -> tuple[dict[str, Result], list[str]]:
    """The LLM's key points (the real model, no grounding) and the articles it failed on."""
    from briefwire.errors import BriefwireError
    from briefwire.llm import make_backend
    from briefwire.options import BriefOptions
    from briefwire.pipeline import brief

    backend = make_backend()
    options = BriefOptions(sections=("key_points",), ground=False)
    out: dict[str, Result] = {}
    failed: list[str] = []
    try:
        for doc in docs:
            article = Article(text=doc.body, title=doc.title)
            try:
                points, wall, cpu = timed(
                    lambda a=article: brief(a, backend=backend, options=options).briefing.key_points
                )
            except BriefwireError as err:  # scored as an empty summary, and reported
                points, wall, cpu = [], float("nan"), float("nan")
                failed.append(f"{doc.name} ({err})")
            # The model chooses how many points to write; "3" keeps its first three.
            out[doc.name] = Result(picks={"3": points[:3], "ref": points}, seconds=wall, cpu=cpu)
            print(f"  llm {doc.name}: {len(points)} points, {wall:.1f} s", file=sys.stderr)
    finally:
        backend.close()
    return out, failed


def score(results: dict[str, Result], docs: list[Doc], budget: str, scorer) -> dict[str, list[float]]:
    per: dict[str, list[float]] = {m: [] for m in METRICS}
    for doc in docs:
        s = scorer.score(doc.reference, "\n".join(results[doc.name].picks[budget]))
        for m in METRICS:
            per[m].append(s[m].fmeasure)
    return per


def _median_ms(seconds: list[float]) -> float:
    ok = [s for s in seconds if s == s]  # NaN marks a failed call
    return statistics.median(ok) * 1000 if ok else float("nan")


def paired_bootstrap(a: list[float], b: list[float], rounds: int = 2000) -> tuple[float, float, float]:
    """Mean of a - b with a 95% percentile interval, articles resampled with replacement."""
    rng = random.Random(0)
    diffs = [x - y for x, y in zip(a, b, strict=True)]
    means = sorted(statistics.fmean(rng.choices(diffs, k=len(diffs))) for _ in range(rounds))
    return statistics.fmean(diffs), means[int(0.025 * rounds)], means[int(0.975 * rounds) - 1]


def table(rows: dict[str, dict[str, Result]], docs: list[Doc], held: list[Doc], scorer) -> str:
    """One markdown table; ``held`` (articles unseen by the tuning) adds a held-out R-2 column."""
    lines = [
        "| system | budget | R-1 | R-2 | R-L | R-2 held-out | median ms/article (wall) | (CPU) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    best_peer: dict[str, tuple[float, str]] = {}
    for budget in ("3", "ref"):
        for name, results in rows.items():
            per = score(results, docs, budget, scorer)
            r2_held = (
                f"{100 * statistics.fmean(score(results, held, budget, scorer)['rouge2']):.2f}"
                if held
                else "-"
            )
            ms = _median_ms([results[d.name].seconds for d in docs])
            cpu = _median_ms([results[d.name].cpu for d in docs])
            label = "3 sentences" if budget == "3" else "reference length"
            cells = [f"{100 * statistics.fmean(per[m]):.2f}" for m in METRICS]
            lines.append(f"| {name} | {label} | {' | '.join(cells)} | {r2_held} | {ms:.2f} | {cpu:.2f} |")
            r2 = statistics.fmean(per["rouge2"])
            if not name.startswith(("lead", "briefwire")) and r2 > best_peer.get(budget, (-1.0, ""))[0]:
                best_peer[budget] = (r2, name)
    out = ["\n".join(lines), ""]
    for budget, (_, peer) in best_peer.items():
        a = score(rows[OURS], docs, budget, scorer)["rouge2"]
        b = score(rows[peer], docs, budget, scorer)["rouge2"]
        mean, lo, hi = paired_bootstrap(a, b)
        out.append(
            f"- budget {budget}: {OURS} minus best peer ({peer}) on R-2: "
            f"{100 * mean:+.2f} (95% bootstrap CI {100 * lo:+.2f} .. {100 * hi:+.2f})"
        )
    return "\n".join(out)


def typical_docs(root: Path, count: int) -> list[Doc]:
    """``count`` articles of typical length (400-900 words), spread evenly over ``root``."""
    docs = []
    for path in sorted(root.glob("*/*.txt")):
        doc = make_doc(path.stem, path.read_text(encoding="utf-8", errors="replace"))
        if 400 <= len(doc.body.split()) <= 900:
            docs.append(doc)
    return docs[:: max(1, len(docs) // count)][:count]


def typical_latency(root: Path, count: int, runners: dict[str, Runner]) -> str:
    """Latency on articles of typical length (400-900 words), where the 50 ms target applies."""
    docs = typical_docs(root, count)
    if not docs:
        return f"(no 400-900 word articles under {root})"
    rows = run_all(runners, docs)

    def q(xs: list[float], p: float) -> str:
        return f"{sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] * 1000:.1f}"

    words = statistics.median(len(d.body.split()) for d in docs)
    lines = [
        f"Latency on {len(docs)} articles of 400-900 words (median {words:.0f}) from {root}, 3 sentences:",
        "",
        "| system | wall median ms | wall p90 | CPU median ms | CPU p90 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, results in rows.items():
        wall, cpu = [r.seconds for r in results.values()], [r.cpu for r in results.values()]
        lines.append(f"| {name} | {q(wall, 0.5)} | {q(wall, 0.9)} | {q(cpu, 0.5)} | {q(cpu, 0.9)} |")
    lines += ["", *speed_ratios(rows, tuple(n for n in rows if n != LEXRANK))]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--timing-data", type=Path, default=DEFAULT_TIMING)
    parser.add_argument("--timing-articles", type=int, default=50)
    parser.add_argument("--llm-subset", type=int, default=20, help="LLM articles, spread over topics")
    parser.add_argument("--no-llm", action="store_true", help="skip the LLM row")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    given = sys.argv[1:] if argv is None else argv

    if not (args.data / "article").is_dir():
        print(f"no data at {args.data} (this benchmark reads ../shared/data)", file=sys.stderr)
        return 2
    report = [
        "## Key-point quality (issue 6)",
        "",
        f"- data: {args.data} (reads ../shared/data); ROUGE F1 x100, rouge-score, use_stemmer=True",
        f"- run: {datetime.date.today()}, Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work",
        f"- command: `PYTHONPATH=src python bench/quality.py {' '.join(given)}`",
    ]
    warm_up()
    docs = load_docs(args.data)
    held = [d for d in docs if not d.tuning]
    stock_error = newspaper_stock_error()
    peers: dict[str, Summarise] = {
        "lead": lead,
        LEXRANK: sumy_system("lexrank"),
        "sumy TextRank": sumy_system("textrank"),
    }
    if stock_error is None:
        peers["newspaper4k"] = newspaper_system(stock=True)
    elif not stock_error.startswith("newspaper4k not installed"):
        peers["newspaper4k scorer"] = newspaper_system(stock=False)
    runners = {name: peer_runner(f) for name, f in peers.items()}
    runners[OURS] = briefing_runner
    # The same selection timed like the peers, on pre-split sentences: the like-for-like speed.
    runners[OURS_SELECT] = peer_runner(ours_select)
    rows = run_all(runners, docs)
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)

    report += [
        f"- {len(docs)} articles; {len(held)} held out from tuning "
        f"(articles {TUNE_MAX + 1:03d}+ of each topic; 001-{TUNE_MAX:03d} chose the selection model)",
        "- budgets: 3 sentences; or the reference summary's own sentence count "
        f"(median {statistics.median(d.ref_count for d in docs):.0f}, "
        f"article median {statistics.median(len(d.sentences) for d in docs):.0f} sentences)",
        "- sentences: every system gets briefwire.text.split_sentences output; sumy's documents are built "
        "from it (ObjectDocumentModel, regex word tokenizer) because its NLTK punkt data cannot be "
        "downloaded here",
        "- time: one call at the 3-sentence budget, after warm-up, systems interleaved article by article "
        "in an order that rotates from one article to the next ('selection only' always just before "
        "'briefwire extractive', so that it never finds the article's words in the engine's word "
        "cache); peers and 'selection only' "
        "(select_sentences) get pre-split sentences, 'briefwire extractive' "
        "is the whole extractive_briefing(article, n_points=3): sentence splitting, ranking, entities "
        "and key phrases (rule-based, no statistical model)",
        f"- load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        "(wall time is inflated by other work on the 2 cores; CPU time much less so)",
    ]
    if stock_error:
        report.append(f"- newspaper4k: {stock_error}")
        if "newspaper4k scorer" in peers:
            report.append(
                "  - 'newspaper4k scorer' runs newspaper.nlp.keywords + scored_sentences, the body of "
                "its summarize(), on our sentences"
            )
    report += ["", table(rows, docs, held, scorer), *speed_ratios(rows, (OURS, OURS_SELECT)), ""]
    speed = {name: runners[name] for name in (OURS, OURS_SELECT, LEXRANK)}
    # Splitting is timed alone too: it is part of the whole briefing but not of the peers' time.
    speed[SPLIT] = split_runner
    report += [typical_latency(args.timing_data, args.timing_articles, speed), ""]

    topics = sorted({d.name.split("/")[0] for d in docs})
    per_topic = max(1, args.llm_subset // len(topics))
    # The first articles after the tuning split, per topic: unseen by the extractive tuning.
    subset = [d for t in topics for d in [d for d in held if d.name.startswith(t + "/")][:per_topic]]
    why_not = "--no-llm given" if args.no_llm else llm_status()
    if why_not:
        # The other systems on the LLM's articles still, to set beside an LLM row measured earlier.
        report += [
            f"### LLM subset: {len(subset)} articles ({', '.join(d.name for d in subset)})",
            "",
            f"LLM key points: not run ({why_not}); the other systems on the articles it is run on:",
            "",
            table(rows, subset, [], scorer),
        ]
    else:
        print(f"running the LLM on {len(subset)} articles...", file=sys.stderr)
        sub_rows = dict(rows)
        sub_rows["briefwire LLM key points"], failed = run_llm(subset)
        counts = [len(sub_rows["briefwire LLM key points"][d.name].picks["ref"]) for d in subset]
        report += [
            f"### LLM subset: {len(subset)} articles ({', '.join(d.name for d in subset)})",
            "",
            "briefwire LLM key points = pipeline.brief(article, backend=make_backend(), "
            "options=BriefOptions(sections=('key_points',), ground=False)), the embedded default model. "
            f"It writes its own number of points (median {statistics.median(counts):.0f}): budget 3 keeps "
            "its first three, 'reference length' uses all of them. Its CPU time counts all its threads.",
            f"Failed articles (scored as empty): {', '.join(failed) or 'none'}.",
            "",
            table(sub_rows, subset, [], scorer),
        ]
    text = "\n".join(report)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
