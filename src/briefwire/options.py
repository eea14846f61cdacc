"""Options that shape one briefing; part of the dedupe key in the store.

The one place for their defaults, choices and bounds: the CLI options, the web form and the
JSON API schema take theirs from here, so the three cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

from pydantic import BaseModel

from briefwire import shape
from briefwire.errors import InputError

SECTIONS = shape.section_names()
Engine = Literal["llm", "extractive"]
Policy = Literal["flag", "drop", "revise"]
Format = Literal["md", "json", "html"]
ENGINES: tuple[str, ...] = get_args(Engine)
POLICIES: tuple[str, ...] = get_args(Policy)
FORMATS: tuple[str, ...] = get_args(Format)
TEMPERATURE_MIN = 0.0
TEMPERATURE_MAX = 2.0


class BriefOptions(BaseModel):
    engine: Engine = "llm"
    sections: tuple[str, ...] = SECTIONS
    temperature: float = 0.7
    seed: int = 42
    unsupported: Policy = "flag"
    ground: bool = True  # run the grounding checker
    llm_judge: bool = True  # use the model's entailment judge inside grounding
    background: bool = True  # use related archived articles as context when a store is given

    def cache_key(self) -> str:
        """Options that change the output; used with the article hash to dedupe."""
        return self.model_dump_json()


DEFAULTS = BriefOptions()


def check_options(options: BriefOptions) -> BriefOptions:
    """``options`` if its sections and temperature are within the declared choices and bounds,
    else an InputError naming each problem.

    The model itself does not enforce them, so that library callers and requests stored
    before a bound existed still load; everything a user types passes through here.
    """
    problems = []
    unknown = [s for s in options.sections if s not in SECTIONS]
    if unknown:
        problems.append(f"sections: unknown {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    elif not options.sections:
        problems.append("sections: choose at least one")
    if not TEMPERATURE_MIN <= options.temperature <= TEMPERATURE_MAX:
        problems.append(f"temperature: must be between {TEMPERATURE_MIN:g} and {TEMPERATURE_MAX:g}")
    if problems:
        raise InputError(f"Invalid options ({'; '.join(problems)}).")
    return options


def one_of(choices: Sequence[str]) -> str:
    """``choices`` as help text reads them: "md, json or html"."""
    return " or ".join([", ".join(choices[:-1]), choices[-1]] if len(choices) > 1 else choices)
