"""The CLI, the web form and the JSON API take their option defaults and bounds from options.py."""

from __future__ import annotations

import inspect
import typing

import pytest
import typer
from annotated_types import Ge, Le

from briefwire import options
from briefwire.cli import app
from briefwire.commands.batch import _old_spellings
from briefwire.errors import InputError
from briefwire.options import DEFAULTS, TEMPERATURE_MAX, TEMPERATURE_MIN, BriefOptions, check_options, one_of
from briefwire.web.api import BriefingRequest
from briefwire.web.inputs import build_options
from briefwire.web.pages import FORM_DEFAULTS, submit_form

# Fields every front end offers, with the name options.py gives them.
OFFERED = ("engine", "sections", "temperature", "seed", "unsupported")


def test_cli_brief_defaults_and_bounds_are_the_declared_ones():
    params = {p.name: p for p in typer.main.get_command(app).commands["brief"].params}
    for name in ("engine", "temperature", "seed", "unsupported", "ground", "llm_judge"):
        assert params[name].default == getattr(DEFAULTS, name), name
    assert (params["temperature"].min, params["temperature"].max) == (TEMPERATURE_MIN, TEMPERATURE_MAX)
    assert _old_spellings(None, None, None)[0] == DEFAULTS.engine  # batch's --engine


def test_web_form_defaults_are_the_declared_ones():
    signature = inspect.signature(submit_form).parameters
    for name in OFFERED:
        expected = list(DEFAULTS.sections) if name == "sections" else getattr(DEFAULTS, name)
        assert FORM_DEFAULTS[name] == expected, name
        if name != "sections":  # the form posts no sections when none is ticked
            assert signature[name].default == expected, name


def test_api_schema_defaults_bounds_and_choices_are_the_declared_ones():
    fields = BriefingRequest.model_fields
    for name in ("engine", "temperature", "seed", "unsupported"):
        assert fields[name].default == getattr(DEFAULTS, name), name
    bounds = fields["temperature"].metadata
    assert Ge(TEMPERATURE_MIN) in bounds and Le(TEMPERATURE_MAX) in bounds
    assert fields["engine"].annotation == options.Engine
    assert fields["unsupported"].annotation == options.Policy
    assert fields["sections"].default is None  # None means all: DEFAULTS.sections
    assert DEFAULTS.sections == options.SECTIONS


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"temperature": TEMPERATURE_MAX + 0.1}, "temperature: must be between 0 and 2"),
        ({"temperature": TEMPERATURE_MIN - 0.1}, "temperature: must be between 0 and 2"),
        ({"sections": ("headline", "summary")}, "sections: unknown summary"),
        ({"sections": ()}, "sections: choose at least one"),
    ],
)
def test_check_options_names_each_problem(changes, problem):
    with pytest.raises(InputError, match=problem):
        check_options(BriefOptions(**changes))


def test_check_options_passes_the_defaults_and_the_bounds():
    assert check_options(DEFAULTS) is DEFAULTS
    for temperature in (TEMPERATURE_MIN, TEMPERATURE_MAX):
        assert check_options(BriefOptions(temperature=temperature)).temperature == temperature


def test_the_web_form_checks_the_temperature_bound():
    with pytest.raises(InputError, match="temperature"):
        build_options(sections=None, unsupported="flag", temperature=5.0, seed=1, engine="llm")


def test_one_of_reads_like_help_text():
    assert one_of(typing.get_args(options.Policy)) == "flag, drop or revise"
    assert one_of(("md",)) == "md"
