"""Repairs of a section answer that failed content checks: cheaper than generating it again.

Two repairs, tried in this order by the composer:

1. Drop the flagged sentences (and list items no longer valid on their own). Accepted when
   what is left still fills the schema.
2. Top up: when dropping leaves a list short of its minimum (two pros are needed, one is
   left), ask the model for just the missing items in one short call. The article is still
   in the KV cache, so the call costs its instruction and a few dozen tokens, where a new
   generation of the whole section costs hundreds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError, create_model

from briefwire import shape
from briefwire.compose.quality import Problem, near_duplicate
from briefwire.compose.sections import SectionSpec
from briefwire.text import split_sentences

# How many sentences a top-up instruction shows the model as already written.
MAX_SHOWN = 8


def field_path(spec: SectionSpec, name: str) -> str:
    return shape.path_in(spec.section, name)


def flatten(spec: SectionSpec, output: BaseModel) -> dict[str, list[str]]:
    """Section output → {briefing path: sentences}, e.g. {"narrative.paragraphs[0]": [...]}."""
    out: dict[str, list[str]] = {}
    for name, value in output.model_dump().items():
        path = field_path(spec, name)
        if isinstance(value, list):
            for i, item in enumerate(value):
                out[shape.item(path, i)] = split_sentences(item) or [item]
        else:
            # A text with no content checks (a title) is kept whole, however it would split.
            checked = shape.field(path).checked
            out[path] = (split_sentences(value) or [value]) if checked else [value]
    return out


def _top_up(spec: SectionSpec, name: str) -> tuple[str, int] | None:
    """What a top-up calls the items of list field ``name``, and the tokens one may take."""
    return shape.field(field_path(spec, name)).top_up


def _item_type(spec: SectionSpec, name: str) -> Any:
    """The item type of list field ``name`` (list[KeyPoint] -> KeyPoint)."""
    return spec.output.model_fields[name].annotation.__args__[0]  # type: ignore[union-attr]


def _min_items(spec: SectionSpec, name: str) -> int:
    for rule in spec.output.model_fields[name].metadata:
        if hasattr(rule, "min_length"):
            return int(rule.min_length)
    return 0


def is_valid(adapter: TypeAdapter, value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


def kept_fields(
    spec: SectionSpec, output: BaseModel, problems: list[Problem], *, whole_items: bool = True
) -> dict[str, Any]:
    """The output's fields with flagged sentences removed.

    A list item left empty (or, with ``whole_items``, no longer valid on its own) becomes None,
    so that its position is known; a plain field keeps what is left (possibly "").
    """
    flagged = {(p.path, p.sentence) for p in problems if p.sentence}
    data: dict[str, Any] = {}
    for name, value in output.model_dump().items():
        path = field_path(spec, name)
        if isinstance(value, list):
            adapter = TypeAdapter(_item_type(spec, name))
            items: list[str | None] = []
            for i, item in enumerate(value):
                here = shape.item(path, i)
                text = " ".join(s for s in split_sentences(item) if (here, s) not in flagged)
                items.append(text if text and (not whole_items or is_valid(adapter, text)) else None)
            data[name] = items
        else:
            data[name] = " ".join(s for s in split_sentences(value) if (path, s) not in flagged)
    return data


def drop_flagged(
    spec: SectionSpec,
    output: BaseModel,
    problems: list[Problem],
    *,
    strict: bool = True,
    may_empty: bool = False,
) -> BaseModel | None:
    """Remove flagged sentences, then list items no longer valid on their own.

    Strict: None when what is left breaks the schema (too few items, an empty field).
    Lenient (the last resort): fewer items or shorter paragraphs than the schema asks are
    accepted, but an emptied field still gives None, unless ``may_empty``.
    """
    data = {
        name: [x for x in value if x is not None] if isinstance(value, list) else value
        for name, value in kept_fields(spec, output, problems, whole_items=strict).items()
    }
    if not strict:
        return spec.output.model_construct(**data) if may_empty or all(data.values()) else None
    try:
        return spec.output.model_validate(data)
    except ValidationError:
        return None


def blame_list_twins(spec: SectionSpec, output: BaseModel, problems: list[Problem]) -> list[Problem]:
    """A one-sentence field (the key takeaway) cannot lose its sentence; when it repeats a
    sentence of a list field in the same section, drop that twin instead."""
    fields = flatten(spec, output)
    blamed: list[Problem] = []
    for problem in problems:
        single = "[" not in problem.path and len(fields.get(problem.path, [])) == 1
        twin = None
        if problem.kind == "duplicate" and single:
            twin = next(
                (
                    (path, sent)
                    for path, sents in fields.items()
                    if "[" in path
                    for sent in sents
                    if near_duplicate(sent, problem.sentence)
                ),
                None,
            )
        blamed.append(Problem(twin[0], "duplicate", twin[1]) if twin else problem)
    return blamed


@dataclass(frozen=True)
class TopUp:
    """The items a repaired answer still lacks, and how to ask for just those."""

    spec: SectionSpec
    kept: dict[str, Any]  # kept_fields(): list items, None where one was dropped
    missing: dict[str, int]  # list field -> how many new items it needs

    @property
    def answer_model(self) -> type[BaseModel]:
        fields: dict[str, Any] = {
            name: (list[_item_type(self.spec, name)], Field(min_length=n, max_length=n))  # type: ignore[misc]
            for name, n in self.missing.items()
        }
        return create_model("TopUpOut", **fields)

    @property
    def _labels(self) -> dict[str, tuple[str, int]]:
        return {name: label for name in self.missing if (label := _top_up(self.spec, name))}

    @property
    def max_tokens(self) -> int:
        return 16 + sum(self._labels[name][1] * n for name, n in self.missing.items())

    def instruction(self, dropped: list[str]) -> str:
        wanted = " and ".join(
            f"{n} more {self._labels[name][0]} (field {name})" for name, n in self.missing.items()
        )
        written = [x for value in self.kept.values() if isinstance(value, list) for x in value if x]
        shown = "\n".join(f"- {s}" for s in [*written, *dropped][:MAX_SHOWN])
        return (
            f"Write {wanted}. Each must say something new: not a fact or point made by any sentence "
            "below. Use only facts stated in the article, and no double quotation marks. Answer as JSON."
            f"\nAlready written (do not repeat):\n{shown}"
        )

    def merge(self, answer: BaseModel) -> BaseModel | None:
        """The kept fields with the new items in the dropped items' places; None if invalid."""
        data: dict[str, Any] = {}
        for name, value in self.kept.items():
            if not isinstance(value, list):
                data[name] = value
                continue
            new = list(getattr(answer, name, []))
            items = [x if x is not None else (new.pop(0) if new else None) for x in value]
            data[name] = [x for x in items if x is not None] + new
        try:
            return self.spec.output.model_validate(data)
        except ValidationError:
            return None


def plan_top_up(spec: SectionSpec, output: BaseModel, problems: list[Problem]) -> TopUp | None:
    """A top-up when dropping the flagged sentences leaves only list fields short; else None."""
    kept = kept_fields(spec, output, problems)
    missing: dict[str, int] = {}
    for name, value in kept.items():
        if not isinstance(value, list):
            if not value:
                return None  # an emptied plain field (the key takeaway) needs the whole section again
            continue
        short = _min_items(spec, name) - sum(x is not None for x in value)
        if short > 0:
            if _top_up(spec, name) is None:
                return None
            missing[name] = short
    return TopUp(spec, kept, missing) if missing else None
