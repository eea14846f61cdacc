"""The prompt layout every model call shares: article first, task last.

Compose, the grounding judge and revise all build their messages here, so the
system prompt and the article block are byte-identical across calls and the
backend's KV cache serves them after the first call of a briefing.
"""

from __future__ import annotations

from briefwire.llm.base import Message
from briefwire.model import Article, BackgroundItem
from briefwire.text import smart_quotes

SYSTEM_PROMPT = (
    "You are a careful news editor. You write only what the article supports, "
    "in clear, neutral English, and you answer in the exact format requested."
)


def article_block(article: Article, background: list[BackgroundItem] | None = None) -> str:
    """The cacheable prefix: metadata, article text and any archive excerpts."""
    lines = []
    if article.title:
        lines.append(f"TITLE: {smart_quotes(article.title)}")
    if article.date:
        lines.append(f"DATE: {article.date}")
    lines.append("ARTICLE:")
    lines.append(smart_quotes(article.text.strip()))
    for item in background or []:
        meta = ", ".join(x for x in (item.title, item.date) if x)
        lines.append(f"\nEARLIER COVERAGE [{item.ref}] ({meta}): {smart_quotes(item.excerpt)}")
    return "\n".join(lines)


def build_messages(prefix: str, instruction: str) -> list[Message]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"{prefix}\n\nTASK:\n{instruction}"},
    ]
