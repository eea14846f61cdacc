"""Ingestion: files, standard input, URLs, folders, JSONL and feeds in; clean Articles out."""

from briefwire.ingest.batch_inputs import iter_inputs
from briefwire.ingest.budget import truncate_to_budget
from briefwire.ingest.fetch import FetchedPage, fetch_url
from briefwire.ingest.items import InputItem
from briefwire.ingest.load import load_article, load_text

__all__ = [
    "FetchedPage",
    "InputItem",
    "fetch_url",
    "iter_inputs",
    "load_article",
    "load_text",
    "truncate_to_budget",
]
