"""The steward CLI ``casa``: a thin layer that parses arguments, calls the
pipeline stages, renders reports and progress with rich, and maps each
``PipelineError`` to one clear message and a documented exit code.

Every command exits with a code of ``casa_pipelines.errors.EXIT_CODES``
(listed by ``casa --help`` and in the README).
"""

from __future__ import annotations

import click

from casa_pipelines.cli import ingest, publish, recode, referentials, releases, source
from casa_pipelines.errors import EXIT_CODES

EPILOG = "Exit codes: " + "; ".join(f"{code} {en}" for code, (_fr, en) in EXIT_CODES.items()) + "."


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
def main() -> None:
    """Casa Urban Data: load, validate, publish and roll back data."""



def _register() -> None:
    """Every command group, named here: an import that fails stops the CLI
    with its error instead of leaving a command out."""
    for command in (ingest.validate_command, ingest.ingest_command, publish.publish_command,
                    publish.rollback_command, releases.releases_command, releases.diff_command,
                    releases.status_command, source.source, referentials.referentials,
                    recode.recode_command):
        main.add_command(command)


_register()
