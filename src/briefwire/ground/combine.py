"""From a sentence's findings (and the judge's answer) to P(supported): a logistic model.

Its features are declared once in ``FEATURES``; its weights are fitted on the dev split of the
real-claims set (``bench/real_claims.py``, labelled by careful reading: docs/labelling.md) and
shipped in ``data/grounding_weights.json`` for checks with the judge. The fast checks alone keep
the hand-set rules: weights fitted for them did not beat the rules on held-out articles. Each
weight is readable: how much a finding moves the log-odds that a sentence is true.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from briefwire.ground.checks import Assessment
from briefwire.ground.index import TextFacts

# Findings grouped by what they say about the sentence; see checks.py and relations.py.
GROUPS = {
    "absent": {"entity_absent", "number_absent", "date_absent"},
    "elsewhere": {"entity_elsewhere", "number_elsewhere", "date_elsewhere"},
    "conflict": {"number_conflict", "date_conflict"},
    "polarity": {"negation", "antonym"},
    "role_swap": {"role_swap"},
    "splice": {"splice"},
    "link": {"link"},
    "attribution": {"attribution"},
}
FEATURES = ("bias", "cov1", "cov", *GROUPS, "headline_off_lead", "judge")


@dataclass
class Signals:
    """What the checks measured about one sentence, before weighing."""

    assessment: Assessment
    headline: bool = False
    lead_coverage: float = 1.0
    p_yes: float | None = None
    facts: TextFacts | None = None  # the analysed sentence, to assess it again on other evidence

    def vector(self) -> list[float]:
        a = self.assessment
        kinds = a.kinds
        values = {
            "bias": 1.0,
            "cov1": a.cov1,
            "cov": a.cov,
            **{group: float(bool(kinds & members)) for group, members in GROUPS.items()},
            "headline_off_lead": (1.0 - self.lead_coverage) if self.headline else 0.0,
            "judge": _logit(self.p_yes) if self.p_yes is not None else 0.0,
        }
        return [values[name] for name in FEATURES]


def _logit(p: float) -> float:
    p = min(1 - 1e-4, max(1e-4, p))
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class Weights:
    weights: tuple[float, ...]
    threshold: float  # P(supported) at or above which a sentence is supported

    def probability(self, signals: Signals) -> float:
        z = sum(w * x for w, x in zip(self.weights, signals.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def shipped(judged: bool) -> Weights | None:
    """The fitted weights for the fast checks alone or with the judge; None before any fit."""
    try:
        text = resources.files("briefwire").joinpath("data/grounding_weights.json").read_text("utf-8")
    except FileNotFoundError:
        return None
    data = json.loads(text).get("judged" if judged else "fast")
    if data is None:
        return None  # none shipped for this mode: the rules decide
    if tuple(data["features"]) != FEATURES:
        return None  # fitted for another feature set: refit with bench/real_claims.py
    return Weights(tuple(data["weights"]), data["threshold"])
