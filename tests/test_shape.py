"""The briefing's shape, declared once (shape.py): paths, the walk, and a section added by
declaring it and giving it a prompt, nothing else."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, Field
from test_compose import ARTICLE, GOOD, scripted

from briefwire import shape
from briefwire.compose import sections
from briefwire.compose.quality import Problem
from briefwire.compose.repair import plan_top_up
from briefwire.compose.sections import Item, SectionSpec
from briefwire.llm.base import GenerationParams
from briefwire.llm.fake import FakeBackend
from briefwire.model import Briefing, DeepDive, Narrative
from briefwire.options import SECTIONS, BriefOptions
from briefwire.pipeline import brief
from briefwire.render import render
from briefwire.web.pages import SECTION_TITLES


def test_paths_split_get_and_put():
    assert shape.split("deep_dive.pros[1]") == ("deep_dive.pros", 1)
    assert shape.split("headline") == ("headline", None)
    with pytest.raises(ValueError):
        shape.split("deep_dive.pros[x]")
    briefing = Briefing(
        key_points=["One.", "Two."], narrative=Narrative(paragraphs=["P."], key_takeaway="T.")
    )
    assert shape.get(briefing, "key_points[1]") == "Two."
    assert shape.get(briefing, "key_points[2]") is None
    assert shape.get(briefing, "deep_dive.pros[0]") is None  # no deep dive
    data = briefing.model_dump()
    shape.put(data, "narrative.paragraphs[0]", "Q.")
    shape.put(data, "narrative.key_takeaway", "U.")
    assert shape.get(data, "narrative.paragraphs[0]") == "Q." and data["narrative"]["key_takeaway"] == "U."
    assert shape.nest({"headline": "H", "narrative.key_takeaway": "T."}) == {
        "headline": "H",
        "narrative": {"key_takeaway": "T."},
    }


def test_the_walk_yields_every_text_in_reading_order():
    dive = DeepDive(
        title="T",
        main_development="M.",
        context=["C."],
        resolutions=[],
        practical_steps=[],
        trends=[],
        pros=["P."],
        cons=[],
        recommendations=["R."],
    )
    briefing = Briefing(
        headline="H",
        key_points=["K."],
        narrative=Narrative(paragraphs=["N."], key_takeaway=""),
        deep_dive=dive,
    )
    assert list(shape.walk(briefing)) == [
        ("headline", "H"),
        ("key_points[0]", "K."),
        ("narrative.paragraphs[0]", "N."),
        ("deep_dive.title", "T"),
        ("deep_dive.main_development", "M."),
        ("deep_dive.context[0]", "C."),
        ("deep_dive.pros[0]", "P."),
        ("deep_dive.recommendations[0]", "R."),
    ]
    assert list(shape.walk(briefing.model_dump())) == list(shape.walk(briefing))


def test_the_options_and_the_web_form_take_their_sections_from_the_declaration():
    assert SECTIONS == ("headline", "key_points", "narrative", "deep_dive", "further_reading")
    assert list(SECTION_TITLES) == list(SECTIONS) and SECTION_TITLES["deep_dive"] == "Deep dive"
    # Every field of every output model has a declared path.
    for spec in sections.SPECS:
        for name in spec.output.model_fields:
            assert shape.path_in(spec.section, name).endswith(name)


# -- a toy section: one declaration plus its prompt, and every stage has it ----------------------

TOY = shape.FieldSpec(
    "deep_dive.stakeholders",
    "sentences",
    heading="Who has a stake",
    top_up=("people or groups with a stake in the story, one sentence each", 60),
)


class StakeholdersOut(BaseModel):
    stakeholders: list[Item] = Field(min_length=2, max_length=3)  # type: ignore[valid-type]


TOY_SPEC = SectionSpec(
    "deep_dive.stakeholders",
    "deep_dive",
    "List 2 or 3 people or groups with a stake in the story, one sentence each. Answer as JSON.",
    StakeholdersOut,
    200,
    GenerationParams(max_tokens=200),
)
STAKEHOLDERS = [
    "Harbour master Jane Okafor decided when the quays were safe again.",
    "The Harwick Chamber of Commerce speaks for the businesses that paid for the closure.",
]


@pytest.fixture()
def toy_section(monkeypatch):
    """The toy declared for one test; monkeypatch puts the declaration back afterwards."""
    monkeypatch.setattr(shape, "FIELDS", (*shape.FIELDS, TOY))
    monkeypatch.setattr(sections, "SPECS", (*sections.SPECS, TOY_SPEC))


def _backend() -> FakeBackend:
    inner = scripted()

    def respond(messages, schema):
        if schema["title"] == "StakeholdersOut":
            return {"stakeholders": STAKEHOLDERS}
        return inner._responder(messages, schema)

    return FakeBackend(responder=respond)


def test_a_declared_section_is_composed_grounded_and_rendered(toy_section):
    backend = _backend()
    options = BriefOptions(sections=("key_points", "deep_dive"))
    briefing = brief(ARTICLE, backend=backend, options=options).briefing
    assert briefing.deep_dive is not None
    # Composed: its own call, its answer in the deep dive (and the JSON), the other lists as before.
    assert getattr(briefing.deep_dive, "stakeholders") == STAKEHOLDERS  # noqa: B009
    assert briefing.deep_dive.pros == GOOD["deep_dive.assessment"]["pros"]
    assert briefing.run is not None and briefing.run.sections[-1].name == "deep_dive.stakeholders"
    assert json.loads(render(briefing, "json"))["deep_dive"]["stakeholders"] == STAKEHOLDERS
    # Grounded: each item a claim with a label, checked as a fact (the toy is not analytic).
    claims = {c.section: c for c in briefing.claims if c.section.startswith("deep_dive.stakeholders")}
    assert set(claims) == {"deep_dive.stakeholders[0]", "deep_dive.stakeholders[1]"}
    assert all(c.label in ("supported", "unsupported", "contradicted") for c in claims.values())
    # Rendered: its heading, after the deep dive's other parts, with its items.
    markdown = render(briefing, "md")
    assert "### Who has a stake" in markdown
    assert markdown.index("### Actionable recommendations") < markdown.index("### Who has a stake")
    toy_part = markdown.split("### Who has a stake")[1]
    assert all(f"- {item}" in toy_part for item in STAKEHOLDERS)
    html = render(briefing, "html")
    assert "Who has a stake</h3>" in html and all(item in html for item in STAKEHOLDERS)


def test_a_declared_list_is_topped_up_with_its_label_and_budget(toy_section):
    answer = StakeholdersOut(stakeholders=STAKEHOLDERS)
    plan = plan_top_up(TOY_SPEC, answer, [Problem("deep_dive.stakeholders[1]", "duplicate", STAKEHOLDERS[1])])
    assert plan is not None and plan.missing == {"stakeholders": 1}
    assert "1 more people or groups with a stake" in plan.instruction([STAKEHOLDERS[1]])
    assert plan.max_tokens == 16 + 60


def test_a_toy_section_leaves_the_declaration_as_it_was():
    # The fixture above undoes itself: nothing of the toy is left for other tests.
    assert TOY not in shape.FIELDS and TOY_SPEC not in sections.SPECS
    with pytest.raises(KeyError):
        shape.field("deep_dive.stakeholders[0]")
