"""Many articles at once, resumable after a crash: see ``runner.run_batch``."""

from __future__ import annotations

from briefwire.batch.runner import REPORT_NAME, run_batch
from briefwire.batch.types import BatchConfig, BatchReport, ItemResult
from briefwire.progress import BatchProgress

__all__ = ["REPORT_NAME", "BatchConfig", "BatchProgress", "BatchReport", "ItemResult", "run_batch"]
