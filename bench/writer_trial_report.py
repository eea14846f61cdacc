"""False sentences per narrative design in a blind writer trial (issue 15), from data/writer-eval.

A trial briefs the same articles with several designs (``variant``) and has the distinct sentences
labelled blind, shuffled per article, with the protocol of docs/labelling.md; each label records
which variants and sections wrote the sentence (``used_by``). This prints, per variant: false
sentences per briefing, and false / written per section.

    python bench/writer_trial_report.py --prefix trial3-
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "writer-eval"
SECTIONS = ("headline", "key_points", "takeaway", "narrative")


def section_of(path: str) -> str:
    if path.startswith("narrative.paragraphs"):
        return "narrative"
    if path == "narrative.key_takeaway":
        return "takeaway"
    return "key_points" if path.startswith("key_points") else "headline"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", default="trial3-")
    args = parser.parse_args()
    labels = [
        json.loads(x) for x in (DATA / f"{args.prefix}labels.jsonl").read_text().splitlines() if x.strip()
    ]
    briefings = [
        json.loads(x) for x in (DATA / f"{args.prefix}briefings.jsonl").read_text().splitlines() if x
    ]
    articles = Counter(b["variant"] for b in briefings)
    written: dict[str, Counter] = defaultdict(Counter)
    false: dict[str, Counter] = defaultdict(Counter)
    types: dict[str, Counter] = defaultdict(Counter)
    for label in labels:
        wrong = label["gold"] != "supported"
        for use in label["used_by"]:
            section = section_of(use["section"])
            written[use["variant"]][section] += 1
            false[use["variant"]][section] += wrong
            if wrong:
                types[use["variant"]][label["type"]] += 1
    print(f"# {len(labels)} distinct sentences labelled blind; {dict(articles)} briefings per variant")
    for variant in sorted(articles):
        total = sum(false[variant].values())
        parts = "  ".join(f"{s} {false[variant][s]}/{written[variant][s]}" for s in SECTIONS)
        print(f"{variant:<8} false per briefing {total / articles[variant]:.2f}  {parts}")
        print(f"{'':<8} errors by type {dict(types[variant].most_common())}")


if __name__ == "__main__":
    main()
