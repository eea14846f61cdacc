"""What a long-running job tells whoever watches it: the one definition of progress.

``Progress`` is one briefing's: the pipeline and the composer report to it; the CLI draws it
with Rich (commands/brief.py) and the web app keeps it per job (web/jobs.py). ``BatchProgress``
is a batch's, one level up: items, each a whole briefing, counted as they finish
(commands/batch.py draws it). Typing only: importable from anywhere at no cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # annotations only, so importing this module imports nothing else of ours
    from briefwire.batch.types import ItemResult
    from briefwire.model import SectionStats


class Progress(Protocol):
    """One briefing: each step (a section, grounding) starts, streams tokens, and is done.

    Called from the thread that runs the pipeline; an implementation may raise to stop it
    (the web app does, for a cancelled job).
    """

    def section_started(self, name: str) -> None: ...

    def tokens(self, name: str, generated: int, tokens_per_second: float) -> None: ...

    def section_done(self, name: str, stats: SectionStats) -> None: ...


class NullProgress:
    """``Progress`` for nobody watching."""

    def section_started(self, name: str) -> None:
        pass

    def tokens(self, name: str, generated: int, tokens_per_second: float) -> None:
        pass

    def section_done(self, name: str, stats: SectionStats) -> None:
        pass


class BatchProgress(Protocol):
    """A batch: told the item count once, then each finished item (from the driver thread only)."""

    def start(self, total: int) -> None: ...

    def item_done(self, result: ItemResult) -> None: ...
