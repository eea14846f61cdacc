"""Measure and fit grounding on the real-claims set (issue 12): real briefing sentences of the
default model, labelled by careful reading (docs/labelling.md).

    python bench/real_claims.py                    # fast checks: rules vs fitted weights (dev, CV)
    python bench/real_claims.py --judge            # also ask the model (answers cached in build/)
    python bench/real_claims.py --judge --write    # fit on dev, ship data/grounding_weights.json
    python bench/real_claims.py --judge --test     # report the test split (read it once, at the end)

Reads data/real-claims/claims.jsonl (made by bench/real_claims_dataset.py; no ../shared needed).
The fitted model is a logistic regression over ``ground.combine.FEATURES``, fitted on the dev split
only; dev figures are 5-fold cross-validated by article, so they are not measured on what was fitted.
Positive class = not supported (gold label 0): recall is the share of false sentences flagged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from briefwire.ground.checker import Checker
from briefwire.ground.combine import FEATURES, Signals, Weights
from briefwire.ground.index import SourceIndex
from briefwire.ground.judge import judge_instruction
from briefwire.ground.scoring import NOWHERE_IN_SOURCE, decide, decide_by_rules
from briefwire.model import Article

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ROOT / "data" / "real-claims" / "claims.jsonl"
CACHE = ROOT / "build" / "real-claims-judge.jsonl"
WEIGHTS = ROOT / "src" / "briefwire" / "data" / "grounding_weights.json"
JUDGES = ("article", "focused")


def key(document: str, messages: list[dict]) -> str:
    return hashlib.sha1(json.dumps([document, messages]).encode()).hexdigest()


def load_cache() -> dict[str, float]:
    if not CACHE.exists():
        return {}
    return {d["key"]: d["p_yes"] for d in map(json.loads, CACHE.read_text().splitlines()) if d}


def drafts_as_rows() -> list[dict]:
    """Every drafted sentence, labelled or not, so the judge's answers can be cached ahead."""
    rows = []
    path = CLAIMS.parent / "briefings.jsonl"
    for d in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
        for u in d["sentences"]:
            rows.append(
                {
                    "document": d["text"],
                    "title": d["title"],
                    "claim": u["text"],
                    "section": u["section"].split("[")[0],
                    "analytic": u["analytic"],
                }
            )
    return rows


def measure(
    rows: list[dict], judge: bool, threads: int | None = None
) -> tuple[list[Signals], dict[str, list[float]], float]:
    """Signals per row, the judge's P(yes) per variant (cached), seconds of the fast checks."""
    cache = load_cache()
    backend = None
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_doc[r["document"]].append(i)
    signals: list[Signals | None] = [None] * len(rows)
    p_yes = {v: [0.5] * len(rows) for v in JUDGES}
    fast_seconds = 0.0
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with CACHE.open("a") as fh:
        for members in by_doc.values():
            first = rows[members[0]]
            checker = Checker(SourceIndex(Article(title=first.get("title"), text=first["document"])))
            checker.backend = backend
            for i in members:
                t0 = time.perf_counter()
                s = checker.signals(rows[i]["claim"], headline=rows[i]["section"] == "headline")
                fast_seconds += time.perf_counter() - t0
                signals[i] = s
                if not judge:
                    continue
                questions = {
                    "article": checker.messages(judge_instruction(rows[i]["claim"])),
                    "focused": checker.judge_messages(rows[i]["claim"], s),
                }
                for variant, messages in questions.items():
                    k = key(rows[i]["document"], messages)
                    if k not in cache:
                        if backend is None:
                            from briefwire.llm import BackendConfig, make_backend

                            backend = make_backend(BackendConfig.from_env(threads=threads))
                        cache[k] = float(backend.yes_probability(messages))
                        fh.write(json.dumps({"key": k, "p_yes": cache[k]}) + "\n")
                        fh.flush()
                    p_yes[variant][i] = cache[k]
    if backend is not None:
        backend.close()
    return [s for s in signals if s is not None], p_yes, fast_seconds


def kind_of(row: dict) -> str:
    return {"paraphrase": "paraphrase", "synthetic": "synthetic"}.get(row["section"], "briefing")


def synthetic_rows(path: Path, n: int) -> list[dict]:
    """A seeded sample of the synthetic dev set, as dev rows of the fit."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    random.Random(0).shuffle(rows)
    out = []
    for r in rows[:n]:
        doc_id = hashlib.sha1(r["document"].encode()).hexdigest()[:12]
        out.append({**r, "section": "synthetic", "analytic": False, "split": "dev", "article": doc_id})
    return out


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """Logistic regression by Newton's method; the bias (column 0) is not penalised."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + penalty * w
        hess = x.T @ (x * (p * (1 - p))[:, None]) + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def flags(
    rows: list[dict], signals: list[Signals], p: list[float] | None, weights: Weights | None
) -> np.ndarray:
    out = []
    for r, s, py in zip(rows, signals, p or [None] * len(rows), strict=True):
        s.p_yes = py
        label = (
            decide(s, weights, analytic=r["analytic"]).label
            if weights is not None
            else decide_by_rules(s.assessment, py, analytic=r["analytic"]).label
        )
        out.append(label in ("unsupported", "contradicted"))
    return np.array(out)


def report(name: str, rows: list[dict], flagged: np.ndarray, detail: bool = False) -> dict:
    gold = np.array([not r["label"] for r in rows])
    recall = (flagged & gold).sum() / max(1, gold.sum())
    ffr = (flagged & ~gold).sum() / max(1, (~gold).sum())
    ba = (recall + 1 - ffr) / 2
    print(f"  {name:34s} n={len(rows):4d}  recall {recall:.3f}  false flags {ffr:.3f}  balanced acc {ba:.3f}")
    if detail:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            groups[f"type {r['type']}"].append(i)
            groups[f"section {r['section'].split('[')[0]}"].append(i)
        for g, idx in sorted(groups.items()):
            f = flagged[idx]
            print(f"      {g:34s} {int(f.sum()):3d}/{len(idx):<3d} flagged")
    return {"recall": float(recall), "false_flag_rate": float(ffr), "balanced_accuracy": float(ba)}


def matrix(signals: list[Signals], p: list[float] | None) -> np.ndarray:
    rows = []
    for i, s in enumerate(signals):
        s.p_yes = p[i] if p is not None else None
        rows.append(s.vector())
    return np.array(rows)


def best_threshold(prob: np.ndarray, y: np.ndarray, slack: float = 0.01) -> float:
    """The P(supported) bar for balanced accuracy (y = 1 supported): of the bars within ``slack``
    of the best, the lowest, so that no more true sentences are flagged than that costs."""
    scored = []
    for t in np.linspace(0.05, 0.95, 91):
        flagged = prob < t
        recall = (flagged & (y == 0)).sum() / max(1, (y == 0).sum())
        ffr = (flagged & (y == 1)).sum() / max(1, (y == 1).sum())
        scored.append(((recall + 1 - ffr) / 2, float(t)))
    best = max(ba for ba, _ in scored)
    return min(t for ba, t in scored if ba >= best - slack)


def ceiling(prob: np.ndarray, nowhere: np.ndarray, gold_false: np.ndarray, most_flagged: float = 0.05) -> str:
    """How far a score can go on a split, whatever the bar: its ROC AUC for "false", the best
    balanced accuracy over every bar (chosen on the split itself, so an upper bound), and the
    most false sentences any bar catches while flagging at most ``most_flagged`` of the true."""
    bad, good = prob[gold_false], prob[~gold_false]
    auc = float(np.mean(bad[:, None] < good[None, :]) + 0.5 * np.mean(bad[:, None] == good[None, :]))
    best, caught = 0.0, 0.0
    for t in np.linspace(0.0, 1.0, 201):
        flagged = (prob < t) | nowhere
        recall = (flagged & gold_false).sum() / max(1, gold_false.sum())
        ffr = (flagged & ~gold_false).sum() / max(1, (~gold_false).sum())
        best = max(best, (recall + 1 - ffr) / 2)
        if ffr <= most_flagged:
            caught = max(caught, recall)
    return (
        f"ROC AUC {auc:.3f}; best balanced acc over all bars {best:.3f}; "
        f"recall at <= {most_flagged:.0%} true flagged {caught:.3f} (balanced acc <= {(caught + 1) / 2:.3f})"
    )


def cross_validated(rows: list[dict], x: np.ndarray, y: np.ndarray, folds: int = 5) -> np.ndarray:
    """Out-of-fold P(supported) per row, folds by article."""
    articles = sorted({r["article"] for r in rows})
    fold_of = {a: int(hashlib.sha1(a.encode()).hexdigest(), 16) % folds for a in articles}
    prob = np.zeros(len(rows))
    for f in range(folds):
        test = np.array([fold_of[r["article"]] == f for r in rows])
        if not test.any():
            continue
        w = fit(x[~test], y[~test])
        prob[test] = 1 / (1 + np.exp(-(x[test] @ w)))
    return prob


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--judge", action="store_true", help="ask the default model (cached in build/)")
    ap.add_argument("--test", action="store_true", help="also report the test split")
    ap.add_argument("--write", action="store_true", help="write the weights fitted on dev")
    ap.add_argument("--threads", type=int, help="llama.cpp threads for the judge")
    ap.add_argument("--prefetch", action="store_true", help="only cache the judge on every draft")
    ap.add_argument(
        "--synthetic",
        type=Path,
        default=ROOT / "build" / "factuality-dev.jsonl",
        help="synthetic dev set to add to the fit (bench/make_factuality_set.py; skipped if absent)",
    )
    ap.add_argument("--synthetic-rows", type=int, default=500, help="how many of its rows (seeded sample)")
    args = ap.parse_args()
    if args.prefetch:
        measure(drafts_as_rows(), True, args.threads)
        return
    rows = [json.loads(line) for line in CLAIMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"# {CLAIMS.relative_to(ROOT)}: {len(rows)} rows; python {platform.python_version()}")
    signals, p_yes, fast_seconds = measure(rows, args.judge, args.threads)
    print(f"# fast checks: {len(rows) / fast_seconds:.0f} claims/s on a built index (this process, 1 thread)")
    if args.synthetic.exists():
        # Synthetic perturbations keep the weights of findings real drafts rarely show (swapped
        # roles, negations); they join the fit with no judge answer (a neutral 0.5).
        synthetic = synthetic_rows(args.synthetic, args.synthetic_rows)
        print(f"# + {len(synthetic)} rows of {args.synthetic} in the fit (fast checks only)")
        more, _, _ = measure(synthetic, False)
        rows, signals = rows + synthetic, signals + more
        p_yes = {v: p + [0.5] * len(synthetic) for v, p in p_yes.items()}

    def part(split: str, kind: str) -> list[int]:
        return [i for i, r in enumerate(rows) if r["split"] == split and kind_of(r) == kind]

    def sub(idx: list[int]) -> tuple[list[dict], list[Signals]]:
        return [rows[i] for i in idx], [signals[i] for i in idx]

    # Fitted on dev briefing sentences, dev paraphrases and synthetic rows together; reported apart.
    kinds = ("briefing", "paraphrase", "synthetic")
    fit_idx = [i for kind in kinds for i in part("dev", kind)]
    fit_rows, fit_sig = sub(fit_idx)
    bounds = np.cumsum([0] + [len(part("dev", kind)) for kind in kinds])
    y = np.array([r["label"] for r in fit_rows], dtype=float)
    configs: dict[str, list[float] | None] = {"fast": None}
    if args.judge:
        configs |= {f"judge:{v}": p_yes[v] for v in JUDGES}
    shipped: dict[str, dict] = {}
    for name, p in configs.items():
        print(f"\n## {name}")
        p_fit = [p[i] for i in fit_idx] if p is not None else None
        x = matrix(fit_sig, p_fit)
        prob = cross_validated(fit_rows, x, y)
        # The bar is set on real sentences only: the synthetic rows inform the weights.
        real = np.array([kind_of(r) != "synthetic" for r in fit_rows])
        t = best_threshold(prob[real], y[real])
        # As shipped: a name, number or date the source never states is never supported.
        nowhere = np.array([bool(s.assessment.kinds & NOWHERE_IN_SOURCE) for s in fit_sig])
        cv_flags = (prob < t) | nowhere
        w = fit(x, y)
        weights = Weights(tuple(float(v) for v in w), t)
        for kind, lo, hi in zip(kinds, bounds[:-1], bounds[1:], strict=True):
            if lo == hi:
                continue
            part_p = p_fit[lo:hi] if p_fit is not None else None
            rules = flags(fit_rows[lo:hi], fit_sig[lo:hi], part_p, None)
            report(f"rules (shipped before), dev {kind}", fit_rows[lo:hi], rules)
            report(
                f"fitted, dev {kind}, 5-fold CV (t={t:.2f})", fit_rows[lo:hi], cv_flags[lo:hi], detail=lo == 0
            )
        print("      weights: " + ", ".join(f"{f} {v:+.2f}" for f, v in zip(FEATURES, w, strict=True)))
        if args.test:
            for kind in ("briefing", "paraphrase"):
                idx = part("test", kind)
                prow, psig = sub(idx)
                pp = [p[i] for i in idx] if p is not None else None
                report(f"rules (shipped before), test {kind}", prow, flags(prow, psig, pp, None))
                report(
                    f"fitted, test {kind}", prow, flags(prow, psig, pp, weights), detail=kind == "briefing"
                )
                if kind == "briefing":
                    xt = matrix(psig, pp)
                    prob_t = 1 / (1 + np.exp(-(xt @ w)))
                    nowhere_t = np.array([bool(s.assessment.kinds & NOWHERE_IN_SOURCE) for s in psig])
                    gold_t = np.array([not r["label"] for r in prow])
                    print(f"      ceiling of the fitted score on test: {ceiling(prob_t, nowhere_t, gold_t)}")
        shipped[name] = {"features": list(FEATURES), "weights": weights.weights, "threshold": t}
    if args.write:
        judged = shipped.get("judge:focused")
        if judged is None:
            raise SystemExit("--write needs --judge (both weight sets are fitted together)")
        data = {
            "fitted_on": f"{CLAIMS.relative_to(ROOT)} split dev ({len(fit_rows)} sentences)",
            "fitted_by": "bench/real_claims.py --judge --write",
            # The fast checks keep the hand-set rules: their fitted weights beat the rules on dev
            # but not on held-out articles, and flagged more faithful sentences.
            "fast": None,
            "fast_note": (
                "Without the judge the hand-set rules decide (scoring.decide_by_rules): weights fitted "
                "for the fast checks alone beat them on dev but not on held-out articles, and flagged "
                "more faithful sentences (docs/benchmarks.md, section 6)."
            ),
            "fast_candidate": shipped["fast"],
            "judged": judged,
        }
        WEIGHTS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {WEIGHTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
