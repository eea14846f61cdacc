"""What the batch driver and its runners (threads, Ray) share: configuration, jobs, results.

Kept apart from ``runner`` so the runners can import these without importing the driver
that imports them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from briefwire.errors import BriefwireError
from briefwire.llm import BackendConfig
from briefwire.model import Article, Briefing
from briefwire.options import BriefOptions, Format

Status = Literal["written", "reused", "skipped", "failed"]
Runner = Literal["local", "ray"]


@dataclass(frozen=True)
class ItemResult:
    id: str
    status: Status  # written: new briefing; reused: from the store; skipped: output existed
    output: str | None = None
    error: str | None = None
    generated_tokens: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Job:
    id: str
    article: Article
    path: Path


@dataclass
class BatchConfig:
    inputs: Sequence[str]  # folders, files, JSONL, feed files or URLs (anything ingest reads)
    out_dir: Path
    fmt: Format = "md"
    options: BriefOptions = field(default_factory=BriefOptions)
    force: bool = False  # ignore briefings cached in the store (outputs that exist are still kept)
    parallel: int = 1  # local: threads sharing one backend; ray: tasks in flight
    runner: Runner = "local"  # local: threads in this process; ray: Ray tasks
    ray_address: str | None = None
    backend: BackendConfig | None = None  # None: from the environment, with parallel slots
    allow_private: bool = True  # let feeds point at private network addresses


@dataclass
class BatchReport:
    config: dict
    started: str
    finished: str = ""
    seconds: float = 0.0
    interrupted: bool = False
    results: list[ItemResult] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failures(self) -> list[ItemResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted

    @property
    def generated_tokens(self) -> int:
        return sum(r.generated_tokens for r in self.results)

    def to_json(self) -> str:
        statuses: tuple[Status, ...] = ("written", "reused", "skipped", "failed")
        data = {
            "started": self.started,
            "finished": self.finished,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "config": self.config,
            "counts": {"total": len(self.results), **{s: self.count(s) for s in statuses}},
            "generated_tokens": self.generated_tokens,
            "failures": [{"id": r.id, "error": r.error} for r in self.failures],
            "items": [asdict(r) for r in self.results],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


Emit = Callable[[ItemResult], None]  # record one finished item (driver thread only)
Finish = Callable[[Job, Briefing, bool, float], ItemResult]  # (job, briefing, reused, seconds)


def describe_error(err: BaseException) -> str:
    """One line for the report: user-facing errors as they are, others with their type."""
    if isinstance(err, BriefwireError):
        return str(err)
    return f"{type(err).__name__}: {err}"
