"""Helpers for scripted model answers shared by several test modules."""

from __future__ import annotations


def cited(points: list[str], first: int = 1) -> dict:
    """A key-points answer in the shape the model is asked for: each point with the number of the
    article sentence it comes from (``first``, ``first + 1``, ...)."""
    return {"key_points": [{"sentences": [first + n], "point": p} for n, p in enumerate(points)]}
