"""Retelling given sentences: the narrative and the key takeaway.

Written from the whole article, a small model swaps roles, puts numbers on the wrong thing and
invents links (64% of narrative sentences false on unseen articles). Shortening one named
sentence, as the key points do, it errs far less. So for these sections the composer picks the
sentences (the article's most central ones that no key point rests on), the model shortens each
within a word limit it is shown, and a grammar caps each retelling below its sentence's length:
asked only for "fewer words", the model copied them whole. A retelling that runs into its cap
was made to end there, mid-phrase, and counts as cut off.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, TypeAdapter

from briefwire.compose.quality import content_words
from briefwire.compose.repair import is_valid
from briefwire.compose.sections import KeyPoint, one_sentence_pattern
from briefwire.ground.relations import looks_ahead
from briefwire.text import smart_quotes

# A given sentence is shortened to this share of its words (the limit the model is shown) and
# may take at most CHAR_SHARE of its characters.
WORD_SHARE = 0.7
CHAR_SHARE = 0.9
MIN_WORDS = 6
MIN_CHARS, MAX_CHARS = 40, 280  # a cap never below or above these (a key point's maximum)
AT_CAP = 3  # a retelling within this many characters of its cap ran into it
# Shorter sentences are not given ("the advert said."), unless no candidate is longer.
MIN_GIVEN_WORDS = 8
# The takeaway prefers a sentence with room to shorten: under a 7-word limit, the model ran into
# the cap of a 10-word sentence ("For households, a quarter-point cut to interest.").
TAKEAWAY_MIN_WORDS = 14
# Fewer candidates than this that no earlier item rests on, and any of them may be given (or,
# for a citing section, named) again.
MIN_FRESH = 2
# A retelling shares at least this many content words with its sentence.
MIN_SHARED_WORDS = 2

_SENTENCE = TypeAdapter(KeyPoint)


def word_limit(sentence: str) -> int:
    return max(MIN_WORDS, round(WORD_SHARE * len(sentence.split())))


def char_cap(sentence: str) -> int:
    return min(MAX_CHARS, max(MIN_CHARS, int(CHAR_SHARE * len(smart_quotes(sentence)))))


def retells(line: str, sentence: str) -> bool:
    """Whether ``line`` shares content words with the sentence it should retell: a model that
    wrote its instruction back ("One complete sentence within the word limit...") did not."""
    return len(content_words(line) & content_words(sentence)) >= MIN_SHARED_WORDS


def pick(
    sentences: Sequence[str],
    candidates: Sequence[int],
    centrality: dict[int, float],
    taken: Collection[int],
    count: int,
) -> list[int]:
    """The ``count`` most central candidates no earlier item rests on, in article order; for a
    single one (the takeaway), one with room to shorten that says what happens next if there is
    one."""
    usable = [i for i in candidates if len(sentences[i].split()) >= MIN_GIVEN_WORDS] or list(candidates)
    fresh = [i for i in usable if i not in taken]
    pool = fresh if len(fresh) >= min(count, MIN_FRESH) else usable
    ranked = sorted(pool, key=lambda i: -centrality.get(i, 0.0))
    if count == 1:  # stable sorts: the most central first within each kind
        ranked.sort(key=lambda i: not looks_ahead(sentences[i]))
        ranked.sort(key=lambda i: len(sentences[i].split()) < TAKEAWAY_MIN_WORDS)
    return sorted(ranked[:count])


def instruction(task: str, sentences: Sequence[str], given: Sequence[int]) -> str:
    """The task, then the given sentences, numbered as the article's, each with its word limit."""
    listed = "\n".join(
        f"[{i + 1}] (at most {word_limit(sentences[i])} words) {smart_quotes(sentences[i])}" for i in given
    )
    return f"{task}\nARTICLE SENTENCES:\n{listed}"


def schema(title: str, sentences: Sequence[str], given: Sequence[int]) -> dict:
    """One string per given sentence, each capped below the length of the sentence it retells."""
    # The pattern counts what lies between the first and the last character.
    items = [
        {"type": "string", "pattern": one_sentence_pattern(28, char_cap(sentences[i]) - 2)} for i in given
    ]
    retold = {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}
    return {"title": title, "type": "object", "properties": {"retold": retold}, "required": ["retold"]}


@dataclass
class Retold:
    """What an answer made of the given sentences."""

    output: BaseModel | str  # the section's output, or why there is none
    cites: dict[str, list[int]] = field(default_factory=dict)  # retelling -> the id it retells
    # Retellings that fail a check only the given sentence allows, by problem kind: "cut_off"
    # (ran into the cap) or "unrelated" (shares too few words with its sentence).
    problems: dict[str, str] = field(default_factory=dict)


def parse(text: str, output: type[BaseModel], sentences: Sequence[str], given: Sequence[int]) -> Retold:
    """The retellings as ``output``: the takeaway, or paragraphs of them (two, when there are more
    than three). A retelling that is no valid sentence is left out."""
    try:
        answer = json.loads(text)["retold"]
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        return Retold(f"invalid or truncated JSON ({err})")
    done = Retold("no valid retelling")
    kept: list[str] = []
    for i, line in zip(given, answer, strict=False):
        if not isinstance(line, str) or not is_valid(_SENTENCE, line := line.strip()):
            continue
        done.cites.setdefault(line, [i])
        if len(line) >= char_cap(sentences[i]) - AT_CAP:
            done.problems[line] = "cut_off"
        elif not retells(line, sentences[i]):
            done.problems[line] = "unrelated"
        kept.append(line)
    if not kept:
        return done
    if "key_takeaway" in output.model_fields:
        done.output = output.model_validate({"key_takeaway": kept[0]})
    else:
        half = (len(kept) + 1) // 2 if len(kept) > 3 else len(kept)
        paragraphs = [" ".join(kept[:half]), " ".join(kept[half:])]
        done.output = output.model_validate({"paragraphs": [p for p in paragraphs if p]})
    return done
