"""One table of exit codes, the README's, for every command."""

from __future__ import annotations

import re
from pathlib import Path

from casa_pipelines.errors import EXIT_CODES, PipelineError
from casa_pipelines.referentials import errors as referential_errors

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_documents_every_exit_code() -> None:
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", README.read_text(encoding="utf-8"), re.MULTILINE)}
    assert documented == set(EXIT_CODES)


def test_the_referential_errors_exit_with_the_documented_codes() -> None:
    """The référentiel pipeline had its own codes: 4 was 'validation failed'
    there and 'wrong definition' here, 6 and 7 were in no table."""
    for name in ("UnknownReferential", "SourceError", "ValidationFailed", "PublishError", "StoreError"):
        error = getattr(referential_errors, name)
        assert issubclass(error, PipelineError), name
        assert error.exit_code in EXIT_CODES, name
    assert referential_errors.ValidationFailed.exit_code == 1
