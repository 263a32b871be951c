"""The steward CLI ``casa``: a thin layer that parses arguments, calls the
pipeline stages, renders reports and progress with rich, and maps each
``PipelineError`` to one clear message and a documented exit code."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Casa Urban Data: load, validate, publish and roll back data."""


def _register() -> None:
    # Each area of the pipelines adds its own command group here.
    from casa_pipelines.referentials.cli import referentials

    main.add_command(referentials)


_register()
