"""Sentence-level factuality evaluation: labelled (document, claim) pairs -> detection metrics.

The positive class is the UNSUPPORTED one (gold label 0): recall is the share of unfaithful
claims caught, precision the share of flags that were right. ROC AUC ranks by 1 - score.
Claims are grouped by document so each document is indexed once.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from briefwire.errors import InputError
from briefwire.ground.checker import Checker
from briefwire.ground.index import SourceIndex
from briefwire.llm.base import Backend
from briefwire.model import Article

FLAGGED = {"unsupported", "contradicted"}


@dataclass
class Prediction:
    row: dict
    label: str
    score: float
    reasons: list[str]

    @property
    def flagged(self) -> bool:
        return self.label in FLAGGED


@dataclass
class FactualityReport:
    claims: int
    documents: int
    tp: int
    fp: int
    tn: int
    fn: int
    roc_auc: float
    seconds: float
    index_seconds: float
    judge_calls: int = 0
    by_type: dict[str, tuple[int, int]] = field(default_factory=dict)  # type -> (claims, flagged)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_flag_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else float("nan")

    @property
    def balanced_accuracy(self) -> float:
        return (self.recall + (1 - self.false_flag_rate)) / 2

    @property
    def claims_per_second(self) -> float:
        return self.claims / self.seconds if self.seconds else float("inf")


def read_jsonl(path: Path | str) -> list[dict]:
    """Rows of {"document", "claim", "label": 1|0}, optionally "title", "section" ("headline" is
    checked against title and lead), "analytic", "type" and "split"; "-" reads stdin."""
    import sys

    try:
        text = sys.stdin.read() if str(path) == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read {path}: {err}") from err
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{n}: not JSON ({err.msg})") from err
        if not isinstance(row, dict) or not {"document", "claim", "label"} <= row.keys():
            raise InputError(f'{path}:{n}: expected an object with "document", "claim" and "label"')
        if row["label"] not in (0, 1, True, False):
            raise InputError(f"{path}:{n}: label must be 1 (supported) or 0 (unsupported)")
        rows.append(row)
    if not rows:
        raise InputError(f"{path}: no rows")
    return rows


def roc_auc(positive: np.ndarray, scores: np.ndarray) -> float:
    """Probability that a random positive outranks a random negative (ties count half)."""
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if not n_pos or not n_neg:
        return float("nan")
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    ranks = (upper - (counts - 1) / 2)[inverse]  # average rank of tied scores, 1-based
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def predict(
    rows: Iterable[dict], *, backend: Backend | None = None, llm_judge: bool = True
) -> tuple[list[Prediction], float, int]:
    """Predictions in input order, the seconds spent building indexes, and judge calls made."""
    rows = list(rows)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[row["document"]].append(i)
    out: list[Prediction | None] = [None] * len(rows)
    index_seconds, judge_calls = 0.0, 0
    for document, members in groups.items():
        t0 = time.perf_counter()
        article = Article(title=rows[members[0]].get("title"), text=document)
        checker = Checker(SourceIndex(article), backend=backend, llm_judge=llm_judge)
        index_seconds += time.perf_counter() - t0
        for i in members:
            # Optional fields of the real-claims set: which part of a briefing the sentence was.
            section = rows[i].get("section") or f"claims[{i}]"
            analytic = bool(rows[i].get("analytic", False))
            claim, _ = checker.check(rows[i]["claim"], section, analytic=analytic)
            out[i] = Prediction(rows[i], claim.label, claim.score, claim.reasons)
        judge_calls += checker.judge_calls
    return [p for p in out if p is not None], index_seconds, judge_calls


def evaluate(
    rows: list[dict], *, backend: Backend | None = None, llm_judge: bool = True, limit: int | None = None
) -> tuple[FactualityReport, list[Prediction]]:
    rows = rows[:limit] if limit else rows
    t0 = time.perf_counter()
    preds, index_seconds, judge_calls = predict(rows, backend=backend, llm_judge=llm_judge)
    seconds = time.perf_counter() - t0
    gold_pos = np.array([not int(p.row["label"]) for p in preds])
    flagged = np.array([p.flagged for p in preds])
    scores = np.array([1.0 - p.score for p in preds])
    by_type: dict[str, tuple[int, int]] = {}
    types = Counter(p.row["type"] for p in preds if "type" in p.row)
    for kind in types:
        members = [p for p in preds if p.row.get("type") == kind]
        by_type[kind] = (len(members), sum(p.flagged for p in members))
    report = FactualityReport(
        claims=len(preds),
        documents=len({p.row["document"] for p in preds}),
        tp=int((gold_pos & flagged).sum()),
        fp=int((~gold_pos & flagged).sum()),
        tn=int((~gold_pos & ~flagged).sum()),
        fn=int((gold_pos & ~flagged).sum()),
        roc_auc=roc_auc(gold_pos, scores),
        seconds=seconds,
        index_seconds=index_seconds,
        judge_calls=judge_calls,
        by_type=by_type,
    )
    return report, preds
