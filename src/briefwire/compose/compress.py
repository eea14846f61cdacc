"""Shortening an article sentence by deleting parts of it.

Asked to shorten a sentence, the 1.5B model reworded it, and 40% of its narrative sentences
came out false on unseen articles (roles swapped, a number moved, a hedge lost). A shortening
that only deletes asides keeps the article's own facts: the parse names the asides (a
parenthesis, an appositive, a non-restrictive clause, an opening adverbial, a closing
participle), and what is left is the sentence's main clause in its own words. What must stay
stays: a conditional, an attribution ("according to"), a negation, anything inside a quotation.

What is left is parsed again and must be a clause with its subject (``is_clause``, which
``faithful.py`` also asks of the model's retellings).
"""

from __future__ import annotations

import re
from functools import lru_cache

from briefwire.compose.quality import copies, words
from briefwire.text import parse, plain_quotes

# Opening words that link to the sentence before; alone in a retelling they link to nothing.
OPENING_LINKS = frozenset(
    {"and", "but", "so", "also", "however", "meanwhile", "similarly", "indeed", "yet", "moreover",
     "furthermore", "instead", "nevertheless", "nonetheless", "still", "now", "then", "overall",
     "firstly", "secondly", "thirdly", "finally", "lastly", "additionally", "likewise", "besides"}
)  # fmt: skip
# A link that sets a sentence against the one before it: opening a line of its own (a key point)
# it contrasts with nothing ("But Ms Short said ...", "However, poor ticket sales ...").
# Of the OPENING_LINKS, those that only relate the sentence to the one before (not "now", "then",
# "still", "so", "finally", which may say when or what follows).
RELATING_LINKS = OPENING_LINKS - {"so", "still", "now", "then", "overall", "instead", "firstly", "secondly",
                                  "thirdly", "finally", "lastly"}  # fmt: skip
_LINK_OPENING = re.compile(
    rf"^(?:{'|'.join(sorted(RELATING_LINKS))})\b,?\s+(?=[\"“‘']?[A-Za-z0-9£$€])", re.IGNORECASE
)


def unlinked(line: str) -> str:
    """``line`` without a link to a sentence before it at its start."""
    rest = _LINK_OPENING.sub("", line, count=1)
    if rest == line:
        return line
    first = next((i for i, c in enumerate(rest) if c.isalnum()), 0)
    return rest[:first] + rest[first : first + 1].upper() + rest[first + 1 :]


# An adverbial clause opened by one of these states a condition: without it the rest is not true.
CONDITIONS = frozenset({"if", "unless", "whether", "until", "provided", "providing", "once", "lest"})
# An aside holding one of these is kept: a condition, a source, half of "neither ... nor".
# "Apart from this, however, the festival has continued as planned": the rest holds only with it.
KEPT_WORDS = CONDITIONS | {"according", "neither", "nor", "apart", "except", "excluding", "aside"}
# Modifiers that keep the rest true when they go (the relative pronouns of a non-restrictive clause).
RELATIVES = frozenset({"who", "which", "whose", "where", "whom"})
ASIDE_PREPOSITIONS = frozenset({"including", "such"})  # ", including ...", "such as ..."
# A closing adverbial clause opened by one of these adds a time, reason or contrast to a main
# clause that is true without it ("... will grow as operators launch networks").
CLOSING_MARKERS = frozenset(
    {"as", "while", "although", "though", "because", "after", "before", "since", "whereas"}
)
# Adverbs whose loss changes no fact ("he later opened", "is also looking").
SPARE_ADVERBS = frozenset({"also", "later", "eventually", "currently", "generally", "already", "now"})
DASHES = frozenset({"-", "–", "—"})
# Where the main clause counts or ranks ("took £11.5m", "was second", "the first of its kind"), a
# time or place phrase says what it counts over, and stays.
RANKS = frozenset({"first", "last", "record", "only"})
TIME_MARKERS = frozenset({"when", "after", "before", "since", "until", "as", "once"})
CLAUSE_MODIFIERS = frozenset({"advcl", "prep", "npadvmod", "advmod"})
SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj", "csubjpass"})
NOUN_PARTS = frozenset({"compound", "amod", "nmod", "poss"})
MIN_WORDS = 6
# A closing deletion must not leave a participle of this many words or fewer after the last comma:
# "..., nose-diving." is what a misparse left of "..., nose-diving after the bubble burst."
STUB_WORDS = 2


def _spans_of_asides(doc) -> set[int]:
    """Token ids of the sentence's asides, each deleted whole or not at all."""
    drop: set[int] = set()
    n = len(doc)
    end = n - 1 if doc[n - 1].is_punct else n  # the final stop

    def closes(i: int) -> bool:  # an aside ends at a comma, or at the sentence's end
        return i >= end or doc[i].text == ","

    quoted = _quoted(doc)

    def safe(lo: int, hi: int) -> bool:
        span = doc[lo : hi + 1]
        # A negation inside an aside negates the aside, and goes with it; "neither ... nor" is
        # one phrase, and a condition or a source must stay, as must a quotation's every word.
        # An aside that ends at "and", or just before it, is a misparse that would join what it
        # separated ("... a great rival of Holmes' the pair fell out").
        # One that opens with "or"/"and" is a conjunct, not an aside ("has either had their ID
        # stolen, ..., or knows someone who has").
        words_in = [t for t in span if not t.is_punct]
        joins = (
            span[-1].pos_ == "CCONJ"
            or (hi + 1 < end and doc[hi + 1].pos_ == "CCONJ")
            or (bool(words_in) and words_in[0].pos_ == "CCONJ")
        )
        return not joins and not any(t.lower_ in KEPT_WORDS or t.i in quoted for t in span)

    i = 0  # opening links: "And", "However,", "But then"; not "So far"
    while i < end and (
        (doc[i].lower_ in OPENING_LINKS and doc[i].head.i != i + 1) or (i and doc[i].text == ",")
    ):
        drop.add(i)
        i += 1
    depth, glossing = 0, False  # brackets
    for t in doc:
        if t.text == "(" and not depth:
            # after a pronoun a bracket says whom it means: "buy it (ACC) very cheap" (v14)
            glossing = t.i > 0 and doc[t.i - 1].pos_ == "PRON"
        depth += t.text == "("
        if depth and not glossing:
            drop.add(t.i)
        depth -= t.text == ")" and depth > 0
    # dashes spaced on both sides: a pair encloses an aside, a last one opens a closing aside
    dashes = [t.i for t in doc if t.text in DASHES and t.i and doc[t.i - 1].whitespace_ and t.whitespace_]
    for a, b in zip(dashes[::2], [*dashes[1::2], end], strict=False):
        # a last dash opens a closing aside only if no dash follows in any spacing: "in the US -
        # which will ... Sydney- nullified the need" closes its aside at "Sydney-"
        unclosed = b == end and any(
            (t.text in DASHES and bool(t.whitespace_ or doc[t.i - 1].whitespace_))
            or (len(t.text) > 1 and t.text[-1] in DASHES)
            for t in doc[a + 1 : end]
        )
        if not unclosed and safe(a, b - 1 if b == end else b):
            drop.update(range(a, b if b == end else b + 1))
    root = doc[:].root
    first = min((k for k in range(end) if k not in drop), default=end)
    for t in doc:
        sub = list(t.subtree)
        lo, hi = sub[0].i, sub[-1].i
        if not safe(lo, hi) or root.i in range(lo, hi + 1):
            continue
        after_comma = lo > 0 and doc[lo - 1].text == ","
        # with its commas; the closing one stays where it also closes an appositive the aside
        # hangs on ("developer, Rockstar, which is behind GTA, has seen")
        closing = hi + 1 < end and t.head.dep_ != "appos"
        aside = range(lo - 1, hi + 1 + closing)
        # a list's item ("Windows 2000, 95, 98, Me") is no aside, nor is one that a noun phrase
        # follows: the parse has hung that phrase elsewhere ("game of 2005, which went to the
        # Nintendo title, The Legend of Zelda")
        listed = t.head.like_num or any(c.dep_ == "conj" for c in t.head.children)
        # nor one that is coordinated itself after a common noun: "presented to an institution, a
        # playwright and an individual" (v14) names three recipients, not one with a description
        # (after a name it is a description: "Jeff Ravencraft, technology strategist at Intel and
        # chairman of ...")
        listed = listed or (
            t.dep_ == "appos" and t.head.pos_ != "PROPN" and any(c.dep_ == "conj" for c in t.children)
        )
        followed = hi + 2 < end and doc[hi + 2].pos_ in {"DET", "PROPN", "NOUN", "NUM", "ADJ"}
        if not (listed or followed) and (
            (t.dep_ == "appos" and after_comma and t.pos_ != "PROPN" and closes(hi + 1) and _adjoins(t, lo))
            or (t.dep_ == "relcl" and after_comma and doc[lo].lower_ in RELATIVES and closes(hi + 1))
        ):
            drop.update(aside)
        elif t.lower_ in ASIDE_PREPOSITIONS and t.dep_ == "prep" and closes(hi + 1):
            # with both its commas where it parts a subject from its verb ("manufacturing firms,
            # including DaimlerChrysler and Siemens, have been ..."): one left behind would still part them
            parts = after_comma and hi + 2 < end and doc[hi + 1].text == ","
            parts = parts and doc[hi + 2].pos_ in {"AUX", "VERB"}
            drop.update(range(lo - 1 if after_comma else lo, hi + 1 + parts))
        elif t.dep_ == "advmod" and t.lower_ in OPENING_LINKS and after_comma and closes(t.i + 1):
            # "It was, however, well received": a link to a sentence the retelling may not have
            drop.update((t.i - 1, t.i, t.i + 1) if doc[t.i + 1].text == "," else (t.i - 1, t.i))
        elif t.head.i != root.i or (_scopes(t) and _limits(doc, lo, hi)):
            continue
        elif t.dep_ in CLAUSE_MODIFIERS and lo == first and hi + 1 < end and doc[hi + 1].text == ",":
            drop.update(range(lo, hi + 2))  # "In June, ..."
        elif t.dep_ in CLAUSE_MODIFIERS and hi + 1 >= end and lo > root.i + 1:  # a closing modifier
            # with something of the main clause after its verb ("The warning came." is no news)
            markers = {c.lower_ for c in t.children if c.dep_ == "mark"}
            if after_comma and t.dep_ in {"advcl", "prep"}:  # "..., making it the ...", "..., with 26%"
                drop.update(range(lo - 1, hi + 1))
            elif t.dep_ == "advcl" and markers & CLOSING_MARKERS:  # "... as operators launch ..."
                drop.update(range(lo, hi + 1))
        elif t.dep_ == "conj" and t.pos_ in {"VERB", "AUX"} and hi + 1 >= end:  # "... but its tactics ..."
            # only with its own "and"/"but" just before it: a parse that hangs words of the clause
            # elsewhere would leave them behind ("support the ban but rural people.")
            joins = [c.i for c in t.head.children if c.dep_ == "cc" and c.i < lo]
            if joins and joins[-1] == lo - 1:  # with the comma or dash before it
                drop.update(range(lo - 1 - (doc[lo - 2].text in {",", *DASHES}), hi + 1))
        elif t.dep_ == "advmod" and t.lower_ in SPARE_ADVERBS:
            drop.add(t.i)

    return drop


def _adjoins(t, lo: int) -> bool:
    """Whether the appositive headed by ``t`` (from token ``lo``) follows its noun phrase at once: one
    the parse hangs on a noun across the verb is a list's later items ("The party's declared aims are
    an end to the occupation of Iraq, the repeal of anti-union laws and the end of privatisation")."""
    head = t.head
    phrase = {x.i for x in head.subtree}
    return head.i < lo and all(x.i in phrase or x.is_punct for x in head.doc[head.i + 1 : lo])


def _quoted(doc) -> set[int]:
    """Token ids inside quotation marks, the marks included."""
    inside, open_ = set(), False
    for t in doc:
        if t.is_quote and t.text not in "'’":  # an apostrophe ("Holmes'") opens nothing
            inside.add(t.i)
            open_ = not open_
        elif open_:
            inside.add(t.i)
    return inside


def _scopes(t) -> bool:
    """Whether the modifier headed by ``t`` may say when, where or over what the main clause holds:
    a phrase ("in the UK vote", "at the 128 worst hit schools", "So far") or a time clause ("When Phil
    Tufnell won in May 2003, ..."); not a participle ("..., making it the biggest") nor a clause
    of contrast or reason ("..., while crooner Tony Christie's ... is a new entry at number 10")."""
    markers = {c.lower_ for c in t.children if c.dep_ in {"mark", "advmod"}}  # "when" is an advmod
    return t.dep_ in {"prep", "npadvmod", "advmod"} or bool(markers & TIME_MARKERS)


def _counted(t) -> bool:
    return t.like_num or any(c.isdigit() for c in t.text)


def _limits(doc, lo: int, hi: int) -> bool:
    """Whether the phrase ``doc[lo..hi]`` says what the rest counts or ranks over: it holds a
    share ("In almost 14,000 of those cases"), or the rest holds a number or a rank ("took £11.5m
    in its first three days", "was second in the UK vote")."""
    span = doc[lo : hi + 1]
    if any(_counted(t) and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "of" for t in span):
        return True  # a share of something: "14,000 of those cases"
    rest = [t for t in doc if not lo <= t.i <= hi]
    return any(_counted(t) or t.tag_ in {"JJS", "RBS"} or t.lower_ in RANKS for t in rest)


def _joined(doc, drop: set[int]) -> str:
    """The kept tokens with their spacing; a gap keeps the space the deleted part ended with."""
    out: list[str] = []
    space = ""
    for t in doc:
        if t.i in drop:
            space = space or t.whitespace_
            continue
        if out:
            out.append(space)
        out.append(t.text)
        space = t.whitespace_
    text = "".join(out).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])\s*([,;:.!?])", r"\2", text)
    return text[:1].upper() + text[1:]


# Where the splitter left two sentences as one ("... in the men's 3000m. Meanwhile, ..."), a
# deletion of the second leaves the first whole: a copy of it.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘']?[A-Z])")


def _copies(short: str, sentence: str) -> bool:
    return any(
        copies(words(short), words(piece))
        for piece in {sentence, *_SENTENCE_END.split(sentence)}
        if words(piece)
    )


@lru_cache(maxsize=512)
def compress(sentence: str) -> str | None:
    """The sentence without its asides, or None when deleting them leaves (nearly) the whole
    sentence, too little of it, or unbalanced quotation marks."""
    doc = parse(sentence)
    # A sentence whose root is no verb is misparsed ("Other productions ... range from news,
    # documentaries to a romantic comedy drama" has the noun "productions" as its root, and
    # "documentaries to ..." as its appositive): what the parse calls an aside may be anything.
    if len(doc) < 2 or doc[:].root.pos_ not in {"VERB", "AUX"}:
        return None
    drop = _spans_of_asides(doc)
    short = _joined(doc, drop)
    if (
        len(words(short)) < MIN_WORDS
        or _copies(short, sentence)
        or plain_quotes(short).count('"') % 2
        or short[-1:] not in ".!?\"'"
        or short.rstrip("\"'”’")[-1:] != sentence.rstrip("\"'”’ ")[-1:]
        or _cut_tail(doc, drop)
        or _orphaned(doc, drop)
        or _lost_pair(words(sentence), words(short))
        or not is_clause(short)
    ):
        return None
    return short


# The second half of a paired conjunction: "has either had their ID stolen, ..., or knows
# someone who has" loses its meaning with its "or".
_PAIRS = {"either": "or", "neither": "nor", "whether": "or"}


def _lost_pair(before: list[str], after: list[str]) -> bool:
    """Whether a deletion took an "or" (or "nor") that follows a kept "either" ("neither")."""
    return any(
        first in after
        and after[after.index(first) :].count(second) < before[before.index(first) :].count(second)
        for first, second in _PAIRS.items()
    )


def _cut_tail(doc, drop: set[int]) -> bool:
    """Whether a closing deletion left a participle stub after the last comma ("..., nose-diving.");
    "..., or team." and "..., said Hanks." are whole."""
    kept = [t for t in doc if t.i not in drop and not t.is_punct]
    if not kept or not any(i > kept[-1].i and not doc[i].is_punct for i in drop):
        return False  # nothing was deleted at the end
    commas = [t.i for t in doc if t.text == "," and t.i not in drop]
    tail = [t for t in kept if commas and t.i > commas[-1]]
    last = kept[-1]
    return (
        0 < len(tail) <= STUB_WORDS
        and last.pos_ != "PROPN"
        and (last.tag_ in {"VBG", "VBN"} or last.lower_.endswith(("ing", "ed")))
    )


def _orphaned(doc, drop: set[int]) -> bool:
    """Whether a kept word hangs on a deleted one, which a misparse leaves behind ("… of 2005 The
    Legend of Zelda", where "…, which went to the Nintendo title, …" went)."""
    return any(t.head.i in drop for t in doc if t.i not in drop and not t.is_punct)


def is_clause(text: str) -> bool:
    """Whether ``text``, parsed again, is a clause with its subject and opens with no verb: what a
    deleted opening left behind ("Said Mr King, so many firms...", "However, is that this
    sniping...") is not."""
    doc = parse(text)
    first, root = doc[0], doc[:].root
    opens_with_verb = (
        first.pos_ in {"VERB", "AUX"}
        and first.dep_ not in SUBJECTS | NOUN_PARTS  # "Harbour master ...": a noun, misread
        and first.lower_ != "according"
    )
    # a root that is no verb is a misparse ("According" as the root of "According to X, ..."):
    # then any subject will do
    subjects = root.children if root.pos_ in {"VERB", "AUX"} and root.lower_ != "according" else doc
    return not opens_with_verb and any(t.dep_ in SUBJECTS for t in subjects) and not _split_subject(doc)


def _split_subject(doc) -> bool:
    """Whether a lone comma parts a plain subject from its verb ("US companies, had argued"),
    what a deleted "including ..." left."""
    for t in doc:
        if t.dep_ in SUBJECTS and t.head.i > t.i:
            sub = list(t.subtree)
            after = sub[-1].i + 1
            between = doc[after + 1 : t.head.i]
            if (
                doc[after].text == ","
                and not any(x.text == "," for x in sub)
                and all(x.dep_ in {"aux", "auxpass", "neg", "advmod"} for x in between)
            ):
                return True
    return False
