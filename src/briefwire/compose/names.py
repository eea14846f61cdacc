"""A name a briefing uses before saying whom it means gets the article's full form there, and
what the article says it is.

A news article names a person in full once ("Catalina Sandino Moreno", "Dr Brian Gibbons") and by
surname after ("Moreno", "Dr Gibbons"). A briefing picks sentences from anywhere in the article,
so its first mention is often a surname the reader has never seen (one kind of the readers'
most common note on the writer tables, "unintroduced:" in data/writer-eval). The first time a
briefing says a surname, it is replaced by the article's full form of it. Only where that is
safe: the article gives exactly one full form ending in that word, gives it before the bare word,
and the full form is no place or nationality ("South Korea" for "Korea", "New York" for "York",
"Swiss Xstrata"); a name after a determiner ("the League") is no person's surname.

Then, at a name's first mention, the briefing says who or what it is in the article's words
(``describe``): the aside its cited sentence gives it right after the name, where a shortening
took that aside out and the line goes on as the sentence did ("said KK Mittal, a fund manager
with Escorts Mutual Fund in New Delhi"), else the role the article puts before the full name
elsewhere ("Tory leader Michael Howard"). Never one that would make a retelling a copy of its
sentence, and none where the line has a role, determiner or list before the name already.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from briefwire import shape
from briefwire.compose.quality import copies, words
from briefwire.ground.lexicon import ALIASES
from briefwire.lexicon import HONORIFICS, MONTHS, WEEKDAYS, trim
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
    forms = full_forms(article)
    return _rewrite_in(data, lambda lines: introduce(lines, forms, known=[data.get("headline") or ""]))


def _rewrite_in(data: dict, rewrite: Callable[[list[str]], dict[str, str]]) -> dict[str, str]:
    """Apply ``rewrite`` to the sentences of a dumped briefing below its headline, in reading
    order, and put the changed ones back in place."""
    texts = [(path, text) for path, text in shape.walk(data) if path != "headline"]
    changed = rewrite([s for _, text in texts for s in split_sentences(text)])
    for path, text in texts:
        new = text
        for old in split_sentences(text):
            if old in changed:
                new = new.replace(old, changed[old], 1)
        if new != text:
            shape.put(data, path, new)
    return changed


# What the article says a name is, given with it at the briefing's first mention of that name.
# A deletion (compress.py) takes out the aside that says who someone is ("KK Mittal, a fund
# manager with Escorts Mutual Fund in New Delhi"), and a line from lower in the article uses the
# name the article introduced higher up ("Tory leader Michael Howard"): of the readers' notes on
# v14, a person "with no role" came 5 times, 3 of them from such a deletion.
MAX_DESCRIPTION_WORDS = 14
MAX_DESCRIBED_LINE_WORDS = 45
_QUOTE_MARKS = frozenset('"“”‘’')
_CALENDAR = frozenset(MONTHS + WEEKDAYS)  # "In November singer Brian Harvey": a time, no role


@dataclass(frozen=True)
class Description:
    """A name and what the article says it is: an aside after it, or a role before it."""

    name: str  # "KK Mittal", "Michael Howard"
    text: str  # "a fund manager with Escorts Mutual Fund in New Delhi", "Tory leader"
    before: bool  # a role before the name rather than an aside after it
    initial: bool = False  # the role opened its sentence, so its first word's case says nothing
    follows: str = ""  # the word after an aside in its sentence ("" at the sentence's end)


def _name_start(doc, head: int) -> int:
    """The first token of the proper-noun run that ends at ``head``."""
    k = head
    while k > 0 and doc[k - 1].pos_ == "PROPN" and doc[k - 1].text[0].isalpha():
        k -= 1
    return k


def asides(sentence: str) -> list[Description]:
    """The names ``sentence`` describes between commas right after them: an appositive that is no
    name itself ("Bill Simmelink, general manager of TI's Voip business, said") or a "who" clause
    ("Peter Tom, who will remain as Aggregate chief executive, said")."""
    doc = parse(sentence)
    end = len(doc) - 1 if doc[len(doc) - 1].is_punct else len(doc)
    found = []
    for t in doc:
        sub = list(t.subtree)
        lo, hi = sub[0].i, sub[-1].i
        describes = (t.dep_ == "appos" and t.pos_ != "PROPN") or (
            t.dep_ == "relcl" and doc[lo].lower_ in {"who", "whose"}
        )
        head = t.head
        if (
            not describes
            or head.pos_ != "PROPN"
            or lo < 2
            or doc[lo - 1].text != ","
            or doc[lo - 2].i != head.i
            or not (hi + 1 >= end or doc[hi + 1].text == ",")
            or hi - lo + 1 > MAX_DESCRIPTION_WORDS
            or any(x.text in _QUOTE_MARKS for x in sub)
        ):
            continue
        name = doc[_name_start(doc, head.i) : head.i + 1].text
        follows = doc[hi + 2].text if hi + 2 < end else ""
        found.append(Description(name, doc[lo : hi + 1].text, before=False, follows=follows))
    return found


def _modifies(word, last: int) -> bool:
    return (
        word.pos_ in {"NOUN", "PROPN", "ADJ"}
        and word.dep_ in {"compound", "amod", "nmod"}
        and word.i < word.head.i <= last
    )


def roles(sentence: str) -> list[Description]:
    """The people ``sentence`` names in full with a role before the name ("Tory leader Michael
    Howard", "Former Santander chief executive Angel Corcostegui"): words that modify the name,
    one of them a common noun, no determiner, number or quotation among them."""
    doc = parse(sentence)
    found = []
    for t in doc:
        if t.pos_ != "PROPN" or (t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN"):
            continue
        start = _name_start(doc, t.i)
        name = doc[start : t.i + 1]
        words = [w.text for w in name]
        if not 2 <= len(words) <= MAX_NAME_WORDS or not all(_looks_like_name(w) for w in words):
            continue
        k = start
        # a word modifying a later word of the role or the name ("Former", "Santander", "chief")
        while k > 0 and _modifies(doc[k - 1], t.i):
            k -= 1
        role = doc[k:start]
        left = doc[k - 1] if k > 0 else None
        if left is not None and (left.pos_ in {"NOUN", "PROPN", "ADJ"} or left.dep_ in {"compound", "amod"}):
            continue  # a misparse left part of the role out ("Harbour" of "Harbour master")
        if (
            len(role)
            and len(role) <= MAX_DESCRIPTION_WORDS // 2
            and any(w.pos_ == "NOUN" for w in role)
            and not any(w.like_num or w.text in _QUOTE_MARKS or w.lower_ in _CALENDAR for w in role)
        ):
            initial = k == 0 and role[0].tag_ not in {"NNP", "NNPS"}
            found.append(Description(name.text, role.text, before=True, initial=initial))
    return found


def _quoted_at(line: str, at: int) -> bool:
    return sum(line[:at].count(mark) for mark in '"“”') % 2 == 1


def _placed(line: str, found: re.Match, d: Description, article: str, lower: set[str]) -> str | None:
    """``line`` with ``d`` given at the name ``found``, or None where it does not fit there: the
    name is quoted, already described, or part of a phrase ("the Tory leader's", "Howard and").
    ``article``: its text; ``lower``: its words in lower case, which a sentence-initial role may take."""
    start, end = found.span()
    before, after = line[:start], line[end:]
    if _quoted_at(line, start) or d.text in line:
        return None
    if d.before:
        if not before.strip():
            return f"{d.text[:1].upper()}{d.text[1:]} {line}"
        # "to actor Ossie Davis", as the article has it (misparsed "actor" as a verb): a role already
        if not _open_before(line, start) or f" {before.split()[-1]} {found[0]}" in article:
            return None
        first, _, rest = d.text.partition(" ")
        if d.initial and first.lower() in lower:
            first = first.lower()
        return f"{before}{' '.join(w for w in (first, rest) if w)} {line[start:]}"
    # An aside goes back only where the line goes on as its sentence did after it: what a
    # deletion took out, not a description wedged into another construction.
    if not d.follows and re.fullmatch(r"[.!?]", after.strip()):
        return f"{line[:end]}, {d.text}{after.strip()}"
    if d.follows and re.match(rf"\s+{re.escape(d.follows)}\b", after):
        return f"{line[:end]}, {d.text},{after}"
    return None


def _open_before(line: str, start: int) -> bool:
    """Whether a role may go before the name at ``start``: the word before it is no noun,
    adjective, determiner or possessive ("Oscar nominee Alan Alda", "Tottenham's boss Martin Jol"
    have one) and the name is no later item of a list."""
    doc = parse(line)
    at = next((t.i for t in doc if t.idx == start), None)
    if at is None:  # the name starts inside a token: no place for a role
        return False
    if at == 0:
        return True
    previous = doc[at - 1]
    if previous.text == ",":
        return False  # "nominees Clive Owen, Imelda Staunton": a list's item
    return previous.pos_ not in {"NOUN", "PROPN", "ADJ", "NUM", "DET", "PRON"} and previous.tag_ != "POS"


def describe(
    lines: Iterable[str],
    cites_of: Callable[[str], list[int]],
    article: Sequence[str],
    retold: Collection[str] = (),
) -> dict[str, str]:
    """Each line (in briefing order) that changes -> its new text: at a name's first mention, the
    aside that its cited sentence gives it, else the role the article gives it before the name.
    A line of ``retold`` (a retelling, which must not copy) gets none that makes it its sentence."""
    roles_of: dict[str, Description] = {}
    for sentence in article:
        for d in roles(sentence):
            roles_of.setdefault(d.name, d)
    asides_of = [asides(sentence) for sentence in article]
    text = " ".join(article)
    lower = set(_WORD.findall(text))
    seen: set[str] = set()
    changed: dict[str, str] = {}
    for line in lines:
        cites = [i for i in cites_of(line) if 0 <= i < len(article)]
        cited = [d for i in cites for d in asides_of[i]]
        new = line
        for d in [*cited, *roles_of.values()]:
            surname = d.name.split()[-1]
            if surname in seen:
                continue
            found = re.search(rf"(?<![\w-]){re.escape(d.name)}(?![\w-])", new)
            placed = _placed(new, found, d, text, lower) if found else None
            copy = line in retold and placed and any(copies(words(placed), words(article[i])) for i in cites)
            if placed and not copy and len(placed.split()) <= MAX_DESCRIBED_LINE_WORDS:
                new = placed
                seen.add(surname)
        seen.update(_words(new))
        if new != line:
            changed[line] = new
    return changed


def describe_in(data: dict, article: Sequence[str], cites_of: Callable[[str], list[int]]) -> dict[str, str]:
    """Describe the names of a dumped briefing (``data``, changed in place) at their first
    mention below the headline; returns each changed sentence -> its new text."""
    retold = {
        s for path, text in shape.walk(data) if path != "headline" and shape.field(path).retells
        for s in split_sentences(text)
    }  # fmt: skip
    return _rewrite_in(data, lambda lines: describe(lines, cites_of, article, retold))
