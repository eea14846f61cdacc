"""Join the generated drafts and their labels into the eval format (issue 12's real-claims set).

Reads data/real-claims/briefings.jsonl (drafts) and data/real-claims/labels-*.jsonl (labels by
careful reading, docs/labelling.md) and writes data/real-claims/claims.jsonl: one row a sentence
with "document", "title", "claim", "label" (1 supported / 0 not), "gold", "type", "section",
"split" and "article", ready for `briefwire eval factuality`. Paraphrases
(data/real-claims/paraphrases.jsonl) become rows with section "paraphrase", split the same
way; their articles are read from ../shared/data/bbc-news-2095, so run this where it exists.

The split is by article: sha1(article id) % 10 < 4 -> test (never tuned on), else dev.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from briefwire.ground.briefing import is_analytic

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "real-claims"
BBC = ROOT.parent / "shared" / "data" / "bbc-news-2095" / "news"
GOLD = ("supported", "unsupported", "contradicted")


def split_of(article_id: str) -> str:
    return "test" if int(hashlib.sha1(article_id.encode()).hexdigest(), 16) % 10 < 4 else "dev"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def bbc_article(article_id: str) -> tuple[str, str]:
    title, _, text = (BBC / article_id).read_text(encoding="utf-8", errors="replace").partition("\n")
    return title.strip(), text.strip()


def main() -> None:
    drafts = {row["id"]: row for row in read_jsonl(DATA / "briefings.jsonl")}
    rows, seen = [], set()
    for path in sorted(DATA.glob("labels-*.jsonl")):
        for lab in read_jsonl(path):
            draft = drafts[lab["article"]]
            unit = draft["sentences"][lab["n"]]
            if unit["text"] != lab["claim"]:
                raise SystemExit(f"{path.name}: {lab['article']}[{lab['n']}] does not match the draft")
            if lab["gold"] not in GOLD or (lab["article"], lab["n"]) in seen:
                raise SystemExit(f"{path.name}: bad or repeated label {lab}")
            seen.add((lab["article"], lab["n"]))
            rows.append(
                {
                    "document": draft["text"],
                    "title": draft["title"],
                    "claim": lab["claim"],
                    "label": int(lab["gold"] == "supported"),
                    "gold": lab["gold"],
                    "type": lab.get("type") or "supported",
                    "section": lab["section"],
                    # Today's rule, not the one the drafts were made under (the takeaway was
                    # wholly analytic then): a takeaway is an opinion only where it looks ahead.
                    "analytic": is_analytic(lab["section"], lab["claim"]),
                    "split": split_of(lab["article"]),
                    "article": lab["article"],
                    "n": lab["n"],
                    "reason": lab.get("reason", ""),
                }
            )
    para = DATA / "paraphrases.jsonl"
    if para.exists():
        for p in read_jsonl(para):
            title, text = bbc_article(p["article"])
            rows.append(
                {
                    "document": text,
                    "title": title,
                    "claim": p["claim"],
                    "label": 1,
                    "gold": "supported",
                    "type": f"paraphrase:{p.get('kind', '')}",
                    "section": "paraphrase",
                    "analytic": False,
                    "split": split_of(p["article"]),
                    "article": p["article"],
                    "reason": p.get("source_sentences", ""),
                }
            )
    rows.sort(key=lambda r: (r["split"], r["article"], r.get("n", 0)))
    with (DATA / "claims.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    for split in ("dev", "test"):
        for kind in ("briefing sentences", "paraphrases"):
            part = [
                r
                for r in rows
                if r["split"] == split and (r["section"] == "paraphrase") == (kind == "paraphrases")
            ]
            arts = len({r["article"] for r in part})
            bad = sum(1 for r in part if not r["label"])
            print(f"{split} {kind}: {len(part)} from {arts} articles, {bad} unsupported/contradicted")


if __name__ == "__main__":
    main()
