"""A name a briefing uses before saying whom it means gets the article's full form there.

A news article names a person in full once ("Catalina Sandino Moreno", "Dr Brian Gibbons") and by
surname after ("Moreno", "Dr Gibbons"). A briefing picks sentences from anywhere in the article,
so its first mention is often a surname the reader has never seen (one kind of the readers'
most common note on the writer tables, "unintroduced:" in data/writer-eval). The first time a
briefing says a surname, it is replaced by the article's full form of it. Only where that is
safe: the article gives exactly one full form ending in that word, gives it before the bare word,
and the full form is no place or nationality ("South Korea" for "Korea", "New York" for "York",
"Swiss Xstrata"); a name after a determiner ("the League") is no person's surname.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from briefwire import shape
from briefwire.ground.lexicon import ALIASES
from briefwire.lexicon import HONORIFICS, trim
from briefwire.text import parse, split_sentences

# A first word that makes a longer name a place or a body, not a person's given name.
PLACE_WORDS = frozenset(
    "north south east west northern southern eastern western central upper lower greater new old "
    "great little latin saint st san santa los las la le el port fort mount lake cape".split()
)
MAX_NAME_WORDS = 4
# Titles a full name does without ("Tony Blair", not "Mr Tony Blair"); others say who one is.
PLAIN_TITLES = frozenset({"mr", "mrs", "ms", "miss"})


@dataclass(frozen=True)
class _Run:
    """Consecutive proper nouns in a text: where they are, and their words."""

    start: int  # character offsets in the text
    end: int
    words: tuple[str, ...]
    after_determiner: bool  # "the League", "a Labour": not a person's name

    @property
    def bare(self) -> tuple[str, ...]:
        """The words without a leading title ("Dr Brian Gibbons" -> "Brian Gibbons")."""
        start, _ = trim(self.words[:-1], _is_title)  # the last word is the name, whatever it is
        return self.words[start:]


_NAME_WORD = re.compile(r"(?:Mc|Mac|O')?[A-ZÀ-Þ][a-zß-ÿ]+(?:-[A-ZÀ-Þ][a-zß-ÿ]+)*")
_WORD = re.compile(r"[\w-]+(?:'[\w-]+)?")


def _words(text: str) -> set[str]:
    """The words of ``text``, with and without an apostrophe's tail ("Okafor's": "Okafor" too)."""
    return {w for word in _WORD.findall(text) for w in (word, word.split("'")[0])}


def _is_title(word: str) -> bool:
    return word.lower().rstrip(".") in HONORIFICS


def _looks_like_name(word: str) -> bool:
    return bool(_NAME_WORD.fullmatch(word))


def _runs(text: str) -> list[_Run]:
    doc = parse(text)
    runs: list[_Run] = []
    k = 0
    while k < len(doc):
        if doc[k].pos_ != "PROPN" or not doc[k].text[0].isalpha():
            k += 1
            continue
        j = k
        # "Kilroy-Silk" is three tokens, one word
        while j + 1 < len(doc) and (
            (doc[j + 1].pos_ == "PROPN" and doc[j + 1].text[0].isalpha())
            or (doc[j + 1].text == "-" and not doc[j].whitespace_ and not doc[j + 1].whitespace_)
        ):
            j += 1
        while j > k and doc[j].text == "-":
            j -= 1
        # "Chairman Lord Holme", "Canterbury Dr Rowan Williams": the name starts at its title.
        titled = [i for i in range(k + 1, j) if _is_title(doc[i].text) and not _is_title(doc[i - 1].text)]
        k = titled[-1] if titled else k
        start, end = doc[k].idx, doc[j].idx + len(doc[j].text)
        runs.append(_Run(start, end, tuple(text[start:end].split()), k > 0 and doc[k - 1].pos_ == "DET"))
        k = j + 1
    return runs


def full_forms(sentences: Sequence[str]) -> dict[str, str]:
    """Surname -> the article's full form of it (title included as the article gives it), for the
    surnames that can be filled in safely (the module's docstring)."""
    forms: dict[str, list[str]] = {}  # surname -> distinct full forms without titles, in order
    first_full: dict[str, int] = {}
    first_bare: dict[str, int] = {}
    shown: dict[str, str] = {}
    position = 0
    for sentence in sentences:
        for run in _runs(sentence):
            position += 1
            surname = run.words[-1]
            if not _looks_like_name(surname):
                continue
            bare = run.bare
            if len(bare) == 1:
                first_bare.setdefault(surname, position)
            elif len(bare) <= MAX_NAME_WORDS and all(_looks_like_name(w) for w in bare):
                name = " ".join(bare)
                if name not in forms.setdefault(surname, []):
                    forms[surname].append(name)
                first_full.setdefault(surname, position)
                shown.setdefault(surname, sentence[run.start : run.end])
    return {
        surname: shown[surname]
        for surname, names in forms.items()
        if len(names) == 1
        and names[0].split()[0].lower() not in PLACE_WORDS
        and names[0].split()[0].lower() not in ALIASES  # "Swiss Xstrata", "Saudi Arabia"
        and first_full[surname] < first_bare.get(surname, first_full[surname] + 1)
    }


def _with_title(run: _Run, full: str) -> str:
    """The full form, keeping a title the line gives and the article's full form lacks: "Dr Fox"
    becomes "Dr Liam Fox", not "Liam Fox"; "Mr Blair" becomes "Tony Blair" (news style)."""
    titles = run.words[: len(run.words) - len(run.bare)]
    if _is_title(full.split()[0]):
        return full
    kept = [t for t in titles if t.lower().rstrip(".") not in PLAIN_TITLES]
    return " ".join([*kept, full])


def introduce(lines: Iterable[str], forms: dict[str, str], known: Iterable[str] = ()) -> dict[str, str]:
    """Each line (in briefing order) that changes -> its new text: a surname's first mention
    becomes the full form. ``known``: lines already in the briefing, whose names are introduced."""
    introduced = {word for line in known for word in _words(line)}
    changed: dict[str, str] = {}
    for line in lines:
        runs = _runs(line)
        first_in_line: dict[str, _Run] = {}
        for run in runs:
            first_in_line.setdefault(run.words[-1], run)
        new = line
        for run in reversed(runs):  # from the end, so earlier offsets stay right
            surname = run.words[-1]
            first = surname not in introduced and first_in_line[surname] is run
            if first and len(run.bare) == 1 and not run.after_determiner and surname in forms:
                new = new[: run.start] + _with_title(run, forms[surname]) + new[run.end :]
        introduced.update(_words(new))
        if new != line:
            changed[line] = new
    return changed


def introduce_in(data: dict, article: Sequence[str]) -> dict[str, str]:
    """Introduce the names of a dumped briefing (``data``, changed in place) in reading order, the
    headline's names counting as introduced (it is the article's title or lead). Returns each
    changed sentence -> its new text, for re-keying what was recorded of the old one."""
    texts = [(path, text) for path, text in shape.walk(data) if path != "headline"]
    sentences = [s for _, text in texts for s in split_sentences(text)]
    changed = introduce(sentences, full_forms(article), known=[data.get("headline") or ""])
    for path, text in texts:
        new = text
        for old in split_sentences(text):
            if old in changed:
                new = new.replace(old, changed[old], 1)
        if new != text:
            shape.put(data, path, new)
    return changed
