"""Casa Urban Data pipelines: extract, validate, stage, release, publish."""

import os

# Arrow's jemalloc pool hands freed blocks back to the system; its default
# (mimalloc) kept about 50 MB more at the peak of staging a million rows
# (make bench-ingest). Read by pyarrow when it is first imported.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
