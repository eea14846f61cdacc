"""Model calls made by grounding: the entailment judge and the evidence-only rewrite.

Both use ``build_messages(article_block(...), instruction)``, the layout compose uses, so the
system prompt and article are a cached prefix and only the short instruction is new per call.
"""

from __future__ import annotations

import json

from briefwire.llm.base import Backend, GenerationParams, LLMError

JUDGE_INSTRUCTION = (
    "Here is a statement about the article above:\n"
    '"{claim}"\n'
    "Is this statement supported by the article? Answer yes or no."
)

# The judge pointed at the sentences the checks aligned, and asked about what small models get
# wrong between true facts: who did what, the figures, and the links between events.
FOCUSED_INSTRUCTION = (
    "These sentences of the article above are the closest to a statement:\n"
    "{evidence}\n"
    'Statement: "{claim}"\n'
    "Does the article say exactly this: the same people doing the same things, the same numbers, "
    "and the same causes and links between events? Answer yes or no."
)

REVISE_INSTRUCTION = (
    "This sentence is not supported by the article:\n"
    '"{sentence}"\n'
    "Rewrite it so that it says only what these sentences of the article say:\n"
    "{evidence}\n"
    "Keep it to one sentence, keep names and numbers exactly as the evidence gives them, and add "
    'nothing else. Answer in JSON: {{"sentence": "..."}}'
)
REVISE_SCHEMA = {
    "type": "object",
    "properties": {"sentence": {"type": "string", "minLength": 1, "maxLength": 400}},
    "required": ["sentence"],
}
REVISE_PARAMS = GenerationParams(max_tokens=120, temperature=0.2, seed=7)


def judge_instruction(claim: str) -> str:
    return JUDGE_INSTRUCTION.format(claim=claim.replace('"', "'"))


def focused_instruction(claim: str, evidence: list[str]) -> str:
    quoted = "\n".join(f'- "{text}"' for text in evidence) or "(none)"
    return FOCUSED_INSTRUCTION.format(claim=claim.replace('"', "'"), evidence=quoted)


def revise_instruction(sentence: str, evidence: list[str]) -> str:
    quoted = "\n".join(f'{i}. "{text}"' for i, text in enumerate(evidence, 1)) or "(none)"
    return REVISE_INSTRUCTION.format(sentence=sentence.replace('"', "'"), evidence=quoted)


def parse_revision(text: str) -> str | None:
    """The rewritten sentence from the model's JSON answer, or None when it is unusable."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    sentence = data.get("sentence") if isinstance(data, dict) else None
    return sentence.strip() if isinstance(sentence, str) and sentence.strip() else None


def safe_yes_probability(backend: Backend, messages: list[dict[str, str]]) -> float | None:
    """The judge's P(yes), or None when the backend fails: the fast checks then decide alone."""
    try:
        p = float(backend.yes_probability(messages))
    except (LLMError, ValueError, TypeError):
        return None
    return min(1.0, max(0.0, p))
