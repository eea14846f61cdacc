"""How the deletion rules and the faithfulness test (compose/compress.py) treat labelled retellings.

Reads data/writer-eval/<prefix>-briefings.jsonl and -labels.jsonl (in the repo; no model, no
../shared). Pairs each labelled narrative and takeaway sentence with the article sentence it
cites (paragraphs whose sentences and cites do not pair one to one are skipped) and counts, by
gold label: whether the model's line passes ``faithful`` and whether its cited sentence shortens
by deletion (``compress``). The rules were tuned on the v4- files; any later prefix is a check.

    python bench/retell_tuning.py --prefix v4-
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from briefwire.compose.compress import compress
from briefwire.compose.faithful import faithful
from briefwire.text import article_sentences, split_sentences

DATA = Path(__file__).resolve().parents[1] / "data" / "writer-eval"


def pairs(briefing: dict) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for k, paragraph in enumerate(briefing["narrative"]["paragraphs"]):
        lines, ids = split_sentences(paragraph), briefing["cites"].get(f"narrative.paragraphs[{k}]", [])
        if len(lines) == len(ids):
            out += zip(lines, ids, strict=True)
    cited = briefing["cites"].get("narrative.key_takeaway")
    if (takeaway := briefing["narrative"].get("key_takeaway")) and cited:
        out.append((takeaway, cited[0]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", default="v4-")
    args = parser.parse_args()
    rows = [json.loads(x) for x in (DATA / f"{args.prefix}briefings.jsonl").read_text().splitlines() if x]
    labels = {
        (lab["article"], lab["text"]): lab["gold"]
        for x in (DATA / f"{args.prefix}labels.jsonl").read_text().splitlines()
        if x and (lab := json.loads(x))
    }
    counts: Counter[tuple[str, str, str]] = Counter()
    for row in rows:
        sentences = article_sentences(row["text"])
        for line, i in pairs(row["briefing"]):
            if (gold := labels.get((row["id"], line))) is None:
                continue
            counts[
                (
                    "true" if gold == "supported" else "false",
                    "faithful" if faithful(line, sentences[i]) else "rewords",
                    "shortens by deletion" if compress(sentences[i]) else "no deletion",
                )
            ] += 1
    print(f"# bench/retell_tuning.py --prefix {args.prefix}: {sum(counts.values())} labelled retellings")
    for key, n in sorted(counts.items()):
        print(f"{n:4d}  model line {key[0]:5} {key[1]:9} | its sentence {key[2]}")


if __name__ == "__main__":
    main()
