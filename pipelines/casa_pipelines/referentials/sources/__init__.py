"""Source adapters: each turns a source into rows of its référentiel's Table Schema."""
