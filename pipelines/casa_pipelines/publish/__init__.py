"""From a recorded release to the portal: the ``gate`` (validated, or every
failed rule waived; embargoes), the ``public_table`` built in one pass, and
the atomic ``swap`` that makes it live, then downloads and catalogue."""
