"""The ``briefwire`` command line: a thin shell over the pipeline; commands live in ``commands/``."""

from __future__ import annotations

import contextlib
import sys
from importlib import metadata

import typer
from rich.console import Console
from rich.markup import escape

from briefwire import settings
from briefwire.commands import archive, batch, brief, check, evaluate, serve
from briefwire.errors import as_user_error
from briefwire.fsutil import flush_stdout

app = typer.Typer(
    name="briefwire",
    help="Turn a news article into a grounded briefing: every sentence traced to its evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (brief, check, evaluate, archive, batch, serve):
    module.register(app)

stderr = Console(stderr=True)


def _version(show: bool) -> None:
    if show:
        typer.echo(f"briefwire {package_version()}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    # Options of `briefwire` itself, before any command; the help text is the app's.
    pass


def package_version() -> str:
    try:
        return metadata.version("briefwire")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        from briefwire import __version__

        return __version__


def main() -> None:
    """Entry point: every error is one line on stderr and an exit code (table in errors.py)."""
    sys.exit(run())


def run(args: list[str] | None = None) -> int:
    """Run the command line ``args`` (default: ``sys.argv[1:]``); the exit code."""
    try:
        try:
            # Not standalone: typer would print usage errors as a multi-line panel.
            code = app(args=args, prog_name="briefwire", standalone_mode=False)
        finally:
            flush_stdout()
    except KeyboardInterrupt:
        code = 130
    except typer.Abort:  # end of input at a prompt
        return 1
    except BrokenPipeError:  # the reader went away (`briefwire list | head`): nothing to tell it
        return 1
    except _USAGE_ERRORS as err:
        if type(err).__name__ == "NoArgsIsHelpError":  # typer has printed the help already
            return 2
        _error(f"{err.format_message()} (see {_help_command(err)} --help)")
        return err.exit_code
    except Exception as err:
        if settings.DEBUG.get():
            raise
        user_error = as_user_error(err)
        if user_error is None:
            _error(
                f"internal error: {type(err).__name__}: {err} "
                f"(rerun with {settings.DEBUG.name}=1 for the traceback, and please report it)"
            )
            return 1
        _error(str(user_error))
        return user_error.exit_code
    if code == 130:
        stderr.print("[yellow]interrupted[/]")
    # Under standalone_mode=False typer returns the code of a typer.Exit (and a command's
    # return value, None, otherwise).
    return code if isinstance(code, int) else 0


def _error(message: str) -> None:
    one_line = " ".join(message.splitlines())
    stderr.print(f"[bold red]error:[/] {escape(one_line)}", highlight=False, soft_wrap=True)


def _help_command(err: Exception) -> str:
    ctx = getattr(err, "ctx", None)
    return ctx.command_path if ctx is not None else "briefwire"


def _usage_error_types() -> tuple[type[Exception], ...]:
    # Newer typer (0.29 here) bundles its own click, whose errors derive from
    # typer.TyperException; older typer raises click's own.
    types: list[type[Exception]] = []
    if hasattr(typer, "TyperException"):
        types.append(typer.TyperException)
    with contextlib.suppress(ImportError):
        import click

        types.append(click.ClickException)
    return tuple(types)


_USAGE_ERRORS = _usage_error_types()


if __name__ == "__main__":
    main()
