"""Compose a draft briefing, one schema-constrained model call per section spec.

Every call shares the article-first prefix (llm/prompting.py), so only the
first call processes the article; the rest reuse the backend's KV cache.
Each answer is parsed, validated against its schema and checked for content
problems; a failing answer is retried with another seed and stricter
repetition settings, a bounded number of times. What still fails is repaired
by dropping the offending sentences, and reported in the briefing's notes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ValidationError

from briefwire import shape
from briefwire.compose import names, retell
from briefwire.compose import sections as template
from briefwire.compose.citing import Sources
from briefwire.compose.quality import Problem, SourceText, problems_in, without_item_labels
from briefwire.compose.repair import TopUp, blame_list_twins, drop_flagged, flatten, plan_top_up
from briefwire.compose.sections import HeadlineOut, SectionSpec
from briefwire.errors import GenerationError
from briefwire.llm.base import Backend, Completion, GenerationParams, LLMError, Message
from briefwire.llm.prompting import article_block, build_messages
from briefwire.model import Article, BackgroundItem, Briefing, DeepDive, Narrative, SectionStats
from briefwire.options import DEFAULTS
from briefwire.progress import NullProgress, Progress
from briefwire.text import title_headline

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
TITLE_HEADLINE_NOTE = "headline: the article's own title (no model call, nothing added)"

CallLogger = Callable[[str, str, SectionStats], None]  # (section, prompt_hash, stats)
Layout = Callable[[str, str], list[Message]]  # (article prefix, instruction) → messages


def _retry_params(params: GenerationParams, attempt: int, base_seed: int) -> GenerationParams:
    """Later attempts: another seed and stronger repetition controls."""
    if attempt == 0:
        return replace(params, seed=base_seed)
    return replace(
        params,
        seed=base_seed + 1000 * attempt,
        repeat_penalty=params.repeat_penalty + 0.05 * attempt,
        dry_multiplier=max(params.dry_multiplier, 0.8) + 0.2 * attempt,
        temperature=min(1.0, params.temperature + 0.1 * attempt),
    )


def _parse(model: type[BaseModel], text: str) -> BaseModel | str:
    """The validated output, or a one-line reason it is invalid."""
    try:
        return model.model_validate(json.loads(text))
    except json.JSONDecodeError as err:
        return f"invalid or truncated JSON ({err.msg} at character {err.pos})"
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"schema violation at {where}: {first['msg']}"


class Composer:
    def __init__(
        self,
        backend: Backend,
        article: Article,
        *,
        background: list[BackgroundItem] | None = None,
        seed: int = DEFAULTS.seed,
        temperature: float | None = None,
        progress: Progress | None = None,
        log_call: CallLogger | None = None,
        layout: Layout = build_messages,
        top_ups: bool = True,
    ) -> None:
        self.backend = backend
        self.article = article
        self.layout = layout
        self.top_ups = top_ups
        self.prefix = article_block(article, background)
        self.source = SourceText.of(article.text)
        self.seed = seed
        self.temperature = temperature
        self.progress = progress or NullProgress()
        self.log_call = log_call
        self.accepted: list[str] = []  # sentences already in the briefing, for duplicate checks
        self._given: dict[str, retell.Given] = {}  # a retelling section -> the sentences it retells
        self.main_development = ""  # named by the deep dive's first call; later calls analyse it
        self.notes: list[str] = []
        self.sources = Sources(article.text, self.notes)  # what each written line rests on
        self.stats: list[SectionStats] = []

    @property
    def cites(self) -> dict[str, list[int]]:
        return self.sources.cites

    @property
    def retell_problems(self) -> dict[str, str]:
        return self.sources.problems

    @property
    def candidates(self) -> list[int]:
        return self.sources.candidates

    def cites_of(self, text: str) -> list[int]:
        return self.sources.cites_of(text)

    def cites_in(self, briefing: Any) -> dict[str, list[int]]:
        return self.sources.cites_in(briefing)

    def run_spec(self, spec: SectionSpec) -> BaseModel:
        self.progress.section_started(spec.name)
        stats = SectionStats(name=spec.name, attempts=0)
        started = time.perf_counter()
        messages = self.layout(self.cited_prefix if spec.cites else self.prefix, self._instruction(spec))
        prompt_hash = hashlib.sha256(json.dumps(messages).encode()).hexdigest()[:16]
        base = spec.params if self.temperature is None else replace(spec.params, temperature=self.temperature)
        best: tuple[BaseModel, list[Problem]] | None = None
        last_error = ""
        # Every given sentence shortened by deletion: nothing to ask the model.
        free = bool(spec.given) and not self.given(spec).asked
        for attempt in range(1 if free else MAX_ATTEMPTS):
            if free:
                parsed = self._parse_retold(spec, None)
            else:
                stats.attempts += 1
                params = _retry_params(base, attempt, self.seed)
                completion = self._call(spec.name, messages, params, self._schema(spec), stats)
                # Spaces put back between joined article words ("MrEbbers") before anything reads it.
                parsed = self._parse_answer(spec, without_item_labels(self.source.respaced(completion.text)))
                if isinstance(parsed, str) and completion.finish_reason == "length":
                    parsed += " (hit the token limit)"
            if isinstance(parsed, str):
                last_error = parsed
                log.info("%s attempt %d: %s", spec.name, attempt + 1, last_error)
                continue
            problems = self._problems(spec, parsed)
            for problem in problems:
                log.info("%s attempt %d: %s", spec.name, attempt + 1, problem)
            if problems:
                # Dropping the offending sentences is cheaper than another generation (~10 s),
                # and is accepted when what remains still fills the schema and passes every check.
                blamed = blame_list_twins(spec, parsed, problems)
                kinds = ", ".join(sorted({p.kind.replace("_", " ") for p in problems}))
                removed = f"removed {len(problems)} sentence(s) that failed checks"
                repaired = drop_flagged(spec, parsed, blamed)
                if repaired is not None and not self._problems(spec, repaired):
                    self.notes.append(f"{spec.name}: {removed} ({kinds})")
                    parsed, problems = repaired, []
                elif self.top_ups and (plan := plan_top_up(spec, parsed, blamed)) is not None:
                    topped = self._top_up(plan, blamed, base, attempt, stats)
                    if topped is not None:
                        new = sum(plan.missing.values())
                        self.notes.append(f"{spec.name}: {removed} ({kinds}); wrote {new} new item(s)")
                        parsed, problems = topped, []
            if best is None or len(problems) < len(best[1]):
                best = (parsed, problems)
            if not problems:
                break
        stats.seconds = round(time.perf_counter() - started, 3)
        self.stats.append(stats)
        if self.log_call:
            self.log_call(spec.name, prompt_hash, stats)
        self.progress.section_done(spec.name, stats)
        if best is None:
            raise GenerationError(
                f"section {spec.name!r}: no valid answer after {MAX_ATTEMPTS} attempts: {last_error}"
            )
        output, problems = best
        if problems:
            output = self._repair(spec, output, problems)
        if spec.given:
            self._note_deletions(spec, output)
        self.accepted.extend(s for sents in _checked(spec, output).values() for s in sents)
        self.main_development = getattr(output, "main_development", None) or self.main_development
        return output

    def _note_deletions(self, spec: SectionSpec, output: BaseModel) -> None:
        """Says how many of a retelling section's sentences are the article's own, shortened by
        deleting asides, rather than the model's."""
        shortened = set(self.given(spec).shortened.values())
        written = [s for sents in _checked(spec, output).values() for s in sents]
        if deleted := sum(s in shortened for s in written):
            self.notes.append(
                f"{spec.name}: {deleted} of {len(written)} sentence(s) are article sentences shortened "
                "by deleting asides (no model wording)"
            )

    def skip_spec(self, name: str, note: str) -> None:
        """A section filled without a model call: reported like the others, at no cost."""
        self.progress.section_started(name)
        stats = SectionStats(name=name, attempts=0)
        self.stats.append(stats)
        self.progress.section_done(name, stats)
        self.notes.append(note)

    def _call(
        self, name: str, messages: list[Message], params: GenerationParams, schema: dict, stats: SectionStats
    ) -> Completion:
        try:
            completion = self.backend.chat(
                messages, params=params, schema=schema, on_token=_TokenCounter(self.progress, name)
            )
        except LLMError as err:
            raise GenerationError(f"section {name!r}: {err}") from err
        stats.prompt_tokens += completion.prompt_tokens
        stats.cached_tokens += completion.cached_tokens
        stats.generated_tokens += completion.generated_tokens
        return completion

    def _top_up(
        self, plan: TopUp, problems: list[Problem], base: GenerationParams, attempt: int, stats: SectionStats
    ) -> BaseModel | None:
        """Ask for just the items the repair left missing; the merged section if it passes every check."""
        stats.top_ups += 1
        dropped = [p.sentence for p in problems if p.sentence]
        messages = self.layout(
            self.cited_prefix if plan.spec.cites else self.prefix, plan.instruction(dropped)
        )
        params = replace(_retry_params(base, attempt + 1, self.seed), max_tokens=plan.max_tokens)
        model = plan.answer_model
        completion = self._call(plan.spec.name, messages, params, model.model_json_schema(), stats)
        answer = _parse(model, completion.text)
        if isinstance(answer, str):
            log.info("%s top-up: %s", plan.spec.name, answer)
            return None
        if plan.spec.cites:
            self.sources.cite_top_ups(answer)
        merged = plan.merge(answer)
        if merged is None:
            return None
        problems = self._problems(plan.spec, merged)
        for problem in problems:
            log.info("%s top-up: %s", plan.spec.name, problem)
        return None if problems else merged

    @functools.cached_property
    def cited_prefix(self) -> str:
        """The article prefix plus its most central sentences, numbered, for the sections that cite
        them. Every citing call shares it, so the KV cache serves the list after its first call."""
        return f"{self.prefix}\n\n{self.sources.numbered()}"

    def _instruction(self, spec: SectionSpec) -> str:
        """The section's instruction, plus what changes per briefing (after the cached prefix): the
        sentences to retell, the main development to analyse, or the sentences it must not repeat."""
        if spec.given:
            return retell.instruction(spec.instruction, self.sources.sentences, self.given(spec).asked)
        if spec.about_main and self.main_development:
            return f"{spec.instruction}\nThe main development: {self.main_development}"
        if not spec.avoid_repeats or not self.accepted:
            return spec.instruction
        already = "\n".join(f"- {s}" for s in self.accepted[:5])
        return (
            f"{spec.instruction}\nThese sentences are already in the briefing; do not repeat them:\n{already}"
        )

    def given(self, spec: SectionSpec) -> retell.Given:
        """The article sentences a retelling section retells (retell.py). Fixed at its first
        call, so that every attempt retells the same sentences."""
        if spec.name not in self._given:
            sources = self.sources
            self._given[spec.name] = retell.pick(
                sources.sentences,
                sources.retell_pool,
                sources.centrality,
                sources.taken(self.accepted),
                spec.given,
            )
        return self._given[spec.name]

    def _parse_retold(self, spec: SectionSpec, text: str | None) -> BaseModel | str:
        retold = retell.parse(text, spec.output, self.sources.sentences, self.given(spec))
        for line, ids in retold.cites.items():
            self.sources.cites.setdefault(line, ids)
        self.sources.problems.update(retold.problems)
        return retold.output

    def _schema(self, spec: SectionSpec) -> dict:
        """The JSON schema to generate; a citing section may name only the numbers it was shown."""
        if spec.given:
            return retell.schema(spec.output.__name__, self.sources.sentences, self.given(spec).asked)
        schema = spec.schema()
        if spec.cites:
            shown = self.sources.shown(self.accepted)
            for definition in schema.get("$defs", {}).values():
                cited = definition.get("properties", {}).get("sentences")
                if cited is not None:
                    cited["items"] = {"type": "integer", "enum": shown}
        return schema

    def _parse_answer(self, spec: SectionSpec, text: str) -> BaseModel | str:
        """The validated output; a citing section's answer ({"sentences": [...], <text>: ...} in
        place of each text) is unpacked into its output shape, the sentence ids of every sentence
        written kept in ``self.cites`` (numbers it was not shown are ignored)."""
        if spec.given:
            return self._parse_retold(spec, text)
        if not spec.cites or spec.draft is None:
            return _parse(spec.output, text)
        drafted = _parse(spec.draft, text)
        if isinstance(drafted, str):
            return drafted
        data: dict[str, Any] = {}
        for name, value in drafted.model_dump().items():
            if isinstance(value, list):
                data[name] = [self.sources.uncite(item) for item in value]
            else:
                data[name] = self.sources.uncite(value)
        try:
            return spec.output.model_validate(data)
        except ValidationError as err:
            return f"schema violation: {err.errors()[0]['msg']}"

    def _problems(self, spec: SectionSpec, output: BaseModel) -> list[Problem]:
        fields = _checked(spec, output)
        rewrite = [p for p in fields if shape.field(p).retells]
        analytic = [p for p in fields if shape.field(p).analytic]
        found = problems_in(
            fields,
            earlier=self.accepted,
            source=self.source,
            rewrite_fields=rewrite,
            analytic_fields=analytic,
            reader_fields=[p for p in analytic if shape.field(p).to_readers],
        )
        in_order = [(s, path) for path, sentences in fields.items() for s in sentences]
        leaning = set(retell.unanchored([(s, self.sources.cites_of(s)) for s, _ in in_order]))
        found += [Problem(path, "leans", s) for s, path in in_order if s in leaning]
        known = {(p.path, p.kind, p.sentence) for p in found}
        for path, sentences in fields.items():
            for s in sentences:
                for kind in self.sources.problems_of(s):
                    if (path, kind, s) not in known:
                        found.append(Problem(path, kind, s))
        return found

    def _repair(self, spec: SectionSpec, output: BaseModel, problems: list[Problem]) -> BaseModel:
        problems = blame_list_twins(spec, output, problems)
        for strict in (True, False):
            repaired = drop_flagged(spec, output, problems, strict=strict)
            if repaired is not None and not self._problems(spec, repaired):
                self.notes.append(
                    f"{spec.name}: removed {len({p.sentence for p in problems if p.sentence})} sentence(s) "
                    f"that failed content checks after {MAX_ATTEMPTS} attempts"
                    + ("" if strict else ", leaving the section shorter than usual")
                )
                return repaired
        if spec.given:
            # A retelling that rewords its sentence is what this section exists to avoid: better
            # an empty section than a reworded one (grounding stands a key point in for an
            # emptied takeaway).
            self.notes.append(
                f"{spec.name}: no sentence could be retold without rewording after {MAX_ATTEMPTS} "
                f"attempts; removed {len({p.sentence for p in problems if p.sentence})}, "
                "the section left shorter or empty"
            )
            # Dropping a line can leave the next one leaning on nothing: drop until none fails.
            while problems:
                kept = drop_flagged(spec, output, problems, strict=False, may_empty=True)
                if kept is None or kept == output:
                    break
                output, problems = kept, self._problems(spec, kept)
            return output
        self.notes.append(
            f"{spec.name}: content checks still failing after {MAX_ATTEMPTS} attempts: "
            + "; ".join(str(p) for p in problems[:3])
        )
        return output


class _TokenCounter:
    """Streams a live token rate to the progress display (one streamed delta ≈ one token)."""

    def __init__(self, progress: Progress, name: str) -> None:
        self.progress, self.name = progress, name
        self.count = 0
        self.started = time.perf_counter()

    def __call__(self, _delta: str) -> None:
        self.count += 1
        elapsed = time.perf_counter() - self.started
        self.progress.tokens(self.name, self.count, self.count / elapsed if elapsed > 0 else 0.0)


def _checked(spec: SectionSpec, output: BaseModel) -> dict[str, list[str]]:
    """The output's sentences by path, leaving out the fields with no content checks (titles)."""
    return {p: s for p, s in flatten(spec, output).items() if shape.field(p).checked}


def compose(
    composer: Composer, sections: tuple[str, ...]
) -> tuple[str | None, list[str], Narrative | None, DeepDive | None]:
    """Run the specs for the requested sections, in template order; each answer's fields go to
    their paths in the briefing's shape."""
    values: dict[str, Any] = {}
    for spec in template.SPECS:
        if spec.section not in sections:
            continue
        # The article's own title is the most faithful headline there is: no call, nothing added.
        title = title_headline(composer.article.title) if spec.name == "headline" else None
        if title:
            output: BaseModel = HeadlineOut.model_construct(headline=title)
            composer.skip_spec(spec.name, TITLE_HEADLINE_NOTE)
        else:
            output = composer.run_spec(spec)
        values.update({shape.path_in(spec.section, k): v for k, v in output.model_dump().items()})
    data = shape.nest(values)
    if renamed := names.introduce_in(data, composer.sources.sentences):
        composer.sources.rename(renamed)
        composer.notes.append(
            f"names: {len(renamed)} sentence(s) name a person by the article's full name at the first "
            "mention, where the briefing had the surname alone"
        )
    if described := names.describe_in(data, composer.sources.sentences, composer.sources.cites_of):
        composer.sources.rename(described)
        composer.notes.append(
            f"names: {len(described)} sentence(s) say who or what a name is at its first mention, in "
            "the article's words (the aside a shortening left out, or the role the article gives)"
        )
    for section, part in data.items():
        if isinstance(part, dict) and (skipped := shape.not_applicable(section, part)) is not None:
            part["not_applicable"] = skipped
    briefing = Briefing.model_validate(data)
    return briefing.headline, briefing.key_points, briefing.narrative, briefing.deep_dive
