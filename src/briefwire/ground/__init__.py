"""Grounding: every sentence of a briefing traced to evidence in the source, or flagged.

Public API:

* ``ground_briefing(briefing, article, backend=..., policy=..., background=..., llm_judge=...)``
  returns a new briefing with ``claims`` and ``grounding`` filled and, under ``drop``/``revise``,
  unsupported sentences removed or rewritten;
* ``check_claims(source_text, claims, backend=..., llm_judge=...)`` checks free-standing claims;
* ``SourceIndex`` analyses an article once so that many claims check fast; ``Checker`` checks
  claims against one index.

The fast checks (names, numbers, dates, negation, roles, lexical alignment) need no model; the
judge asks the backend whether the article supports each claim that the fast checks pass.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefwire.errors import ConfigError
from briefwire.ground.briefing import apply_policy, check_units, rebuild, units_of
from briefwire.ground.checker import Checker
from briefwire.ground.index import SourceIndex
from briefwire.llm.base import Backend
from briefwire.model import Article, BackgroundItem, Briefing, Claim, GroundingSummary

POLICIES = ("flag", "drop", "revise")

__all__ = ["POLICIES", "Checker", "SourceIndex", "check_claims", "ground_briefing"]


def ground_briefing(
    briefing: Briefing,
    article: Article,
    *,
    backend: Backend | None,
    policy: str = "flag",
    background: Sequence[BackgroundItem] = (),
    llm_judge: bool = True,
) -> Briefing:
    """Check every sentence of ``briefing`` against ``article`` (and archive excerpts).

    ``background`` defaults to ``briefing.background``; its excerpts count as evidence with source
    ``"archive:<id>"``. ``grounding`` counts the labels as checked, before the policy acted; the
    notes say what the policy removed or rewrote, and ``claims`` describe the returned text.
    """
    if policy not in POLICIES:
        raise ConfigError(f"unknown unsupported-sentence policy {policy!r}; use one of {', '.join(POLICIES)}")
    items = list(background) or list(briefing.background)
    checker = Checker(SourceIndex(article, items), backend=backend, llm_judge=llm_judge)
    units = units_of(briefing)
    check_units(units, checker)
    labels = [u.claim.label for u in units if u.claim is not None]
    summary = GroundingSummary(
        checked=len(labels),
        supported=labels.count("supported"),
        unsupported=labels.count("unsupported"),
        contradicted=labels.count("contradicted"),
        opinion=labels.count("opinion"),
        policy=policy,  # type: ignore[arg-type]
    )
    notes = apply_policy(units, checker, backend, policy)
    if policy == "flag":
        claims = [u.claim for u in units if u.claim is not None]
        return briefing.model_copy(update={"claims": claims, "grounding": summary}, deep=True)
    grounded, claims, rebuild_notes = rebuild(briefing, units, article)
    grounded.claims = claims
    grounded.grounding = summary
    grounded.notes = [*grounded.notes, *notes, *rebuild_notes]
    return grounded


def check_claims(
    source_text: str,
    claims: list[str],
    *,
    backend: Backend | None,
    llm_judge: bool = True,
    analytic: bool = False,
) -> list[Claim]:
    """Label each claim against ``source_text``; sections are ``claims[i]`` in input order.

    ``analytic=True`` reads the claims as analysis (recommendations, pros and cons): one that
    states no checkable fact is then ``opinion`` rather than ``unsupported``.
    """
    checker = Checker(SourceIndex(Article(text=source_text)), backend=backend, llm_judge=llm_judge)
    return [checker.check(text, f"claims[{i}]", analytic=analytic)[0] for i, text in enumerate(claims)]
