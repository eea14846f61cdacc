"""Earlier coverage for a new article: FTS5 BM25 over salient terms, boosted by shared names.

BM25 alone happily returns *something* for any query, so candidates must also pass
an absolute test that does not depend on archive size: they must cover a fair share
of the new article's salient words, and share a named entity unless the word
overlap is large. Unrelated stories are then left out rather than cited.
"""

from __future__ import annotations

import sqlite3

from briefwire.model import Article, BackgroundItem
from briefwire.store.terms import best_sentences, extract_entities, fts_query, salient_terms, tokens

CANDIDATES = 30  # BM25 top-k re-ranked with the entity boost
ENTITY_BOOST = 0.35  # score multiplier per shared named entity
MIN_COVERAGE = 0.25  # share of salient words a related article must contain
MIN_COVERAGE_WITHOUT_ENTITY = 0.5


def find_related(db: sqlite3.Connection, article: Article, *, limit: int = 3) -> list[BackgroundItem]:
    entities = extract_entities(article.text, title=article.title)
    terms = salient_terms(article.title, article.text, entities)
    match = fts_query(terms)
    if match is None or limit <= 0:
        return []
    rows = db.execute(
        "SELECT a.id, a.title, a.date, a.url, a.text, -bm25(articles_fts, 4.0, 1.0) AS bm25"
        " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
        " WHERE articles_fts MATCH ? AND a.content_hash != ?"
        " ORDER BY bm25(articles_fts, 4.0, 1.0) LIMIT ?",
        (match, article.content_hash, CANDIDATES),
    ).fetchall()
    if not rows:
        return []
    candidate_entities = _entities_of(db, [r["id"] for r in rows])
    mine = set(entities[:15])
    words = {w for term in terms for w in tokens(term)}
    scored: list[tuple[float, sqlite3.Row]] = []
    for row in rows:
        shared = mine & candidate_entities.get(row["id"], set())
        coverage = len(words & tokens(f"{row['title'] or ''} {row['text']}")) / max(len(words), 1)
        if coverage < MIN_COVERAGE or (not shared and coverage < MIN_COVERAGE_WITHOUT_ENTITY):
            continue
        scored.append((row["bm25"] * (1 + ENTITY_BOOST * len(shared)) * coverage, row))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    return [_item(i, row, words) for i, (_, row) in enumerate(scored[:limit], start=1)]


def _entities_of(db: sqlite3.Connection, ids: list[str]) -> dict[str, set[str]]:
    marks = ",".join("?" * len(ids))
    out: dict[str, set[str]] = {}
    sql = f"SELECT article_id, entity FROM article_entities WHERE article_id IN ({marks})"
    for aid, entity in db.execute(sql, ids):
        out.setdefault(aid, set()).add(entity)
    return out


def _item(index: int, row: sqlite3.Row, words: set[str]) -> BackgroundItem:
    from briefwire.text import split_sentences

    return BackgroundItem(
        ref=f"A{index}",
        archive_id=row["id"],
        title=row["title"],
        date=row["date"],
        url=row["url"],
        excerpt=best_sentences(split_sentences(row["text"]), words, count=2, max_words=60),
    )
