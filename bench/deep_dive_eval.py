"""The deep dive read by hand: units to label, then a report joining the labels with the checker's.

Reads briefings made by ``bench/writer_table.py`` with every section and grounding on (for
example ``data/writer-eval/dd1-briefings.jsonl``). Nothing here labels anything: the labels are
made by careful reading with docs/labelling.md ("The deep dive").

    python bench/deep_dive_eval.py units --prefix dd1-    # writes dd1-units.jsonl (no checker labels)
    python bench/deep_dive_eval.py report --prefix dd1-   # reads dd1-labels.jsonl too
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from briefwire import shape

DATA = Path(__file__).resolve().parents[1] / "data" / "writer-eval"
FAILING = ("unsupported", "contradicted")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def units(rows: list[dict]) -> list[dict]:
    """One unit per checked sentence of the deep dive, in the briefing's order, with the
    checker's label kept apart (``checker``) so the units file can leave it out."""
    out = []
    for row in rows:
        briefing = row["briefing"]
        main = (briefing.get("deep_dive") or {}).get("main_development", "")
        claims = [c for c in briefing.get("claims", []) if c["section"].startswith("deep_dive.")]
        for n, claim in enumerate(claims):
            field = shape.field(claim["section"])
            out.append(
                {
                    "id": f"{row['id']}#dd{n}",
                    "article": row["id"],
                    "section": claim["section"],
                    "list": field.name,
                    "analytic": field.analytic,
                    "main_development": main,
                    "text": claim["text"],
                    "checker": claim["label"],
                }
            )
    return out


def _row(name: str, values, heads: tuple[str, ...]) -> str:
    return f"{name:<18} " + " ".join(f"{v:>{max(3, len(h))}}" for v, h in zip(values, heads, strict=True))


def report(rows: list[dict], labels: dict[str, dict]) -> None:
    found = [u for u in units(rows) if u["id"] in labels]
    missing = len(units(rows)) - len(found)
    print(f"# {len(rows)} briefings, {len(found)} labelled deep-dive sentences ({missing} unlabelled)")
    by_list: dict[str, list[dict]] = collections.defaultdict(list)
    for u in found:
        by_list[u["list"]].append(u | labels[u["id"]])
    heads = ("n", "false", "not specific", "not its kind", "false passed")
    print(f"{'list':<18} " + " ".join(f"{h:>{max(3, len(h))}}" for h in heads))
    totals = collections.Counter()
    for name, items in by_list.items():
        false = [u for u in items if u["gold"] in FAILING]
        vague = [u for u in items if u.get("specific") == "no"]
        misfit = [u for u in items if u.get("fits") == "no"]
        passed = [u for u in false if u["checker"] not in FAILING]
        counts = {"n": len(items), "false": len(false), "vague": len(vague)}
        counts |= {"misfit": len(misfit), "passed": len(passed)}
        totals.update(counts)
        print(_row(name, counts.values(), heads))
    print(_row("all", [totals[k] for k in ("n", "false", "vague", "misfit", "passed")], heads))
    every = [u | labels[u["id"]] for u in found]
    true = [u for u in every if u["gold"] == "supported"]
    false = [u for u in every if u["gold"] in FAILING]
    flagged_true = sum(u["checker"] in FAILING for u in true)
    caught = sum(u["checker"] in FAILING for u in false)
    print(
        f"checker: {caught} of {len(false)} false sentences flagged; {flagged_true} of {len(true)} true "
        "sentences flagged (opinion counts as not flagged)"
    )
    empties = collections.Counter(
        name for r in rows for name in (r["briefing"].get("deep_dive") or {}).get("not_applicable", [])
    )
    print(f"lists said not to apply: {dict(empties) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("units", "report"))
    parser.add_argument("--prefix", default="dd1-")
    args = parser.parse_args()
    rows = read_jsonl(DATA / f"{args.prefix}briefings.jsonl")
    if args.mode == "units":
        path = DATA / f"{args.prefix}units.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for u in units(rows):
                unlabelled = {k: v for k, v in u.items() if k != "checker"}
                fh.write(json.dumps(unlabelled, ensure_ascii=False) + "\n")
        print(f"wrote {path}", file=sys.stderr)
        return
    labels = {x["id"]: x for x in read_jsonl(DATA / f"{args.prefix}labels.jsonl")}
    report(rows, labels)


if __name__ == "__main__":
    main()
