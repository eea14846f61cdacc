"""``Checker``: checks sentences against one ``SourceIndex``, with the model judge when given."""

from __future__ import annotations

import re
from dataclasses import replace

from briefwire.ground.checks import Assessment, assess
from briefwire.ground.combine import Signals, shipped
from briefwire.ground.index import SourceIndex
from briefwire.ground.judge import focused_instruction, safe_yes_probability
from briefwire.ground.relations import lead, lead_coverage
from briefwire.ground.scoring import Verdict, decide, judge_decides
from briefwire.llm.base import Backend, Message
from briefwire.llm.prompting import article_block, build_messages
from briefwire.model import Claim, Evidence
from briefwire.text import split_sentences

# Citation markers such as "[A1]" point at archive items; they are not part of the statement.
_CITATION = re.compile(r"\s*\[(?:A?\d+)(?:,\s*A?\d+)*\]")
_SEVERAL = re.compile(r"[.!?][\"')\]]*\s+\S|\n")
TITLE_REASON = "the article's own title"
NEUTRAL = 0.5  # the judge's P(yes) assumed for a claim it was not asked about
# Cited sentences are the evidence when they cover this much less of the claim at most than the
# best sentences anywhere (weighted word coverage, 0-1): the same words, found where it says.
COVER_SLACK = 0.02
CITED_REASON = "supported by the sentences it cites"
# Worst label wins when a multi-sentence claim is checked sentence by sentence.
SEVERITY = {"supported": 0, "opinion": 1, "unsupported": 2, "contradicted": 3}


class Checker:
    """Checks claims about one article. The judge runs only where its answer can change the label:
    not for a claim a decisive finding already fails (a name the source never mentions), not where
    neither "yes" nor "no" would cross the threshold, and not for an analytic sentence with no fact."""

    def __init__(self, index: SourceIndex, *, backend: Backend | None = None, llm_judge: bool = True) -> None:
        self.index = index
        self.backend = backend if llm_judge else None
        self._prefix: str | None = None
        self.judge_calls = 0

    @property
    def prefix(self) -> str:
        if self._prefix is None:
            self._prefix = article_block(self.index.article, self.index.background)
        return self._prefix

    def messages(self, instruction: str) -> list[Message]:
        return build_messages(self.prefix, instruction)

    def signals(self, sentence: str, *, headline: bool = False) -> Signals:
        """What the fast checks find in one sentence (no model call)."""
        facts = self.index.analyse_claim(_CITATION.sub("", sentence))
        lead = lead_coverage(self.index, facts) if headline else 1.0
        return Signals(assess(self.index, facts), headline=headline, lead_coverage=lead, facts=facts)

    def judge_messages(self, sentence: str, s: Signals) -> list[Message]:
        """The judge's question, pointed at the evidence the checks aligned (the title and lead
        for a headline), after the cached article."""
        if s.headline:
            evidence = [t for t in (self.index.article.title, *(x.text for x in lead(self.index))) if t]
        else:
            evidence = [self.index.sentences[j].text for j in s.assessment.evidence]
        return self.messages(focused_instruction(_CITATION.sub("", sentence), evidence))

    def judge(self, sentence: str, s: Signals) -> float | None:
        """The judge's P(yes); None when the backend fails."""
        assert self.backend is not None
        self.judge_calls += 1
        return safe_yes_probability(self.backend, self.judge_messages(sentence, s))

    def assess_sentence(
        self, sentence: str, *, analytic: bool = False, headline: bool = False, cites: list[int] | None = None
    ) -> tuple[Verdict, Assessment]:
        """The label of one sentence. A sentence that cites article sentences is checked against
        those when they cover it as well as the best evidence anywhere in the source, with no
        finding the whole source would not give; else against the whole source. One judge call
        at most either way."""
        s = self.signals(sentence, headline=headline)
        from_cites = False
        if cites:
            only = [
                j
                for j, e in enumerate(self.index.sentences)
                if e.source == "article" and e.sentence_id in cites
            ]
            assert s.facts is not None
            cited = replace(s, assessment=assess(self.index, s.facts, only))
            if (
                cited.assessment.cov >= s.assessment.cov - COVER_SLACK
                and cited.assessment.kinds <= s.assessment.kinds
            ):
                s, from_cites = cited, True
        verdict = self._decide(sentence, s, analytic)
        if from_cites and verdict.label == "supported":
            verdict.reasons.append(CITED_REASON)
        return verdict, s.assessment

    def _decide(self, sentence: str, s: Signals, analytic: bool) -> Verdict:
        a = s.assessment
        weights = shipped(judged=self.backend is not None)
        # An analytic sentence that states no fact is an opinion unless its words are the source's;
        # a model's "yes" to a plausible opinion is no evidence, so the judge is not asked.
        if self.backend is None or (analytic and a.facts == 0):
            return decide(s, weights, analytic=analytic)
        if not judge_decides(s, weights, analytic=analytic):
            # Whatever the judge said, the label would stand: skip the call, score as if undecided.
            s.p_yes = NEUTRAL
            return decide(s, weights, analytic=analytic)
        s.p_yes = self.judge(sentence, s)
        verdict = decide(s, weights, analytic=analytic)
        if s.p_yes is not None:
            verdict.reasons.append(f"judge P(yes)={s.p_yes:.2f}")
        return verdict

    def evidence_of(self, a: Assessment) -> list[Evidence]:
        out = []
        for j in a.evidence:
            sent = self.index.sentences[j]
            out.append(Evidence(source=sent.source, sentence_id=sent.sentence_id, text=sent.text))
        return out

    def check(
        self, text: str, section: str, *, analytic: bool = False, cites: list[int] | None = None
    ) -> tuple[Claim, list[Assessment]]:
        """One claim; a text of several sentences is checked per sentence and the worst label kept.
        ``cites``: the article sentence ids the claim says it was written from."""
        if not text.strip():
            return Claim(
                section=section, text="", label="unsupported", score=0.0, reasons=["empty claim"]
            ), []
        # Most claims are one sentence; the sentencizer runs only when there may be more.
        sentences = split_sentences(text) if _SEVERAL.search(text.strip()) else []
        sentences = sentences or [text.strip()]
        headline = section == "headline"
        if headline and _same_words(text, self.index.article.title):
            return Claim(
                section=section, text=text.strip(), label="supported", score=1.0, reasons=[TITLE_REASON]
            ), []
        results = [
            self.assess_sentence(s, analytic=analytic, headline=headline, cites=cites) for s in sentences
        ]
        verdict = max((v for v, _ in results), key=lambda v: SEVERITY[v.label])
        evidence: list[Evidence] = []
        reasons: list[str] = []
        for v, a in results:
            evidence += [e for e in self.evidence_of(a) if e not in evidence]
            reasons += [r for r in v.reasons if r not in reasons]
        claim = Claim(
            section=section,
            text=text.strip(),
            label=verdict.label,
            score=min(v.score for v, _ in results),
            evidence=evidence,
            reasons=reasons,
        )
        return claim, [a for _, a in results]


def _same_words(text: str, title: str | None) -> bool:
    """True when ``text`` is the title, or the start of it (a shortened title), word for word."""
    words = re.findall(r"\w+", text.lower())
    return bool(title and words) and re.findall(r"\w+", title.lower())[: len(words)] == words
