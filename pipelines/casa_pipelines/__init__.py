"""Casa Urban Data pipelines: extract, validate, stage, release, publish."""
