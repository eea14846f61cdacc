"""Helpers for scripted model answers shared by several test modules."""

from __future__ import annotations


def cited(points: list[str], first: int = 1, at: list[int] | None = None) -> dict:
    """A key-points answer in the shape the model is asked for: each point with the number of the
    article sentence it comes from (``at``, or ``first``, ``first + 1``, ...)."""
    numbers = at or [first + n for n in range(len(points))]
    return {"key_points": [{"sentences": [k], "point": p} for k, p in zip(numbers, points, strict=True)]}
