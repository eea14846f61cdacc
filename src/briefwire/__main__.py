"""`python -m briefwire`: the same as the `briefwire` command (exit codes included)."""

from briefwire.cli import main

main()
