"""Word lists the checker needs: name aliases, negation cues, numbers, dates, paraphrase groups.

Plain data, kept apart from the logic so it can be read (and extended) at a glance. Lists
about English in general (stop words, honorifics, weekdays and months) are in
``briefwire.lexicon``, shared with the other stages.
"""

from __future__ import annotations

from briefwire.lexicon import MONTHS

# Country and organisation aliases: canonical id, then variants (matched case-insensitively, after
# dots are removed). Demonyms map to their country, so "American officials" matches "US officials".
_ALIASES = """
united_states: us, usa, united states, united states of america, america, american, americans
united_kingdom: uk, united kingdom, britain, great britain, british, briton, britons
european_union: eu, european union
united_nations: un, united nations
russia: russia, russian, russians, russian federation
china: china, chinese, prc, people's republic of china
france: france, french
germany: germany, german, germans
japan: japan, japanese
india: india, indian, indians
italy: italy, italian, italians
spain: spain, spanish, spaniard, spaniards
ireland: ireland, irish, republic of ireland
scotland: scotland, scottish, scots
wales: wales, welsh
australia: australia, australian, australians
new_zealand: new zealand, new zealander, new zealanders
canada: canada, canadian, canadians
mexico: mexico, mexican, mexicans
brazil: brazil, brazilian, brazilians
argentina: argentina, argentine, argentinian
iran: iran, iranian, iranians
iraq: iraq, iraqi, iraqis
israel: israel, israeli, israelis
syria: syria, syrian, syrians
lebanon: lebanon, lebanese
egypt: egypt, egyptian, egyptians
saudi_arabia: saudi arabia, saudi, saudis
turkey: turkey, turkish
ukraine: ukraine, ukrainian, ukrainians
poland: poland, polish
netherlands: netherlands, dutch, holland
belgium: belgium, belgian
switzerland: switzerland, swiss
sweden: sweden, swedish
norway: norway, norwegian
denmark: denmark, danish
greece: greece, greek
portugal: portugal, portuguese
austria: austria, austrian
south_korea: south korea, south korean, south koreans
north_korea: north korea, north korean, north koreans
pakistan: pakistan, pakistani
afghanistan: afghanistan, afghan
south_africa: south africa, south african
nigeria: nigeria, nigerian
kenya: kenya, kenyan
zimbabwe: zimbabwe, zimbabwean
indonesia: indonesia, indonesian
thailand: thailand, thai
vietnam: vietnam, vietnamese
philippines: philippines, filipino
malaysia: malaysia, malaysian
singapore: singapore, singaporean
taiwan: taiwan, taiwanese
cuba: cuba, cuban
venezuela: venezuela, venezuelan
colombia: colombia, colombian
chile: chile, chilean
libya: libya, libyan
sudan: sudan, sudanese
palestine: palestine, palestinian, palestinians
hungary: hungary, hungarian
czech_republic: czech republic, czech
romania: romania, romanian
serbia: serbia, serbian
finland: finland, finnish
"""
# Capitals, so that "the German capital" is Berlin: each is also "<any variant of the country>
# capital" ("the French capital", "the UK capital").
_CAPITALS = """
united_kingdom: london
united_states: washington
russia: moscow
china: beijing
france: paris
germany: berlin
japan: tokyo
india: new delhi, delhi
italy: rome
spain: madrid
ireland: dublin
scotland: edinburgh
wales: cardiff
australia: canberra
new_zealand: wellington
canada: ottawa
mexico: mexico city
brazil: brasilia
argentina: buenos aires
iran: tehran
iraq: baghdad
syria: damascus
lebanon: beirut
egypt: cairo
saudi_arabia: riyadh
turkey: ankara
ukraine: kiev, kyiv
poland: warsaw
netherlands: amsterdam
belgium: brussels
switzerland: bern
sweden: stockholm
norway: oslo
denmark: copenhagen
greece: athens
portugal: lisbon
austria: vienna
south_korea: seoul
north_korea: pyongyang
pakistan: islamabad
afghanistan: kabul
nigeria: abuja
kenya: nairobi
zimbabwe: harare
indonesia: jakarta
thailand: bangkok
vietnam: hanoi
philippines: manila
malaysia: kuala lumpur
taiwan: taipei
cuba: havana
venezuela: caracas
colombia: bogota
chile: santiago
libya: tripoli
sudan: khartoum
hungary: budapest
czech_republic: prague
romania: bucharest
serbia: belgrade
finland: helsinki
"""


def _alias_table() -> dict[str, str]:
    variants_of = {}
    for line in _ALIASES.strip().splitlines():
        canon, variants = line.split(":")
        variants_of[canon.strip()] = [v.strip() for v in variants.split(",")]
    table = {v: "§" + canon for canon, variants in variants_of.items() for v in variants}
    for line in _CAPITALS.strip().splitlines():
        country, cities = (part.strip() for part in line.split(":"))
        for name in [c.strip() for c in cities.split(",")] + [f"{v} capital" for v in variants_of[country]]:
            table[name] = f"§capital_{country}"
    return table


ALIASES: dict[str, str] = _alias_table()
# Short upper-case variants that are also English words ("US" vs "us") only count in capitals.
CASE_SENSITIVE = {"us", "un", "eu", "uk", "prc"}
MAX_ALIAS_WORDS = max(len(v.split()) for v in ALIASES)

NEGATIONS = {"not", "n't", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"}
# Verbs that negate their complement: "denied taking", "failed to win", "refused to sign".
NEGATING_VERBS = {"deny", "denied", "denies", "fail", "failed", "fails", "refuse", "refused", "refuses"}
# Words between a cue and what it negates ("did not even", "has never been").
NEGATION_SKIP = {
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "yet",
    "even",
    "to",
    "a",
    "an",
    "the",
    "any",
    "so",
}

# Words that attach a second fact to the first: a fusion of sentences, not a grafted predicate.
SUBORDINATORS = {
    "which", "who", "whom", "whose", "where", "when", "while", "whereas", "although", "as", "because",
    "after", "before", "since", "and", "but", "with", "including", "worth",
}  # fmt: skip

HEDGES_ABOVE = ("more than", "over", "above", "at least", "just over", "upwards of")
HEDGES_BELOW = ("less than", "under", "below", "nearly", "almost", "just under", "up to", "fewer than")
HEDGES_ABOUT = ("about", "around", "approximately", "roughly", "some", "close to", "an estimated")

UNITS = {
    "0": 0,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "dozen": 12,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6,
          "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12}  # fmt: skip
# "first" is left out: it is far more often "for the first time" than a rank.
ORDINALS = {
    w: i for i, w in enumerate("second third fourth fifth sixth seventh eighth ninth tenth".split(), 2)
}
CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY"}
CURRENCY_WORDS = {"dollar": "USD", "dollars": "USD", "pound": "GBP", "pounds": "GBP", "sterling": "GBP",
                  "euro": "EUR", "euros": "EUR", "yen": "JPY", "yuan": "CNY", "rupees": "INR"}  # fmt: skip
PERCENT_WORDS = ("%", "per cent", "percent", "percentage points", "percentage point", "pc")

MONTH_ABBREVIATIONS = {m[:3]: m for m in MONTHS} | {"sept": "september"}

# Paraphrase groups common in news writing: members share one lexical key, so "stated" covers
# "said" and "climbed" covers "rose". Antonyms stay apart, so "fell" never covers "rose".
_SYNONYMS = """
say: say, tell, add, explain
rise: rise, increase, grow, growth, climb, jump, surge, soar, gain, boost, raise
fall: fall, drop, decline, decrease, slump, slide, plunge, dip, sink, tumble, shrink, cut
buy: buy, purchase, acquire
sell: sell, offload
firm: firm, company, group, business, corporation
profit: profit, earnings
chief: chief, head, boss, leader
big: big, large, major, huge
show: show, reveal, indicate, suggest
begin: begin, start, launch
end: end, finish, conclude
warn: warn, caution
plan: plan, intend, aim
expect: expect, project, forecast, predict, anticipate
help: help, aid, assist
need: need, require
try: try, attempt, seek
quit: quit, resign
"""
# Forms whose lemma is ambiguous without a part of speech: "stated" is "said", "state" is not.
SURFACE_SYNONYMS = {"stated": "say", "noted": "say", "commented": "say", "remarked": "say"}
SYNONYMS: dict[str, str] = {
    member.strip(): group.strip()
    for line in _SYNONYMS.strip().splitlines()
    for group, members in [line.split(":")]
    for member in members.split(",")
}

# Opposites (by key, after the paraphrase groups): a claim saying "fell" where its evidence says
# "jumped" contradicts it.
_ANTONYMS = """
rise: fall, lose
win: lose, fail
buy: sell
accept: reject
approve: reject, oppose
support: oppose
open: close
hire: fire
before: after
more: less, fewer
high: low
higher: lower
profit: loss
success: failure
hit: flop
early: late
strong: weak
good: bad
best: worst
agree: disagree
allow: ban, block, prevent
include: exclude
legal: illegal
positive: negative
majority: minority
"""
ANTONYMS: dict[str, set[str]] = {}
for _line in _ANTONYMS.strip().splitlines():
    _word, _opposites = _line.split(":")
    for _other in _opposites.split(","):
        ANTONYMS.setdefault(_word.strip(), set()).add(_other.strip())
        ANTONYMS.setdefault(_other.strip(), set()).add(_word.strip())

# Discourse links a sentence can assert between two facts. A briefing that writes "prompting" or
# "despite" claims a relation; the evidence must state one of the same kind ("in light of this
# opposition" where the article says "despite it"). Plain "but", "while" and "as" join facts
# more often than they assert a relation, so they are left out.
LINKS = {
    "cause": (
        "because", "because of", "due to", "owing to", "as a result", "as a result of", "resulting in",
        "result of", "led to", "leading to", "lead to", "leads to", "prompting", "prompted", "prompt",
        "caused", "causing", "causes", "thanks to", "in response to", "in light of", "therefore",
        "thus", "hence", "so that", "driven by", "fuelled by", "fueled by", "sparked", "sparking",
        "triggered", "triggering", "which means", "meaning that", "reason", "reasons", "blamed",
        "attributed to", "on the back of", "amid", "boosted by", "hit by", "helped by",
    ),
    # A trailing clause that tells the reader what a fact means (", highlighting the need for ...")
    # is the small model's favourite invention; the article must draw the same conclusion.
    "comment": (
        "highlighting", "highlights", "underscoring", "underscores", "indicating", "indicates",
        "signalling", "signaling", "signals", "reflecting", "reflects", "demonstrating",
        "demonstrates", "showcasing", "showcases", "emphasising", "emphasizing", "illustrating",
        "illustrates", "making it", "a reminder", "a testament", "raising concerns", "raising questions",
        "paving the way", "setting the stage", "marking a", "underlining", "showing that", "shows that",
        "suggesting that", "suggests that", "which means", "meaning",
    ),
    "contrast": (
        "despite", "in spite of", "although", "even though", "however", "whereas", "nevertheless",
        "nonetheless", "rather than",
    ),
}  # fmt: skip
# Modal and normative words: a sentence built on one looks ahead or judges, which is what an
# "opinion" label is for; anything else in a takeaway states a fact and is checked as one.
# How often something happens is part of the fact: "often unstable" for "occasionally fragile".
FREQUENCY = frozenset(
    "always often usually frequently sometimes occasionally rarely seldom never regularly constantly".split()
)
FORWARD_LOOKING = {
    "will", "would", "could", "may", "might", "should", "must", "shall", "can", "need", "needs",
    "likely", "unlikely", "possible", "possibly", "perhaps", "probably", "expected", "expect",
    "future", "remains", "remain", "important", "crucial", "essential", "vital", "key", "ought",
}  # fmt: skip
# Verbs that attribute a statement to a speaker: "X said" must have X say it in the source.
SPEECH = {
    "say", "said", "says", "saying", "told", "tells", "tell", "announced", "announces", "claimed",
    "claims", "stated", "states", "argued", "argues", "warned", "warns", "added", "insisted",
    "insists", "admitted", "admits", "according", "described", "describes", "believes", "believed",
    "urged", "urges", "called", "calls", "praised", "criticised", "criticized", "predicted",
    "revealed", "confirmed", "denied", "suggested", "explained", "noted", "commented", "reported",
}  # fmt: skip
