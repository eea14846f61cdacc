"""Probe (issue 12): does the likelihood of a sentence given its evidence tell real errors apart?

For each real-claims sentence (data/real-claims/claims.jsonl, dev split unless --test) the default
model is made to write the sentence itself (a grammar that allows only its exact text, greedy),
twice: after the evidence sentences the fast checks aligned, and after no evidence. Each forced
token's log-probability comes back; a word the evidence makes much less likely than no evidence
("Oscars" where the source says SAG) is the error signal the issue proposes. Reported: ROC AUC of
each derived score on the labels, alone, and the cross-validated balanced accuracy of the fitted
combiner with and without the best of them (bench/real_claims.py's fit). Answers are cached in
build/real-claims-likelihood.jsonl.

    python bench/likelihood_probe.py            # dev split (tuning data)
    python bench/likelihood_probe.py --test     # also the test split, once, at the end
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from briefwire.ground.checker import Checker
from briefwire.ground.index import SourceIndex
from briefwire.llm import BackendConfig, make_backend
from briefwire.model import Article

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ROOT / "data" / "real-claims" / "claims.jsonl"
CACHE = ROOT / "build" / "real-claims-likelihood.jsonl"
WITH_EVIDENCE = "Source sentences:\n{evidence}\n\nWrite one sentence that says what these sentences say."
WITHOUT = "Write one sentence of a news report."


def gbnf_literal(text: str) -> str:
    return 'root ::= "' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def forced_logprobs(server, prompt: str, text: str) -> list[list]:
    body = {
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": 120,
        "temperature": 0.0,
        "logprobs": True,
        "top_logprobs": 1,
        "grammar": gbnf_literal(text),
        "stream": False,
    }
    data = server.handle_chat_completions(body)
    content = ((data.get("choices") or [{}])[0].get("logprobs") or {}).get("content") or []
    return [[str(c.get("token", "")), float(c.get("logprob", -30.0))] for c in content]


def scores(with_ev: list[list], without: list[list]) -> dict[str, float]:
    """Each is [[token, logprob], ...]; the two tokenisations may differ, so per-token gains are
    taken where the tokens match."""
    if not with_ev or not without:
        return {"mean_ev": 0.0, "min_ev": 0.0, "pmi": 0.0, "worst_gain": 0.0, "low_tokens": 0.0}
    ev = [lp for _, lp in with_ev]
    matcher = difflib.SequenceMatcher(a=[t for t, _ in with_ev], b=[t for t, _ in without], autojunk=False)
    gains = [
        with_ev[i + k][1] - without[j + k][1]
        for i, j, size in matcher.get_matching_blocks()
        for k in range(size)
    ]
    return {
        "mean_ev": sum(ev) / len(ev),  # how readily the evidence yields the sentence
        "min_ev": min(ev),  # its least likely token given the evidence
        "pmi": (sum(ev) - sum(lp for _, lp in without)) / len(ev),  # how much the evidence helps
        "worst_gain": min(gains, default=0.0),  # the token the evidence helps least (or hurts most)
        "low_tokens": sum(1 for x in ev if x < -5.0) / len(ev),
    }


def auc(score: np.ndarray, positive: np.ndarray) -> float:
    """P(score of a positive > score of a negative), ties half."""
    pos, neg = score[positive], score[~positive]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--test", action="store_true", help="also the test split")
    ap.add_argument("--limit", type=int, help="only the first N rows (a smoke run)")
    args = ap.parse_args()
    rows = [json.loads(line) for line in CLAIMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == "dev" or args.test][: args.limit]
    cache = {}
    if CACHE.exists():
        cache = {d["key"]: d for d in map(json.loads, CACHE.read_text().splitlines()) if d}
    backend = None
    started, calls = time.perf_counter(), 0
    print(f"# {len(rows)} rows; python {platform.python_version()}; default model, greedy, forced text")
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    out = []
    with CACHE.open("a") as fh:
        checkers: dict[str, Checker] = {}
        for r in rows:
            checker = checkers.get(r["document"])
            if checker is None:
                checker = Checker(SourceIndex(Article(title=r.get("title"), text=r["document"])))
                checkers = {r["document"]: checker}
            s = checker.signals(r["claim"], headline=r["section"] == "headline")
            evidence = [checker.index.sentences[j].text for j in s.assessment.evidence][:3]
            prompt = WITH_EVIDENCE.format(evidence="\n".join(f"- {e}" for e in evidence) or "(none)")
            k = hashlib.sha1(json.dumps([prompt, r["claim"]]).encode()).hexdigest()
            if k not in cache:
                if backend is None:
                    backend = make_backend(BackendConfig.from_env())
                server = backend._server  # the probe reads llama.cpp's raw answer
                cache[k] = {
                    "key": k,
                    "with": forced_logprobs(server, prompt, r["claim"]),
                    "without": forced_logprobs(server, WITHOUT, r["claim"]),
                }
                calls += 2
                fh.write(json.dumps(cache[k]) + "\n")
                fh.flush()
            out.append((r, scores(cache[k]["with"], cache[k]["without"]), s.vector()))
    seconds = time.perf_counter() - started
    per_call = seconds / max(1, calls)
    load = os.getloadavg()[0]
    print(f"# {calls} model calls in {seconds:.0f} s ({per_call:.2f} s a call); load average {load:.2f}")
    for split in ("dev", "test"):
        for kind in ("briefing", "paraphrase"):
            part = [
                (r, sc)
                for r, sc, _ in out
                if r["split"] == split and (r["section"] == "paraphrase") == (kind == "paraphrase")
            ]
            if not part:
                continue
            false = np.array([not r["label"] for r, _ in part])
            line = ", ".join(
                # a lower score should mean an error: AUC of the negated score for "false"
                f"{name} {auc(-np.array([sc[name] for _, sc in part]), false):.3f}"
                for name in part[0][1]
                if name != "low_tokens"
            )
            low = auc(np.array([sc["low_tokens"] for _, sc in part]), false)
            print(
                f"{split} {kind} (n={len(part)}, false {int(false.sum())}): AUC {line}, low_tokens {low:.3f}"
            )
    combined(out)
    if backend is not None:
        backend.close()


def combined(out: list) -> None:
    """Balanced accuracy of the fast checks' fitted combiner, 5-fold CV by article on the dev
    briefing sentences, without and with each likelihood score as one more feature."""
    from real_claims import best_threshold, cross_validated  # bench/ is the script's folder

    dev = [(r, sc, v) for r, sc, v in out if r["split"] == "dev" and r["section"] != "paraphrase"]
    rows = [r for r, _, _ in dev]
    y = np.array([r["label"] for r in rows], dtype=float)
    base = np.array([v for _, _, v in dev])
    for name in ("none", *dev[0][1]):
        x = base if name == "none" else np.column_stack([base, [sc[name] for _, sc, _ in dev]])
        prob = cross_validated(rows, x, y)
        t = best_threshold(prob, y)
        flagged, false = prob < t, y == 0
        recall = (flagged & false).sum() / false.sum()
        ffr = (flagged & ~false).sum() / (~false).sum()
        print(
            f"dev CV, fast checks + {name:10s}: recall {recall:.3f}, true flagged {ffr:.3f}, "
            f"balanced acc {(recall + 1 - ffr) / 2:.3f}"
        )


if __name__ == "__main__":
    main()
