"""English word lists shared by every stage that reads text: ingest, extractive, ground and store.

Only lists about English news in general live here: stop words, forms of address, the small
words inside names, calendar names. A list one stage alone needs stays with it (grounding's
aliases, negation cues and number words are in ``ground/lexicon.py``). The three name finders
(``ground/index``, ``extractive/annotate``, ``store/terms``) each keep their own algorithm and
share these lists and ``trim``.

Imports nothing from briefwire, so any module may import it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")  # fmt: skip

# Forms of address before a personal name ("Ms Okafor", "Sir Steve Redgrave"): not part of the name.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "dame", "prof", "rev", "rt"})
# The short ones are so frequent in news that they say nothing about a story's topic.
ABBREVIATED_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr"})

# Lower-case words that join the parts of one name: "Bank of England", "Jeroen van der Veer",
# "Osama bin Laden", "Procter & Gamble".
NAME_CONNECTORS = frozenset(
    {"of", "de", "van", "der", "von", "la", "le", "du", "del", "da", "bin", "al", "&"}
)

# Reporting verbs: in nearly every news sentence, so they say nothing about its topic.
REPORTING_VERBS = frozenset({"said", "says", "say", "told", "added"})


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words: function words that carry no topic (326 of them)."""
    # Imported on first use: even the bare word list costs about half a second to import.
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@lru_cache(maxsize=1)
def news_stop_words() -> frozenset[str]:
    """Stop words plus the reporting verbs and short forms of address of every news story."""
    return stop_words() | REPORTING_VERBS | ABBREVIATED_HONORIFICS


def _never(_word: str) -> bool:
    return False


def trim(
    words: Sequence[str],
    drop_leading: Callable[[str], bool] = _never,
    drop_trailing: Callable[[str], bool] = _never,
) -> tuple[int, int]:
    """Bounds ``(start, end)`` of ``words`` once the leading words that ``drop_leading`` accepts
    and the trailing ones ``drop_trailing`` accepts are cut: a name without its "Mr" or its
    dangling "of". ``start == end`` when nothing is left."""
    start, end = 0, len(words)
    while start < end and drop_leading(words[start]):
        start += 1
    while end > start and drop_trailing(words[end - 1]):
        end -= 1
    return start, end
