"""From findings (and the judge's yes-probability) to a support score and a label.

With the fitted weights shipped in ``data/grounding_weights.json`` (``combine.py``), the score
is a logistic model's P(supported) over the findings, the coverage and the judge's answer,
fitted on real briefing sentences labelled by hand; every finding is still listed among the
reasons, so an editor can follow any label back to what was found. Without them (or for a
comparison, ``bench/real_claims.py``), the hand-set rules below decide:

* lexical support = mean of the best sentence's and the whole evidence's coverage of the claim;
* every finding multiplies it by a penalty (a name the source never mentions weighs most);
* with the judge, score = (1 - JUDGE_WEIGHT) * that + JUDGE_WEIGHT * P(yes);
* decisive findings cap the score below the threshold: the judge cannot overrule a new name;
* score >= SUPPORT_THRESHOLD (JUDGED_THRESHOLD with the judge) -> supported.

Either way: not supported -> contradicted if a finding contradicts the evidence, else
unsupported; analytic sentences with no new fact become opinion. The rules' thresholds were
picked on the synthetic dev split of bench/make_factuality_set.py (docs/bench-grounding.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from briefwire.ground.checks import Assessment
from briefwire.ground.combine import Signals, Weights
from briefwire.model import Label

PENALTIES = {
    "entity_absent": 0.15,
    "number_absent": 0.15,
    "date_absent": 0.15,
    "entity_elsewhere": 0.35,
    "number_elsewhere": 0.35,
    "date_elsewhere": 0.35,
    "number_conflict": 0.1,
    "date_conflict": 0.1,
    "negation": 0.15,
    "antonym": 0.2,
    "role_swap": 0.2,
    "splice": 0.5,
    "link": 0.6,
    "attribution": 0.6,
}
CONTRADICTIONS = {"number_conflict", "date_conflict", "negation", "antonym", "role_swap"}
# A claim with any of these is never supported, whatever the judge says.
DECISIVE = set(PENALTIES) - {"splice", "link", "attribution"}
# Findings that, in an analytic sentence (a recommendation, a pro, a trend), still count: a fact
# that the source never states or states differently.
ANALYTIC_FAILURES = {"entity_absent", "number_absent", "date_absent", "number_conflict", "date_conflict"}

# Without the judge the score is lexical support times penalties; with it, half of the score is
# the judge's P(yes), which a 1.5B model gives generously, so the bar sits higher.
SUPPORT_THRESHOLD = 0.5
JUDGED_THRESHOLD = 0.6
JUDGE_WEIGHT = 0.5
DECISIVE_CAP = 0.3
NOWHERE_IN_SOURCE = {"entity_absent", "number_absent", "date_absent"}
JUDGE_FLOOR = 0.02
# Below this coverage the words the evidence lacks are listed among the reasons.
REPORT_COVERAGE = 0.8


@dataclass
class Verdict:
    label: Label
    score: float
    reasons: list[str] = field(default_factory=list)


def lexical_support(a: Assessment) -> float:
    return 0.5 * a.cov1 + 0.5 * a.cov


def support_score(a: Assessment, p_yes: float | None = None, *, judge_weight: float = JUDGE_WEIGHT) -> float:
    score = lexical_support(a)
    for kind in a.kinds:
        score *= PENALTIES.get(kind, 1.0)
    if p_yes is not None:
        score = (1 - judge_weight) * score + judge_weight * p_yes
    if a.kinds & DECISIVE:
        score = min(score, DECISIVE_CAP)
    return round(min(1.0, max(0.0, score)), 4)


def decide_by_rules(
    a: Assessment,
    p_yes: float | None = None,
    *,
    analytic: bool = False,
    threshold: float | None = None,
    judge_weight: float = JUDGE_WEIGHT,
) -> Verdict:
    """The label and score; ``threshold`` and ``judge_weight`` are parameters only for tuning."""
    if threshold is None:
        threshold = SUPPORT_THRESHOLD if p_yes is None else JUDGED_THRESHOLD
    score = support_score(a, p_yes, judge_weight=judge_weight)
    reasons = _reasons(a)
    return _label(score, score >= threshold and not a.kinds & DECISIVE, a.kinds, analytic, reasons)


def _reasons(a: Assessment) -> list[str]:
    reasons = [f.reason for f in a.findings]
    if a.cov < REPORT_COVERAGE and a.missing:
        reasons.append("not in evidence: " + ", ".join(f"'{w}'" for w in a.missing[:4]))
    return reasons


def _label(score: float, supported: bool, kinds: set[str], analytic: bool, reasons: list[str]) -> Verdict:
    if supported:
        return Verdict("supported", score, reasons)
    if analytic and not kinds & ANALYTIC_FAILURES:
        return Verdict("opinion", score, reasons)
    # An opinion may well say "should not"; only its facts can contradict the source.
    contradictions = CONTRADICTIONS - ({"negation", "antonym", "role_swap"} if analytic else set())
    if kinds & contradictions:
        return Verdict("contradicted", score, reasons)
    return Verdict("unsupported", score, reasons)


def decide(s: Signals, weights: Weights | None, *, analytic: bool = False) -> Verdict:
    """The label and score of one sentence: the fitted weights when shipped, else the rules."""
    if weights is None:
        return decide_by_rules(s.assessment, s.p_yes, analytic=analytic)
    # The fitted weights say how much each finding counts on real sentences ("entity not in
    # evidence" also fires on true sentences that name someone the evidence calls "he"); only a
    # name, number or date the source never states stays decisive: no judge can vouch for it.
    kinds = s.assessment.kinds
    score = round(weights.probability(s), 4)
    if kinds & NOWHERE_IN_SOURCE:
        score = min(score, DECISIVE_CAP)
    return _label(score, score >= weights.threshold, kinds, analytic, _reasons(s.assessment))


def judge_decides(s: Signals, weights: Weights | None, *, analytic: bool = False) -> bool:
    """True when the judge's answer can change the label: a "yes" and a "no" would land on
    different sides of the threshold. Otherwise the judge call is skipped."""
    labels = set()
    # The judge's answers lie well inside (0, 1); its extremes would make every call look useful.
    for p in (JUDGE_FLOOR, 1 - JUDGE_FLOOR):
        labels.add(decide(replace(s, p_yes=p), weights, analytic=analytic).label)
    return len(labels) > 1
