"""The steward CLI ``casa``. Commands are added by the pipeline modules."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("casa: no command yet", file=sys.stderr)
    return 2
