"""Print generated drafts for labelling: the article (numbered sentences) and the units to label.

python bench/real_claims_show.py 0 5      # articles 0..4 of data/real-claims/briefings.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATH = ROOT / "data" / "real-claims" / "briefings.jsonl"


def main() -> None:
    start, stop = int(sys.argv[1]), int(sys.argv[2])
    rows = [json.loads(line) for line in PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    for pos, row in enumerate(rows[start:stop], start):
        print(f"=== article #{pos}: {row['id']}")
        print(f"TITLE: {row['title']}\n")
        print(row["text"])
        print("\n--- sentences to label")
        for n, s in enumerate(row["sentences"]):
            print(f"[{n}] ({s['section']}) {s['text']}")
        print()


if __name__ == "__main__":
    main()
