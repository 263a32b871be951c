"""The steward CLI ``casa``: a thin layer that parses arguments, calls the
pipeline stages, renders reports and progress with rich, and maps each
``PipelineError`` to one clear message and a documented exit code.

Exit codes: 0 valid/done, 1 data not valid, 2 bad arguments, 3 unreadable or
unsafe source file, 4 wrong dataset definition, schema, suite or missing
référentiel, 5 staging/publication failed, 70 internal error (a bug), 130
interrupted (Ctrl-C).
"""

from __future__ import annotations

import click

from casa_pipelines.cli import ingest, publish, referentials, releases, source


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=__doc__.split("\n\n")[1])
def main() -> None:
    """Casa Urban Data: load, validate, publish and roll back data."""



def _register() -> None:
    """Every command group, named here: an import that fails stops the CLI
    with its error instead of leaving a command out."""
    for command in (ingest.validate_command, ingest.ingest_command, publish.publish_command,
                    publish.rollback_command, releases.releases_command, releases.diff_command,
                    releases.status_command, source.source, referentials.referentials):
        main.add_command(command)


_register()
