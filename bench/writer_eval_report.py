"""The per-article table of the writer evaluation (issue 15), from data/writer-eval.

Reads briefings.jsonl (written by bench/writer_table.py) and labels.jsonl (careful reading,
docs/labelling.md) and prints, per article: false sentences before grounding in headline + key
points + narrative, whether the headline is true, mechanical defects, composition seconds,
the floor and their ratio; then the totals against the targets (at most 1 false sentence per
briefing, headline true in >= 95%, 0 defects, composition within 1.2x of the floor). It also
prints how the checker's labels compare with the careful reading on these sentences (the
checker never saw these articles while it was tuned).

    python bench/writer_eval_report.py [--markdown]
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter
from pathlib import Path

from writer_table import defects as detect

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "writer-eval"
FAILING = {"unsupported", "contradicted"}


def load(name: str) -> list[dict]:
    return [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x.strip()]


def checker_labels(briefing: dict) -> dict[tuple[str, str], str]:
    return {(c["section"], c["text"].strip()): c["label"] for c in briefing.get("claims", [])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--prefix", default="", help='"after-": the run after the narrative cited')
    args = parser.parse_args()
    rows = load(f"{args.prefix}briefings.jsonl")
    labels = load(f"{args.prefix}labels.jsonl")
    by_article: dict[str, list[dict]] = {}
    for label in labels:
        by_article.setdefault(label["article"], []).append(label)

    sep = " | " if args.markdown else "  "
    header = ["article", "sentences", "false", "headline", "defects", "compose s", "floor s", "ratio"]
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
    else:
        print(sep.join(f"{h:>10}" if i else f"{h:<28}" for i, h in enumerate(header)))
    false_counts, headlines_true, ratios, defects = [], [], [], 0
    agreement: Counter[tuple[bool, bool]] = Counter()
    for row in rows:
        mine = by_article.get(row["id"], [])
        if not mine:
            continue
        false = sum(x["gold"] in FAILING for x in mine)
        headline = [x for x in mine if x["section"] == "headline"]
        headline_true = all(x["gold"] == "supported" for x in headline)
        ratio = row["compose_seconds"] / row["floor_seconds"]
        false_counts.append(false)
        headlines_true.append(headline_true)
        ratios.append(ratio)
        # the detector of this commit, so that every table is counted alike
        found = detect(f"{row['title'] or ''}\n\n{row['text']}", row["briefing"])
        defects += len(found)
        checker = checker_labels(row["briefing"])
        for x in mine:
            said = checker.get((x["section"], x["text"].strip()))
            if said is not None:
                agreement[(x["gold"] in FAILING, said in FAILING)] += 1
        cells = [
            row["id"],
            str(len(mine)),
            str(false),
            "true" if headline_true else "FALSE",
            str(len(found)),
            f"{row['compose_seconds']:.1f}",
            f"{row['floor_seconds']:.1f}",
            f"{ratio:.2f}",
        ]
        if args.markdown:
            print("| " + " | ".join(cells) + " |")
        else:
            print(sep.join(f"{c:>10}" if i else f"{c:<28}" for i, c in enumerate(cells)))
    n = len(false_counts)
    print()
    print(
        f"{n} briefings, {sum(len(v) for v in by_article.values())} sentences: false sentences per briefing "
        f"mean {sum(false_counts) / n:.2f}, median {statistics.median(false_counts)}, "
        f"max {max(false_counts)} "
        f"(target: at most 1); briefings with at most 1: {sum(f <= 1 for f in false_counts)}/{n}"
    )
    print(f"headline true: {sum(headlines_true)}/{n} = {sum(headlines_true) / n:.0%} (target >= 95%)")
    print(f"mechanical defects found by the detector: {defects} (target 0)")
    read = [x for x in labels if x.get("defect")]  # labels since v6- also note defects by reading
    if read:
        print(
            f"defects found by careful reading: {len(read)} sentences in "
            f"{len({x['article'] for x in read})} briefings (grammar, copies, first person outside quotes, "
            "a name or thing the briefing never introduced)"
        )
    median, worst = statistics.median(ratios), max(ratios)
    print(f"composition / floor: median {median:.2f}, max {worst:.2f} (target <= 1.2)")
    types = Counter(x["type"] for x in labels if x["gold"] in FAILING)
    print(f"errors by type: {dict(types.most_common())}")
    by_section = Counter(x["section"].split("[")[0] for x in labels if x["gold"] in FAILING)
    written = Counter(x["section"].split("[")[0] for x in labels)
    print("false / written by section: " + ", ".join(f"{s} {by_section[s]}/{n}" for s, n in written.items()))
    caught = agreement[(True, True)]
    missed = agreement[(True, False)]
    flagged_true = agreement[(False, True)]
    kept_true = agreement[(False, False)]
    if caught + missed and flagged_true + kept_true:
        recall = caught / (caught + missed)
        false_flags = flagged_true / (flagged_true + kept_true)
        print(
            f"checker on these sentences: {caught}/{caught + missed} false sentences flagged "
            f"(recall {recall:.2f}), {flagged_true}/{flagged_true + kept_true} true ones flagged "
            f"({false_flags:.2f}); balanced accuracy {(recall + 1 - false_flags) / 2:.3f}"
        )


if __name__ == "__main__":
    main()
