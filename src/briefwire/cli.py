"""The ``briefwire`` command line: a thin shell over the pipeline; commands live in ``commands/``."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from briefwire.commands import archive, batch, brief, check, evaluate, serve
from briefwire.errors import BriefwireError

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


def main() -> None:
    """Entry point: user-facing errors become one line on stderr, never a traceback."""
    try:
        app(standalone_mode=False)
    except BriefwireError as err:
        stderr.print(f"[bold red]error:[/] {err}", highlight=False, soft_wrap=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        stderr.print("[yellow]interrupted[/]")
        sys.exit(130)
    except typer.Exit as exit_:
        sys.exit(exit_.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as err:  # click usage errors and the like
        import click

        if isinstance(err, click.ClickException):
            err.show()
            sys.exit(err.exit_code)
        raise


if __name__ == "__main__":
    main()
