"""Content checks on generated text: what a schema cannot catch.

A JSON-valid answer can still be bad writing: a sentence cut off, the same
sentence twice, a "rewrite" that copies the source. Each check returns
problems as plain strings so the composer can retry and, if all retries fail,
tell the user exactly what is wrong.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from briefwire.text import english_words, plain_quotes, split_sentences

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    (
        "a an the and or but of to in on at for with by from as is are was were be been being it "
        "its this that these those he she they we you i his her their our your has have had will "
        "would can could should may might not no also than then there here which who whom what "
        "when where why how into over after before about said says more most other such only very "
        "just so if"
    ).split()
)
_LETTERS = re.compile(r"[A-Za-z]+")
_JOINED = re.compile(r"\b[A-Za-z]+[a-z][A-Z][A-Za-z]+\b")  # a capital inside a word: "MrEbbers"
# Two words joined at a full stop: "Mr.brown" (the article's "Mr Brown"), "Hollywood.iko" or
# "2029.energy" (a stray fragment). Initialisms ("U.S") and decimals do not match; the article's
# own ("bbc.co.uk") are kept.
_DOTTED = re.compile(r"\b([A-Za-z][a-z]+|\d+)\.([a-z][A-Za-z]*)\b")
# Two or more capitalised words in a row: a name or a title ("Lost In Translation", "Mr Blair").
_NAME_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)+")
# A dash before the final stop opened an aside that is gone: "streamline its operations -." (v12)
_DANGLING_DASH = re.compile(r"[-–—]\s*[.!?][”’\")\]]*$")
_TERMINAL = re.compile(r"[.!?][”’\")\]]*$")
# A lone small letter before the final stop ("would be b.") is a word the schema cut short (a
# capital one may be a name: "Plan B."); so is a clause mark before it ("Japan Airlines,!").
_STRAY_LETTER = re.compile(r"(?<![\w.])[b-hj-z][.!?][”’\")\]]*$|[,;:][.!?]$")
# A sentence that "ends" on one of these was cut: the schema forced punctuation mid-phrase.
_DANGLING = frozenset(
    ("the a an and or but of to in on at for with by from as that which its their his her both").split()
)

# Two sentences sharing this share of content words say the same thing.
NEAR_DUPLICATE_JACCARD = 0.7
# A retelling restates an earlier sentence when this share of its content words, and at least
# RESTATED_WORDS of them, are in it ("Man to Man opens the German festival on 10 February." after
# the key point "The German festival opens Man To Man, a historical epic ..."; "Mr Ebbers has
# denied all the charges." after "Mr Ebbers has denied multiple charges of conspiracy and fraud.",
# v15: three words of four). At 3 rather than 4, 3 more narrative lines of every labelled table
# count as repeats, 2 of them noted as restating by the readers.
RESTATED_SHARE = 2 / 3
RESTATED_WORDS = 3
# A narrative sentence copies a source sentence when it repeats most of it word for word (this
# share of its words in one run), or keeps nearly all of its words in order (KEPT_SHARE: "The
# WMA format includes ..." for "The WMA format also includes ..."). Close paraphrase and the
# article's own wording are welcome.
COPY_SHARE = 0.8
KEPT_SHARE = 0.9
# An item of the deep dive's analysis that takes this share of its own words, in order, from one
# article sentence restates that sentence instead of analysing it: read by hand (dd1), all 12 such
# items were a plain fact under a heading it did not fit ("Police are still searching for
# Ferguson …" as a resolution) or were false.
RESTATED_SHARE = 0.7
# Analysis is for the story's actors; an item that speaks to the reader ("If you're interested in
# becoming a nominee, prepare well") is advice for nobody in it.
_TO_THE_READER = re.compile(r"\byou(?:r|rs|rself|'re|'ll|'ve|'d)?\b", re.IGNORECASE)
# How close (difflib ratio) an unknown word must be to an article word to count as its misspelling.
TYPO_SIMILARITY = 0.8
# Endings that make another form of a word: what may follow an article word in a word that is
# no misspelling of it.
INFLECTIONS = frozenset(
    "s es d ed ing er ers est ly y ies ied ment ments ness ion ions al ally ism ist ists ian ians "
    "ity ive ives ise ised ises ize ized izes ship ships able ful".split()
)
# Words of analysis that fit any story: an item whose only links to the article are these (and
# stop words) names no actor, place or measure of it ("Focus on quality over quantity").
_GENERIC = frozenset(
    (
        "focus quality quantity improve improving improved improvement skills work working ensure "
        "stakeholders communication communicate transparency transparent collaboration collaborate "
        "strategy strategies measures situation issue issues impact impacts effort efforts approach "
        "public people person community communities government governments authorities officials "
        "industry sector market markets company companies organisation organisations organization "
        "organizations business businesses policy policies future term long short plan plans "
        "planning growth development developments change changes challenge challenges opportunity "
        "opportunities risk risks resources support supporting invest investing investment monitor "
        "monitoring closely consider continue continued increase increased reduce reduced potential "
        "new important better best need needs help key stay informed aware awareness local global "
        "trust confidence decision decisions makers leaders leadership stability economy economic "
        "efficiency effective effectively success successful overall areas area level levels way ways "
        "time times world country countries national international affected others everyone "
        "individuals public-private regular regularly priority priorities prioritise prioritize "
        "maintain maintaining address addressing encourage encouraging promote promoting provide "
        "providing develop developing create creating implement implementing review reviewing"
    ).split()
)


def words(text: str) -> list[str]:
    return _WORD.findall(plain_quotes(text).lower())


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in _STOP and len(w) > 2}


# A speaker's own words, written outside quotation marks: the briefing then speaks as that
# speaker ("... and to our surprise the referee then gave a turnover").
_FIRST_PERSON = re.compile(r"\b(?:I|[Ww]e|[Oo]ur|[Oo]urs|[Uu]s|[Mm]y|[Mm]e)\b")
_QUOTED = re.compile(r"\"[^\"]*\"|(?<!\w)'[^']*'(?!\w)")


def speaks_unquoted(sentence: str) -> bool:
    """Whether ``sentence`` says "I", "we" or "our" outside quotation marks."""
    return bool(_FIRST_PERSON.search(_QUOTED.sub(" ", plain_quotes(sentence))))


# A list's own name before an item ("Pro: The MPAA hopes …", "Recommendation: Parents should …"):
# the model labels items that the briefing already shows under their heading (dd1).
_ITEM_LABEL = re.compile(
    r'(?<=")(?:pros?|cons?|recommendations?|resolutions?|scenarios?|trends?|predictions?|'
    r"(?:practical )?steps?)\s*:\s*(?=[A-Z0-9“‘])",
    re.IGNORECASE,
)


def without_item_labels(answer: str) -> str:
    """A model's JSON answer with each string's leading list label removed."""
    return _ITEM_LABEL.sub("", answer)


def is_cut_off(sentence: str) -> bool:
    """No terminal punctuation, an opening quote/bracket never closed, or a closing quote never
    opened."""
    s = sentence.strip()
    if not _TERMINAL.search(s):
        return True
    tokens = words(s)
    if (tokens and tokens[-1] in _DANGLING) or _STRAY_LETTER.search(s) or _DANGLING_DASH.search(s):
        return True
    # A closing quotation mark never opened: the line begins inside a quotation.
    return s.count("“") != s.count("”") or s.count("(") > s.count(")")


def near_duplicate(a: str, b: str) -> bool:
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return a.strip().lower() == b.strip().lower()
    overlap = len(wa & wb)
    jaccard = overlap / len(wa | wb)
    # Containment alone is not enough: a longer sentence may mention a key point's facts and
    # add its own; it must also share half of all content words to count as a repeat.
    return jaccard >= NEAR_DUPLICATE_JACCARD or (
        min(len(wa), len(wb)) >= 5 and overlap / min(len(wa), len(wb)) >= 0.9 and jaccard >= 0.5
    )


def restates(line: str, earlier: str) -> bool:
    """Whether ``line`` says little that ``earlier`` does not: most of its content words."""
    own = content_words(line)
    shared = len(own & content_words(earlier))
    return shared >= RESTATED_WORDS and shared >= RESTATED_SHARE * len(own)


def repeats(line: str, earlier: str) -> bool:
    """Whether ``line``, a retelling, would repeat ``earlier``."""
    return near_duplicate(line, earlier) or restates(line, earlier)


def copies(line: Sequence[str], source: Sequence[str]) -> bool:
    """Whether the words ``line`` repeat the words ``source`` nearly whole."""
    return longest_shared_run(line, source) >= COPY_SHARE * len(source) or (
        longest_kept(line, source) >= KEPT_SHARE * len(source)
    )


def longest_kept(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of words (dynamic programming, small inputs)."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            cur[j] = prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1])
        prev = cur
    return prev[-1]


def longest_shared_run(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common run of consecutive words (dynamic programming, small inputs)."""
    best = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def _inflects(stem: str, word: str) -> bool:
    """``word`` is ``stem`` with an inflection or derivation ending ("strikers" of "strike") or
    joined to another English word ("straightaway")."""
    if not word.startswith(stem):
        return False
    rest = word[len(stem) :]
    return (
        rest == ""
        or rest in INFLECTIONS
        or rest.lstrip(stem[-1:]) in INFLECTIONS
        or (len(rest) >= 3 and rest in english_words())
    )


@dataclass(frozen=True)
class SourceText:
    """The article, pre-split once for all checks of a briefing."""

    sentences: tuple[tuple[str, ...], ...]
    vocabulary: frozenset[str] = frozenset()
    text: str = ""  # the article itself, for the forms of words it joins or spaces

    @classmethod
    def of(cls, text: str) -> SourceText:
        sents = tuple(tuple(words(s)) for s in split_sentences(text))
        # The letter runs too, as ``misspelt`` reads a line: "O'Herlihy" is one word here and
        # "O", "Herlihy" there (v15 flagged the article's own title as a typo).
        pieces = {w.lower() for w in _LETTERS.findall(plain_quotes(text))}
        return cls(sents, frozenset(w for s in sents for w in s) | pieces, text)

    @functools.cached_property
    def _lowered(self) -> str:
        # Lowered once: every sentence of every section is looked up in it.
        return self.text.lower()

    def _spaced_form(self, first: str, second: str) -> str | None:
        """How the article writes two words that a sentence joined at a full stop ("Mr Brown" for
        "Mr.brown"), or None when it never writes them side by side."""
        pattern = rf"\b{re.escape(first)}\.? {re.escape(second)}\b"
        found = re.search(pattern, self.text, re.IGNORECASE)
        return found.group(0) if found else None

    def respaced(self, text: str) -> str:
        """``text`` with the space restored inside a word that joins two article words at a capital
        ("MrEbbers" for "Mr Ebbers") or at a full stop ("Mr.brown" for "Mr Brown", as the article
        writes them): the repetition sampler (DRY) penalises repeating "Mr Ebbers" and a small model
        then sometimes drops the space instead of the name."""

        def split(match: re.Match[str]) -> str:
            word = match.group(0)
            low = word.lower()
            if low in self.vocabulary or low in english_words():
                return word
            for i in range(2, len(word) - 1):
                if word[i].isupper() and low[:i] in self.vocabulary and low[i:] in self.vocabulary:
                    return f"{word[:i]} {word[i:]}"
            return word

        def unjoin(match: re.Match[str]) -> str:
            if match.group(0).lower() in self._lowered:
                return match.group(0)
            return self._spaced_form(match.group(1), match.group(2)) or match.group(0)

        return _DOTTED.sub(unjoin, _JOINED.sub(split, text))

    @functools.cached_property
    def _names(self) -> tuple[str, ...]:
        """The article's names of two or more capitalised words inside a sentence ("Lost In
        Translation", "Election Court"), lower-cased, that it never writes in lower case."""
        found = set()
        for sentence in split_sentences(self.text):
            rest = plain_quotes(sentence).split(None, 1)[1:]  # a sentence's first word is capitalised anyway
            for run in _NAME_RUN.findall(rest[0] if rest else ""):
                found.add(" ".join(run.split()).lower())
        return tuple(n for n in sorted(found) if not re.search(rf"\b{re.escape(n)}\b", self.text))

    def misspelt(self, sentence: str) -> str | None:
        """A word that is neither the article's nor English but is close to an article word: a
        misspelt name ("Antwr" for "Antwerp"), two words joined at a full stop that the article
        does not write so ("Hollywood.iko"), or a name of the article in lower case ("was lost in
        translation" for the film Lost In Translation). Words merely unknown to the list are left
        alone."""
        for name in self._names:
            if re.search(rf"\b{re.escape(name)}\b", sentence):
                return name
        for joined in _DOTTED.finditer(sentence):
            if joined.group(0).lower() not in self._lowered:
                return joined.group(0)
        for word in _LETTERS.findall(plain_quotes(sentence)):
            low = word.lower()
            if len(low) < 4 or low in self.vocabulary or low in english_words():
                continue
            # Another form of an article word ("quay" for "quays", "strikers" for "strike") is no
            # misspelling; a name with letters after an article word is ("Courtny": "court").
            if any(w.startswith(low) or _inflects(w, low) for w in self.vocabulary if len(w) >= 4):
                continue
            if difflib.get_close_matches(low, self.vocabulary, n=1, cutoff=TYPO_SIMILARITY):
                return word
        return None

    def generic(self, sentence: str) -> bool:
        """True when no word of ``sentence`` ties it to this article: none of its names, figures or
        specific words (another form of one counts: "strikers" for "strike"), only words of
        analysis that would fit any story."""
        for word in content_words(sentence) - _GENERIC:
            if word in self.vocabulary:
                return False
            stem = word[:5]
            if len(stem) == 5 and any(v.startswith(stem) and v not in _GENERIC for v in self.vocabulary):
                return False
        return True

    def restates_article(self, sentence: str) -> bool:
        """True when ``sentence`` keeps RESTATED_SHARE of its words, in order, from one article
        sentence."""
        toks = words(sentence)
        return any(
            len(src) >= 6 and longest_kept(toks, src) >= RESTATED_SHARE * len(toks) for src in self.sentences
        )

    def copied_sentence(self, sentence: str) -> bool:
        toks = words(sentence)
        for src in self.sentences:
            if len(src) < 6:
                continue
            if copies(toks, src):
                return True
        return False


@dataclass(frozen=True)
class Problem:
    path: str  # "narrative.paragraphs[1]"
    # cut_off | voice | duplicate | copy | typo | generic | article_fact | to_reader | unrelated | reworded
    # | leans (retell.py)
    kind: str
    sentence: str  # the offending sentence ("" for whole-section problems)

    def __str__(self) -> str:
        what = {
            "cut_off": "sentence cut off",
            "voice": "speaks as a speaker of the article outside quotation marks",
            "duplicate": "repeats an earlier sentence",
            "copy": "copies a source sentence",
            "typo": "misspells a word",
            "generic": "would fit any story (names nothing of this one)",
            "article_fact": "restates an article sentence instead of analysing it",
            "to_reader": "speaks to the reader, not of the story's people",
            "unrelated": "does not retell the sentence it was given",
            "reworded": "rewords the sentence it was given instead of shortening it",
            "leans": "refers back to something the briefing has not named just before it",
        }[self.kind]
        return f"{self.path}: {what}" + (f": {self.sentence[:60]!r}" if self.sentence else "")


def problems_in(
    fields: dict[str, list[str]],
    *,
    earlier: Iterable[str] = (),
    source: SourceText | None = None,
    rewrite_fields: Iterable[str] = (),
    analytic_fields: Iterable[str] = (),
    reader_fields: Iterable[str] = (),
) -> list[Problem]:
    """All content problems in one section's fields.

    ``fields`` maps a path ("key_points[0]") to its sentences; ``earlier`` holds
    sentences already accepted elsewhere in the briefing; ``rewrite_fields`` are
    the paths that must not copy the source (the narrative); ``analytic_fields`` the paths
    whose items must be about this story (the deep dive's lists); ``reader_fields`` those of them
    that may speak to the reader.
    """
    found: list[Problem] = []
    seen = list(earlier)
    rewrite = set(rewrite_fields)
    analytic = set(analytic_fields)
    for_readers = set(reader_fields)
    for path, sentences in fields.items():
        for sent in sentences:
            if is_cut_off(sent):
                found.append(Problem(path, "cut_off", sent))
            if speaks_unquoted(sent):
                found.append(Problem(path, "voice", sent))
            if any((repeats if path in rewrite else near_duplicate)(sent, s) for s in seen):
                found.append(Problem(path, "duplicate", sent))
            if source is not None and path in rewrite and source.copied_sentence(sent):
                found.append(Problem(path, "copy", sent))
            if source is not None and source.misspelt(sent):
                found.append(Problem(path, "typo", sent))
            if source is not None and path in analytic:
                if source.generic(sent):
                    found.append(Problem(path, "generic", sent))
                elif source.restates_article(sent):
                    found.append(Problem(path, "article_fact", sent))
                elif path not in for_readers and _TO_THE_READER.search(sent):
                    found.append(Problem(path, "to_reader", sent))
            seen.append(sent)
    return found
