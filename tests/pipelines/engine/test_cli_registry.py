"""The CLI names each of its commands: none can go missing silently."""

from __future__ import annotations

import subprocess
import sys

from casa_pipelines.cli import main

COMMANDS = {"validate", "ingest", "publish", "rollback", "releases", "diff", "status", "source", "referentials",
            "recode"}


def test_every_command_is_registered() -> None:
    assert set(main.commands) == COMMANDS
    assert set(main.commands["referentials"].commands) == {"load", "list", "migrate"}  # type: ignore[attr-defined]
    assert set(main.commands["source"].commands) == {"export"}  # type: ignore[attr-defined]


def test_a_command_whose_import_fails_stops_the_cli_instead_of_vanishing() -> None:
    """The référentiel commands' dependencies made `_register` return early
    when one failed to import: publish, releases, rollback, diff and status
    were then missing from `casa --help`, with no error."""
    code = ("import sys\n"
            "sys.modules['casa_pipelines.referentials.store'] = None  # its import now fails\n"
            "try:\n"
            "    from casa_pipelines.cli import main\n"
            "except ImportError:\n"
            "    sys.exit(3)\n"
            "print(sorted(main.commands))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 3, done.stdout + done.stderr
