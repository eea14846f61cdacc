"""The writer's table (issue 15): full briefings of articles not used while tuning, with defects and speed.

Reads ../shared/data/bbc-news-2095 (MIT). Picks --articles articles, stratified over the five
topics, that are NOT in data/real-claims (the articles the checker and the prompts were tuned
on), then:

1. measures this machine's floor rates once, as ``bench/batch.py --ceiling-only --slots 1`` does
   (decode and prefill tokens/s of the same model, nothing cached);
2. briefs each article with the default model and default options (every section, grounding
   with the judge), one loaded model, one article after another;
3. per article, prints and stores: composition seconds (the sections' own times, grounding not
   included), the floor (newly processed prompt tokens / prefill rate + generated tokens /
   decode rate), their ratio, and the mechanical defects found in headline, key points and
   narrative: a misspelt word (neither the article's nor English), a sentence cut off, a
   repeated sentence, a narrative sentence copied whole from the article.

Writes data/writer-eval/briefings.jsonl (article, briefing, figures; resumable) and
data/writer-eval/sentences.jsonl (the headline, key point and narrative sentences, without the
checker's labels). False sentences are counted by careful reading afterwards, with the protocol
of docs/labelling.md (data/writer-eval/README.md); this script never labels anything.

    python bench/writer_table.py --articles 20
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from batch import ceiling_on, measure_ceiling  # noqa: E402

from briefwire.compose.quality import SourceText, is_cut_off, near_duplicate, repeats  # noqa: E402
from briefwire.ingest import load_article  # noqa: E402
from briefwire.llm import BackendConfig, make_backend  # noqa: E402
from briefwire.llm.base import GenerationParams  # noqa: E402
from briefwire.options import BriefOptions  # noqa: E402
from briefwire.pipeline import brief  # noqa: E402
from briefwire.text import split_sentences  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "bbc-news-2095" / "news"
REMEASURE_EVERY = 5  # articles between two measurements of the floor's rates
TUNED = ROOT / "data" / "real-claims" / "briefings.jsonl"
OUT = ROOT / "data" / "writer-eval" / "briefings.jsonl"
TOPICS = ("business", "entertainment", "politics", "sport", "tech")


def ids_in(path: Path) -> set[str]:
    return {json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()}


def pick(n: int, seed: int, skip: set[str]) -> list[Path]:
    tuned = ids_in(TUNED) | skip
    rng = random.Random(seed)
    per_topic = {}
    for topic in TOPICS:
        files = [
            f
            for f in sorted((DATA / topic).glob("*.txt"))
            if f"{topic}/{f.name}" not in tuned and 150 <= len(f.read_text(errors="replace").split()) <= 700
        ]
        rng.shuffle(files)
        per_topic[topic] = files
    rounds = itertools.chain.from_iterable(zip(*per_topic.values(), strict=False))
    return list(itertools.islice(rounds, n))


def read_sentences(briefing: dict) -> list[tuple[str, str]]:
    """(section, sentence) of the headline, key points and narrative: what the targets count."""
    out = [("headline", briefing["headline"])] if briefing.get("headline") else []
    out += [(f"key_points[{i}]", s) for i, p in enumerate(briefing["key_points"]) for s in split_sentences(p)]
    narrative = briefing.get("narrative") or {"paragraphs": [], "key_takeaway": ""}
    for i, paragraph in enumerate(narrative["paragraphs"]):
        out += [(f"narrative.paragraphs[{i}]", s) for s in split_sentences(paragraph)]
    if narrative["key_takeaway"]:
        out.append(("narrative.key_takeaway", narrative["key_takeaway"]))
    return out


def defects(article: str, briefing: dict) -> list[str]:
    """``article``: the title and text (a headline that is the title uses the title's words)."""
    source = SourceText.of(article)
    found = []
    sentences = read_sentences(briefing)
    for section, sentence in sentences:
        if section != "headline" and is_cut_off(sentence):
            found.append(f"cut off: {section}")
        if word := source.misspelt(sentence):
            found.append(f"typo {word!r}: {section}")
        if section.startswith("narrative") and source.copied_sentence(sentence):
            found.append(f"copied whole: {section}")
    for (a, x), (b, y) in itertools.combinations(sentences, 2):
        # a retelling must also say something an earlier sentence does not (quality.repeats)
        same = repeats(y, x) if b.startswith("narrative") else near_duplicate(x, y)
        if "headline" not in (a, b) and same:
            found.append(f"repeat: {a} / {b}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1515)
    parser.add_argument(
        "--out", type=Path, default=OUT, help="the briefings file (sentences.jsonl beside it)"
    )
    parser.add_argument(
        "--skip", type=Path, action="append", default=[], help="a briefings file whose articles to leave out"
    )
    parser.add_argument(
        "--sections",
        default=",".join(BriefOptions().sections),
        help="the sections to brief (the targets count headline, key points and narrative)",
    )
    parser.add_argument("--no-ground", action="store_true", help="compose only")
    args = parser.parse_args()
    options = BriefOptions(sections=tuple(args.sections.split(",")), ground=not args.no_ground)
    chosen = pick(args.articles, args.seed, set().union(*(ids_in(p) for p in args.skip)))
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    done = ids_in(out) if out.exists() else set()

    print(f"# bench/writer_table.py, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(
        f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average before {os.getloadavg()[0]:.2f}; default model and options, sections {args.sections}, "
        + ("no grounding" if args.no_ground else "grounding with the judge")
    )
    rates = measure_ceiling([1], chosen[:4])[0]
    prefill, decode = rates["prefill_tokens_per_second"], rates["decode_tokens_per_second"]
    backend = make_backend(BackendConfig.from_env())
    backend.chat([{"role": "user", "content": "Say ok."}], params=GenerationParams(max_tokens=4))
    print(f"{'article':<28} {'compose s':>9} {'floor s':>8} {'ratio':>6} {'ground s':>8}  defects")
    for n, path in enumerate(chosen):
        art_id = f"{path.parent.name}/{path.name}"
        if art_id in done:
            continue
        if n and n % REMEASURE_EVERY == 0:
            # The machine's speed drifts (a briefing took 38 s, then 54 s 25 minutes later with
            # the same tokens): each floor uses rates measured near it.
            rates = ceiling_on(backend, 1, chosen[:4], run=f" (before article {n + 1})")
            prefill, decode = rates["prefill_tokens_per_second"], rates["decode_tokens_per_second"]
            print(f"# rates re-measured: prefill {prefill} tok/s, decode {decode} tok/s", flush=True)
        article = load_article(str(path))
        started = time.perf_counter()
        briefing = brief(article, backend=backend, options=options).briefing
        total = time.perf_counter() - started
        sections = briefing.run.sections if briefing.run else []
        composed = sum(s.seconds for s in sections)
        floor = (
            sum(s.prompt_tokens for s in sections) / prefill
            + sum(s.generated_tokens for s in sections) / decode
        )
        data = json.loads(briefing.model_dump_json())
        row = {
            "id": art_id,
            "title": article.title,
            "text": article.text,
            "compose_seconds": round(composed, 1),
            "total_seconds": round(total, 1),
            "floor_seconds": round(floor, 1),
            "rates": rates,
            "defects": defects(f"{article.title or ''}\n\n{article.text}", data),
            "briefing": data,
        }
        with out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(
            f"{art_id:<28} {composed:>9.1f} {floor:>8.1f} {composed / floor:>6.2f} {total - composed:>8.1f}  "
            f"{'; '.join(row['defects']) or '-'}",
            flush=True,
        )
    rows = [json.loads(x) for x in out.read_text().splitlines() if x.strip()]
    with out.with_name(out.name.replace("briefings", "sentences")).open("w", encoding="utf-8") as fh:
        for r in rows:
            for n, (section, sentence) in enumerate(read_sentences(r["briefing"])):
                unit = {"id": f"{r['id']}#{n}", "article": r["id"], "section": section, "text": sentence}
                fh.write(json.dumps(unit, ensure_ascii=False) + "\n")
    ratios = [r["compose_seconds"] / r["floor_seconds"] for r in rows]
    grounding = [(r["total_seconds"] - r["compose_seconds"]) / r["compose_seconds"] for r in rows]
    print(
        f"# {len(rows)} articles: median composition / floor {statistics.median(ratios):.2f}, "
        f"median grounding / composition {statistics.median(grounding):.2f}, "
        f"defects {sum(len(r['defects']) for r in rows)}; "
        f"last floor rates prefill {prefill} tok/s, decode {decode} tok/s"
    )


if __name__ == "__main__":
    main()
