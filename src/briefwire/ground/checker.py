"""``Checker``: checks sentences against one ``SourceIndex``, with the model judge when given."""

from __future__ import annotations

import re

from briefwire.ground.checks import Assessment, assess
from briefwire.ground.index import SourceIndex
from briefwire.ground.judge import judge_instruction, safe_yes_probability
from briefwire.ground.scoring import Verdict, decide, judge_decides
from briefwire.llm.base import Backend, Message
from briefwire.llm.prompting import article_block, build_messages
from briefwire.model import Claim, Evidence
from briefwire.text import split_sentences

# Citation markers such as "[A1]" point at archive items; they are not part of the statement.
_CITATION = re.compile(r"\s*\[(?:A?\d+)(?:,\s*A?\d+)*\]")
_SEVERAL = re.compile(r"[.!?][\"')\]]*\s+\S|\n")
NEUTRAL = 0.5  # the judge's P(yes) assumed for a claim it was not asked about
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

    def assess_sentence(self, sentence: str, *, analytic: bool = False) -> tuple[Verdict, Assessment]:
        sentence = _CITATION.sub("", sentence)
        a = assess(self.index, self.index.analyse_claim(sentence))
        # An analytic sentence that states no fact is an opinion unless its words are the source's;
        # a model's "yes" to a plausible opinion is no evidence, so the judge is not asked.
        if self.backend is None or (analytic and a.facts == 0):
            return decide(a, analytic=analytic), a
        if not judge_decides(a, analytic=analytic):
            # Whatever the judge said, the label would stand: skip the call, score as if undecided.
            return decide(a, NEUTRAL, analytic=analytic), a
        self.judge_calls += 1
        p_yes = safe_yes_probability(self.backend, self.messages(judge_instruction(sentence)))
        verdict = decide(a, p_yes, analytic=analytic)
        if p_yes is not None:
            verdict.reasons.append(f"judge P(yes)={p_yes:.2f}")
        return verdict, a

    def evidence_of(self, a: Assessment) -> list[Evidence]:
        out = []
        for j in a.evidence:
            sent = self.index.sentences[j]
            out.append(Evidence(source=sent.source, sentence_id=sent.sentence_id, text=sent.text))
        return out

    def check(self, text: str, section: str, *, analytic: bool = False) -> tuple[Claim, list[Assessment]]:
        """One claim; a text of several sentences is checked per sentence and the worst label kept."""
        if not text.strip():
            return Claim(
                section=section, text="", label="unsupported", score=0.0, reasons=["empty claim"]
            ), []
        # Most claims are one sentence; the sentencizer runs only when there may be more.
        sentences = split_sentences(text) if _SEVERAL.search(text.strip()) else []
        sentences = sentences or [text.strip()]
        results = [self.assess_sentence(s, analytic=analytic) for s in sentences]
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
