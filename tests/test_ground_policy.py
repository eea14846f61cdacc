"""ground_briefing: claims per sentence, the judge, archive evidence and the flag/drop/revise policies."""

from __future__ import annotations

import pytest
from test_ground_article import ARTICLE, COST, STRIKE, VOTE

from briefwire.errors import ConfigError
from briefwire.ground import ground_briefing
from briefwire.ground.checker import CITED_REASON
from briefwire.ground.judge import REVISE_SCHEMA
from briefwire.llm.fake import FakeBackend
from briefwire.llm.prompting import article_block
from briefwire.model import BackgroundItem, Briefing, DeepDive, Narrative

FAITHFUL = "Dock workers in Rotterdam ended a five-day strike on Tuesday."
SYRIA = "Workers in Syria joined the strike."
ORGANISED = "The strike was organised from Syria."


def make_briefing() -> Briefing:
    return Briefing(
        headline="Rotterdam dock strike ends with 12% pay rise",
        key_points=[FAITHFUL, SYRIA, "The FNV union said 2,400 members voted for the deal."],
        narrative=Narrative(
            paragraphs=[f"{FAITHFUL} {ORGANISED}", "ECT had warned that the stoppage cost it $1.4bn a year."],
            key_takeaway="The FNV union won a 12% pay rise for its members.",
        ),
        deep_dive=DeepDive(
            title="Behind the deal",
            context=["Port operator ECT had warned that the stoppage was costing it $1.4bn a year."],
            resolutions=["Employers should listen more carefully to their staff."],
            practical_steps=["Shippers should plan for delays."],
            trends=["Ports in Germany will copy the deal."],
            pros=["Workers get a 12% pay rise."],
            cons=["Costs will rise for ECT."],
            recommendations=["Watch how the FNV union uses its new strength."],
        ),
    )


def by_section(b: Briefing) -> dict[str, list]:
    out: dict[str, list] = {}
    for c in b.claims:
        out.setdefault(c.section, []).append(c)
    return out


def test_flag_keeps_text_and_labels_every_sentence():
    original = make_briefing()
    b = ground_briefing(original, ARTICLE, backend=None)
    assert b.key_points == original.key_points and b.narrative == original.narrative
    claims = by_section(b)
    assert len(b.claims) == 15 and b.grounding is not None and b.grounding.checked == 15
    assert claims["headline"][0].label == "supported"
    assert claims["key_points[0]"][0].label == "supported"
    assert claims["key_points[0]"][0].evidence[0].sentence_id == STRIKE
    assert claims["key_points[1]"][0].label == "unsupported"
    assert [c.label for c in claims["narrative.paragraphs[0]"]] == ["supported", "unsupported"]
    assert claims["deep_dive.resolutions[0]"][0].label == "opinion"
    assert claims["deep_dive.trends[0]"][0].label == "unsupported"  # Germany is not in the source
    g = b.grounding
    assert (g.supported + g.unsupported + g.contradicted + g.opinion, g.policy) == (15, "flag")
    assert g.unsupported + g.contradicted == 3 and original.claims == []  # the input is untouched


def test_drop_removes_sentences_items_and_renumbers():
    b = ground_briefing(make_briefing(), ARTICLE, backend=None, policy="drop")
    assert b.key_points == [FAITHFUL, "The FNV union said 2,400 members voted for the deal."]
    assert b.narrative is not None and b.narrative.paragraphs[0] == FAITHFUL
    assert b.deep_dive is not None and b.deep_dive.trends == []
    claims = by_section(b)
    assert claims["key_points[1]"][0].evidence[0].sentence_id == VOTE  # was key_points[2]
    assert "key_points[2]" not in claims and "deep_dive.trends[0]" not in claims
    assert all(c.label in {"supported", "opinion"} for c in b.claims)
    assert any("deep_dive.trends" in n for n in b.notes)
    assert any("removed 3" in n for n in b.notes)
    assert b.grounding is not None and b.grounding.unsupported == 3 and b.grounding.policy == "drop"


def test_drop_never_leaves_required_text_empty():
    briefing = make_briefing()
    briefing.headline = "Syria strikes a deal"
    assert briefing.narrative is not None
    briefing.narrative.key_takeaway = "Syria will send its dock workers to Rotterdam."
    briefing.key_points = [SYRIA]
    b = ground_briefing(briefing, ARTICLE, backend=None, policy="drop")
    assert b.headline == ARTICLE.title
    assert b.key_points == []
    assert b.narrative is not None and b.narrative.key_takeaway == FAITHFUL  # from the paragraph
    assert by_section(b)["narrative.key_takeaway"][0].label == "supported"
    assert any(n.startswith("key_points:") for n in b.notes)
    assert any(n.startswith("headline:") for n in b.notes)


def test_revise_rewrites_from_evidence_and_rechecks():
    tries: dict[str, int] = {}

    def responder(messages, schema):
        assert schema == REVISE_SCHEMA
        task = messages[-1]["content"].split("TASK:")[-1]
        for bad in (SYRIA, ORGANISED, "Ports in Germany"):
            if bad in task:
                tries[bad] = tries.get(bad, 0) + 1
                if bad == SYRIA:  # the first rewrite still invents; the second passes
                    return {"sentence": SYRIA if tries[bad] == 1 else FAITHFUL}
                if bad == ORGANISED:
                    return {"sentence": "The strike was run from Syria."}
                return {"sentence": "Other ports may copy the deal."}
        raise AssertionError(task)

    backend = FakeBackend(responder=responder)
    b = ground_briefing(make_briefing(), ARTICLE, backend=backend, policy="revise", llm_judge=False)
    assert b.key_points[1] == FAITHFUL
    revised = by_section(b)["key_points[1]"][0]
    assert revised.label == "supported" and any(r.startswith("revised from:") for r in revised.reasons)
    assert tries == {SYRIA: 2, ORGANISED: 2, "Ports in Germany": 1}  # at most two tries each
    assert b.narrative is not None and b.narrative.paragraphs[0] == FAITHFUL  # fell back to drop
    assert b.deep_dive is not None and b.deep_dive.trends == ["Other ports may copy the deal."]
    assert by_section(b)["deep_dive.trends[0]"][0].label == "opinion"
    # The rewrite prompt is article-first (cached prefix) and quotes the evidence sentences.
    call = backend.calls[0]["messages"]
    assert call[-1]["content"].startswith(article_block(ARTICLE))
    assert "Dock workers in Rotterdam ended a five-day strike" in call[-1]["content"].split("TASK:")[-1]
    assert any("rewrote 2" in n for n in b.notes) and any("removed 1" in n for n in b.notes)


def test_judge_is_article_first_and_shifts_the_score():
    paraphrase = "Rotterdam's dock workers called off their strike on Tuesday."
    briefing = Briefing(key_points=[paraphrase, SYRIA])
    doubtful = FakeBackend(yes=0.02)
    b = ground_briefing(briefing, ARTICLE, backend=doubtful)
    assert [c.label for c in b.claims] == ["unsupported", "unsupported"]
    # One judge call: the Syria claim fails on a name the source never mentions, which no judge
    # can overrule.
    assert len(doubtful.calls) == 1
    content = doubtful.calls[0]["messages"][-1]["content"]
    assert content.startswith(article_block(ARTICLE)) and paraphrase in content.split("TASK:")[-1]

    confident = FakeBackend(yes=0.98)
    b = ground_briefing(briefing, ARTICLE, backend=confident)
    assert [c.label for c in b.claims] == ["supported", "unsupported"]
    assert any("judge" in r for r in b.claims[0].reasons)
    assert b.claims[0].score > ground_briefing(briefing, ARTICLE, backend=doubtful).claims[0].score

    silent = FakeBackend(yes=0.02)
    b = ground_briefing(briefing, ARTICLE, backend=silent, llm_judge=False)
    assert b.claims[0].label == "supported" and silent.calls == []


def test_archive_excerpts_are_evidence():
    item = BackgroundItem(
        ref="A1", archive_id="abc123", excerpt="Last year ECT paid a fine of $5,000. It appealed."
    )
    briefing = Briefing(key_points=["ECT paid a fine of 5,000 dollars last year [A1]."])
    b = ground_briefing(briefing, ARTICLE, backend=None, background=[item])
    (claim,) = b.claims
    assert claim.label == "supported"
    assert claim.evidence[0].source == "archive:abc123" and claim.evidence[0].sentence_id == 0
    # Without the archive the fine is news to the source.
    assert ground_briefing(briefing, ARTICLE, backend=None).claims[0].label == "unsupported"


def test_unknown_policy_is_a_config_error():
    with pytest.raises(ConfigError):
        ground_briefing(make_briefing(), ARTICLE, backend=None, policy="ignore")


def test_a_key_point_is_checked_against_the_sentences_it_cites_first():
    briefing = make_briefing().model_copy(
        update={"cites": {"key_points[0]": [STRIKE], "key_points[1]": [STRIKE], "key_points[2]": [COST]}}
    )
    claims = by_section(ground_briefing(briefing, ARTICLE, backend=None))
    first = claims["key_points[0]"][0]
    assert first.label == "supported" and CITED_REASON in first.reasons
    assert [e.sentence_id for e in first.evidence] == [STRIKE]
    # A citation cannot vouch for what its sentence does not say.
    assert claims["key_points[1]"][0].label == "unsupported"
    # A wrong citation costs nothing but the shortcut: the whole article is searched next.
    vote = claims["key_points[2]"][0]
    assert vote.label == "supported" and CITED_REASON not in vote.reasons
    assert vote.evidence[0].sentence_id == VOTE


def test_cites_follow_their_key_points_when_sentences_are_dropped():
    briefing = make_briefing().model_copy(
        update={"cites": {"key_points[0]": [STRIKE], "key_points[2]": [VOTE]}}
    )
    b = ground_briefing(briefing, ARTICLE, backend=None, policy="drop")
    assert b.key_points[1] == "The FNV union said 2,400 members voted for the deal."
    assert b.cites == {"key_points[0]": [STRIKE], "key_points[1]": [VOTE]}  # was key_points[2]


def test_the_main_development_line_is_checked_as_a_fact():
    dive = make_briefing().deep_dive
    assert dive is not None
    true = dive.model_copy(update={"main_development": FAITHFUL})
    false = dive.model_copy(update={"main_development": "Dock workers in Syria ended a strike."})
    for deep_dive, label in ((true, "supported"), (false, "unsupported")):
        b = ground_briefing(Briefing(deep_dive=deep_dive), ARTICLE, backend=None)
        assert by_section(b)["deep_dive.main_development"][0].label == label
