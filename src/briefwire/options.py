"""Options that shape one briefing; part of the dedupe key in the store."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

SECTIONS = ("headline", "key_points", "narrative", "deep_dive", "further_reading")
Policy = Literal["flag", "drop", "revise"]


class BriefOptions(BaseModel):
    engine: Literal["llm", "extractive"] = "llm"
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
