"""Tune and measure grounding on a labelled factuality set (from bench/make_factuality_set.py).

Runs the fast checks on every claim (timing them on the current core set: run it under
``taskset -c 0`` for the one-core figure), optionally asks the model judge about every claim
(its answers are cached in --cache, keyed by document and claim, so sweeps cost nothing), then
reports metrics for the shipped constants and, with --sweep, for a grid of support thresholds and
judge weights. Positive class = unsupported (gold label 0).

    taskset -c 0 python bench/factuality.py build/factuality-dev.jsonl
    python bench/factuality.py build/factuality-dev.jsonl --articles 12 --judge --sweep
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from briefwire.ground import scoring
from briefwire.ground.checks import assess
from briefwire.ground.combine import Signals, shipped
from briefwire.ground.evaluate import read_jsonl, roc_auc
from briefwire.ground.index import SourceIndex
from briefwire.ground.judge import judge_instruction
from briefwire.llm.prompting import article_block, build_messages
from briefwire.model import Article
from briefwire.text import split_sentences


def key(document: str, claim: str) -> str:
    return hashlib.sha1(f"{document}\0{claim}".encode()).hexdigest()


def fast_pass(rows: list[dict]) -> tuple[list[list], float, float]:
    """Assessments per claim (one per sentence), seconds indexing, seconds checking."""
    by_doc: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_doc.setdefault(row["document"], []).append(i)
    out: list[list] = [[] for _ in rows]
    t_index = t_check = 0.0
    for document, members in by_doc.items():
        t0 = time.perf_counter()
        index = SourceIndex(Article(text=document))
        t1 = time.perf_counter()
        for i in members:
            sentences = split_sentences(rows[i]["claim"]) or [rows[i]["claim"]]
            out[i] = [assess(index, index.analyse_claim(s)) for s in sentences]
        t_index += t1 - t0
        t_check += time.perf_counter() - t1
    return out, t_index, t_check


def judge_pass(
    rows: list[dict], cache_path: Path, threads: int | None
) -> tuple[dict[str, float], float, int]:
    """P(yes) per claim (cached); seconds and count of the calls made now."""
    cache: dict[str, float] = {}
    if cache_path.exists():
        for line in cache_path.read_text().splitlines():
            item = json.loads(line)
            cache[item["key"]] = item["p_yes"]
    todo = [r for r in rows if key(r["document"], r["claim"]) not in cache]
    if not todo:
        return cache, 0.0, 0
    from briefwire.llm import BackendConfig, make_backend

    backend = make_backend(BackendConfig(threads=threads))
    todo.sort(key=lambda r: r["document"])  # consecutive calls share the cached article prefix
    first, cached = [], []  # seconds of each article's first call, and of the calls after it
    with cache_path.open("a") as fh:
        for n, r in enumerate(todo):
            messages = build_messages(
                article_block(Article(text=r["document"])), judge_instruction(r["claim"])
            )
            t0 = time.perf_counter()
            p = backend.yes_probability(messages)
            new_article = n == 0 or todo[n - 1]["document"] != r["document"]
            (first if new_article else cached).append(time.perf_counter() - t0)
            cache[key(r["document"], r["claim"])] = p
            fh.write(json.dumps({"key": key(r["document"], r["claim"]), "p_yes": p}) + "\n")
            fh.flush()
    backend.close()
    print(
        f"judge: {len(todo)} new calls; first call per article (prefix not cached) mean "
        f"{np.mean(first):.2f} s; with the article cached: median {np.median(cached or [np.nan]):.2f} s, "
        f"mean {np.mean(cached or [np.nan]):.2f} s per claim"
    )
    return cache, sum(first) + sum(cached), len(todo)


def metrics(rows: list[dict], assessments: list[list], p_yes: list[float | None], **kw: float) -> dict:
    labels, scores = [], []
    for parts, p in zip(assessments, p_yes, strict=True):
        # What ships (the fitted weights, if any) unless a sweep asks the hand-set rules.
        weights = None if kw else shipped(judged=p is not None)
        verdicts = (
            [scoring.decide_by_rules(a, p, **kw) for a in parts]
            if kw
            else [scoring.decide(Signals(a, p_yes=p), weights) for a in parts]
        )
        labels.append(any(v.label in {"unsupported", "contradicted"} for v in verdicts))
        scores.append(1 - min(v.score for v in verdicts))
    flagged, gold = np.array(labels), np.array([not int(r["label"]) for r in rows])
    recall = (flagged & gold).sum() / max(1, gold.sum())
    ffr = (flagged & ~gold).sum() / max(1, (~gold).sum())
    by_type = Counter()
    for r, f in zip(rows, flagged, strict=True):
        by_type[r.get("type", "?")] += int(f)
    return {
        "recall": float(recall),
        "false_flag_rate": float(ffr),
        "balanced_accuracy": float((recall + 1 - ffr) / 2),
        "roc_auc": roc_auc(gold, np.array(scores)),
        "flagged_by_type": dict(by_type),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--articles", type=int, help="only the first N documents")
    ap.add_argument("--judge", action="store_true", help="ask the embedded model about every claim")
    ap.add_argument("--threads", type=int, help="llama.cpp threads (default: available cores)")
    ap.add_argument("--cache", type=Path, default=Path("build/judge-cache.jsonl"))
    ap.add_argument("--sweep", action="store_true", help="grid over threshold and judge weight")
    args = ap.parse_args()

    rows = read_jsonl(args.file)
    if args.articles:
        keep = list(dict.fromkeys(r["document"] for r in rows))[: args.articles]
        rows = [r for r in rows if r["document"] in set(keep)]
    types = Counter(r.get("type", "?") for r in rows)
    print(f"{args.file}: {len(rows)} claims, {len({r['document'] for r in rows})} documents")
    assessments, t_index, t_check = fast_pass(rows)
    print(
        f"fast checks: {len(rows) / t_check:.0f} claims/s checking on a built index, "
        f"{len(rows) / (t_index + t_check):.0f} claims/s including indexing "
        f"({t_index:.2f} s indexing + {t_check:.2f} s checking)"
    )
    runs = {"fast checks": [None] * len(rows)}
    if args.judge:
        args.cache.parent.mkdir(parents=True, exist_ok=True)
        cache, _, _ = judge_pass(rows, args.cache, args.threads)
        runs["with judge"] = [cache[key(r["document"], r["claim"])] for r in rows]
    for name, p_yes in runs.items():
        m = metrics(rows, assessments, p_yes)
        print(
            f"{name}: recall {m['recall']:.3f}  false flags {m['false_flag_rate']:.3f}  "
            f"balanced acc {m['balanced_accuracy']:.3f}  ROC AUC {m['roc_auc']:.3f}"
        )
        for kind, n in sorted(types.items()):
            print(f"    {kind:17s} {m['flagged_by_type'].get(kind, 0):4d}/{n:<4d} flagged")
    if args.sweep:
        weights = [0.0] if not args.judge else [0.0, 0.25, 0.4, 0.5, 0.6, 0.75]
        p_yes = runs.get("with judge", runs["fast checks"])
        print("threshold judge_weight  recall  false_flags  balanced_acc  roc_auc")
        for w in weights:
            for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
                m = metrics(rows, assessments, p_yes, threshold=t, judge_weight=w)
                print(
                    f"{t:9.2f} {w:12.2f}  {m['recall']:6.3f}  {m['false_flag_rate']:11.3f}  "
                    f"{m['balanced_accuracy']:12.3f}  {m['roc_auc']:7.3f}"
                )


if __name__ == "__main__":
    main()
