"""Brief BBC articles with the default model and keep every draft sentence for labelling (issue 12).

Reads ../shared/data/bbc-news-2095 (MIT). Picks articles with a fixed seed, stratified over the
five topics, runs the real pipeline (default embedded model, default options, grounding OFF so the
labeller sees the draft as written and never the checker's opinion), and writes one JSON object a
line to data/real-claims/briefings.jsonl: the article (title + text) and its draft sentences with
their section. Resumable: articles already in the output are skipped.

    python bench/real_claims_generate.py --articles 48
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from briefwire.compose.composer import Composer  # noqa: E402
from briefwire.compose.sections import SPECS  # noqa: E402
from briefwire.ground.briefing import units_of  # noqa: E402
from briefwire.ingest import load_article  # noqa: E402
from briefwire.llm import BackendConfig, make_backend  # noqa: E402
from briefwire.model import Briefing, DeepDive, Narrative  # noqa: E402
from briefwire.options import BriefOptions  # noqa: E402
from briefwire.pipeline import fit_to_context  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "bbc-news-2095" / "news"
OUT = ROOT / "data" / "real-claims" / "briefings.jsonl"
TOPICS = ("business", "entertainment", "politics", "sport", "tech")


def pick(n: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    per_topic = {t: sorted((DATA / t).glob("*.txt")) for t in TOPICS}
    for files in per_topic.values():
        rng.shuffle(files)
    chosen: list[Path] = []
    i = 0
    while len(chosen) < n:
        for t in TOPICS:
            files = [f for f in per_topic[t] if 150 <= len(f.read_text(errors="replace").split()) <= 700]
            if i < len(files) and len(chosen) < n:
                chosen.append(files[i])
        i += 1
    return chosen


LABELLED = ("headline", "key_points", "narrative", "deep_dive.context")


def sentences(b) -> list[dict]:
    """The grounding's own sentence units, so a label applies to exactly what the checker sees."""
    out = []
    for u in units_of(b):
        if u.field.startswith(LABELLED):
            out.append({"section": u.field, "analytic": u.analytic, "text": u.text})
    return out


def draft(article, backend) -> Briefing:
    """The pipeline's composition up to the deep dive's context call (the later deep-dive calls
    write analysis, which this data set does not label), with the default seed and temperature."""
    options = BriefOptions()
    article = fit_to_context(article, backend)
    composer = Composer(backend, article, seed=options.seed, temperature=options.temperature)
    results = {}
    for spec in SPECS:
        if spec.name in ("headline", "key_points", "narrative", "deep_dive.context"):
            results[spec.name] = composer.run_spec(spec)
    return Briefing(
        headline=results["headline"].headline,
        key_points=list(results["key_points"].key_points),
        narrative=Narrative(**results["narrative"].model_dump()),
        deep_dive=DeepDive(
            **results["deep_dive.context"].model_dump(),
            resolutions=[],
            practical_steps=[],
            trends=[],
            pros=[],
            cons=[],
            recommendations=[],
        ),
        notes=composer.notes,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=48)
    ap.add_argument("--seed", type=int, default=2095)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if OUT.exists():
        done = {json.loads(line)["id"] for line in OUT.read_text().splitlines() if line.strip()}
    backend = make_backend(BackendConfig.from_env(threads=args.threads))
    print(
        f"# model {backend.model}, grounding off (timings are not benchmarks: other work shared the machine)",
        flush=True,
    )
    for path in pick(args.articles, args.seed):
        art_id = f"{path.parent.name}/{path.name}"
        if art_id in done:
            continue
        article = load_article(str(path))
        t0 = time.perf_counter()
        b = draft(article, backend)
        row = {
            "id": art_id,
            "title": article.title,
            "text": article.text,
            "seconds": round(time.perf_counter() - t0, 1),
            "briefing": json.loads(b.model_dump_json()),
            "sentences": sentences(b),
        }
        with OUT.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{art_id}: {row['seconds']} s, {len(row['sentences'])} sentences", flush=True)


if __name__ == "__main__":
    main()
