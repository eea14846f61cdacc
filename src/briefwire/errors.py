"""Errors meant for the user: the CLI prints their message on one line and exits non-zero."""

from __future__ import annotations


class BriefwireError(Exception):
    """Base class: ``str(err)`` is a complete, human-readable sentence."""

    exit_code = 1


class InputError(BriefwireError):
    """The article could not be read or holds no usable text."""

    exit_code = 2


class ConfigError(BriefwireError):
    """Bad options, a missing model file, an unreachable endpoint."""

    exit_code = 3


class GenerationError(BriefwireError):
    """The model failed to produce a valid section after bounded retries."""

    exit_code = 4
