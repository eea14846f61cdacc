"""Which article sentences a briefing's lines rest on.

The composer shows the model the article's most central sentences, numbered; a key point names
the ones it comes from, a retelling cites the sentence it was given. ``Sources`` picks those
sentences (the extractive engine's ranking), keeps each written line's sentence ids (the
briefing's ``cites``) and the problems found while unpacking a line, and answers what a line,
a section or the whole briefing cites.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from briefwire import shape
from briefwire.compose import retell
from briefwire.compose.compress import compress, unlinked
from briefwire.compose.faithful import faithful
from briefwire.compose.quality import repeats
from briefwire.extractive.ranking import Ranking, score_sentences, select_ranked
from briefwire.text import article_sentences, smart_quotes, split_sentences

T = TypeVar("T")

# Numbered sentences shown for a citing section: the most central ones (the extractive engine's
# ranking), in article order. Fewer keep the prompt short; the lead and main facts are among them.
# 14: the key points rest on three to five; the takeaway and the narrative retell others.
CITE_CANDIDATES = 14
# A written line shorter than this is matched to a section's sentences only whole.
MIN_MATCHED_LINE = 20


def lines_in(table: dict[str, T], sentence: str) -> list[T]:
    """What ``table`` says of the lines that ``sentence`` is, holds or is part of: the splitter
    may cut a section's joined text where the lines were not cut ("...Norwich Union 60m. The
    pair..." stays one sentence), so a line's sources and problems are found by containment."""
    if sentence in table:
        return [table[sentence]]
    return [
        value
        for line, value in table.items()
        if len(line) >= MIN_MATCHED_LINE and (line in sentence or sentence in line)
    ]


def _quote_marks(text: str) -> int:
    return sum(text.count(mark) for mark in '"“”')


class Sources:
    """One article's sentences as a briefing cites them."""

    def __init__(self, text: str, notes: list[str] | None = None) -> None:
        self.text = text
        self.sentences: Sequence[str] = article_sentences(text)
        self.cites: dict[str, list[int]] = {}  # a written sentence -> the article sentence ids it cites
        self.problems: dict[str, str] = {}  # a written line -> its problem kind (retell.py)
        self.notes = notes if notes is not None else []  # the briefing's notes, shared

    @functools.cached_property
    def _ranking(self) -> Ranking:
        """The extractive engine's ranking of the article's sentences, computed once."""
        return score_sentences(list(self.sentences))

    @functools.cached_property
    def candidates(self) -> list[int]:
        """The article sentence ids a citing section may name, in article order."""
        if len(self.sentences) <= CITE_CANDIDATES:
            return list(range(len(self.sentences)))
        return select_ranked(self._ranking, CITE_CANDIDATES)

    @functools.cached_property
    def retell_pool(self) -> list[int]:
        """The article sentence ids a retelling section may be given: more than a citing section
        may name, as the ones that shorten by deletion come first (retell.py); none that is a
        piece of a quotation (its speaker is named in another sentence)."""
        if len(self.sentences) <= retell.POOL:
            pool = list(range(len(self.sentences)))
        else:
            pool = select_ranked(self._ranking, retell.POOL)
        return [i for i in pool if i not in self.quoted]

    @functools.cached_property
    def quoted(self) -> set[int]:
        """The sentences that open, close or lie inside a quotation running over several sentences
        ('"Me and Gethin are quite young so ...' in a paragraph that quotes Jones): retold, they
        speak in the first person or give the speaker's view as the briefing's own (v12)."""
        found, cursor = set(), 0
        for i, sentence in enumerate(self.sentences):
            at = self.text.find(sentence[:40], cursor)
            if at < 0:
                continue
            cursor = at
            paragraph = self.text.rfind("\n", 0, at) + 1
            if _quote_marks(self.text[paragraph:at]) % 2 or _quote_marks(sentence) % 2:
                found.add(i)
        return found

    @functools.cached_property
    def centrality(self) -> dict[int, float]:
        """Each article sentence's centrality (its TextRank score)."""
        return {s: float(self._ranking.scores[i]) for i, s in enumerate(self._ranking.candidates)}

    def numbered(self) -> str:
        """The candidates, numbered as in the article, for the prompt of a citing section."""
        listed = "\n".join(f"[{i + 1}] {smart_quotes(self.sentences[i])}" for i in self.candidates)
        return f"NUMBERED SENTENCES (the article's main ones, in order):\n{listed}"

    def record(self, line: str, ids: list[int]) -> None:
        """``line`` rests on ``ids``; a repeated line keeps the sources it was first given."""
        for sentence in split_sentences(line) or [line]:
            self.cites.setdefault(sentence, ids)

    def rested_on(self, accepted: Iterable[str]) -> set[int]:
        """The article sentence ids that the sentences already in the briefing cite."""
        return {n for s in accepted for n in self.cites.get(s, [])}

    def taken(self, accepted: Sequence[str]) -> set[int]:
        """The sentences a retelling must not be given: what an earlier item rests on, or would
        repeat once shortened (the lead, restated lower down, made a takeaway that repeated a
        key point)."""
        return self.rested_on(accepted) | {
            i
            for i in self.retell_pool
            if any(repeats(compress(self.sentences[i]) or self.sentences[i], s) for s in accepted)
        }

    def shown(self, accepted: Iterable[str]) -> list[int]:
        """The numbers a citing call may name: a sentence another item already rests on would
        make a repeat (the takeaway restating the key points' lead), so later calls name only the
        others while enough are left."""
        taken = self.rested_on(accepted)
        fresh = [i for i in self.candidates if i not in taken]
        return [i + 1 for i in (fresh if len(fresh) >= retell.MIN_FRESH else self.candidates)]

    def uncite(self, item: Any) -> Any:
        """The text of a cited item, its sources remembered per sentence (so that they survive a
        repair that drops another sentence of the paragraph)."""
        if not isinstance(item, dict) or "sentences" not in item:
            return item
        written = unlinked(next(v for k, v in item.items() if k != "sentences"))
        shown = set(self.candidates)
        ids = [n - 1 for n in dict.fromkeys(item["sentences"]) if n - 1 in shown]
        if ids:  # the model's line only if it rewords nothing of its sources (retell.py)
            kept = retell.kept_to_sources(written, [self.sentences[i] for i in ids])
            if kept is None:
                self.problems[written] = "reworded"
            elif unlinked(kept) != written:
                self.notes.append(f"a point that reworded sentence {ids[0] + 1} is now its own words")
                written, ids = unlinked(kept), ids[:1]  # it is that sentence's words only
            else:
                ids = [ids[k] for k in retell.resting_on(written, [self.sentences[i] for i in ids])]
        if ids:
            self.record(written, ids)
        return written

    def cite_top_ups(self, answer: BaseModel) -> None:
        """A topped-up key point names no sentence: it is kept only as a shortening of one of the
        numbered sentences, which it then cites (an uncited one invented "a neutral stance")."""
        for items in answer.model_dump().values():
            for item in items if isinstance(items, list) else [items]:
                ids = [i for i in self.candidates if faithful(item, self.sentences[i])][:1]
                if ids:
                    self.cites.setdefault(item, ids)
                else:
                    self.problems[item] = "reworded"

    def rename(self, changed: dict[str, str]) -> None:
        """Lines rewritten after they were recorded (names.py) keep their sources and problems."""
        for table in (self.cites, self.problems):
            for old, new in changed.items():
                for line in [line for line in table if old in line]:
                    table.setdefault(line.replace(old, new, 1), table[line])

    def cites_of(self, text: str) -> list[int]:
        """The article sentence ids that the sentences of ``text`` named as their sources."""
        return sorted(
            {n for s in split_sentences(text) or [text] for ids in lines_in(self.cites, s) for n in ids}
        )

    def cites_in(self, briefing: Any) -> dict[str, list[int]]:
        """``{"key_points[0]": [3, 4], ...}``: every text of ``briefing`` whose sentences named their
        sources."""
        return {path: ids for path, text in shape.walk(briefing) if (ids := self.cites_of(text))}

    def problems_of(self, sentence: str) -> list[str]:
        """The problem kinds found for ``sentence`` while its section was unpacked."""
        return list(dict.fromkeys(lines_in(self.problems, sentence)))
