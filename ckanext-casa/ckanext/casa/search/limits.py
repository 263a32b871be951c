"""Bounds on query shape, checked before luqum parses a query.

luqum builds and the compiler walks the query tree recursively: a query of
thousands of nested parentheses ran out of Python's recursion limit
(RecursionError, a server error). Solr itself refuses such queries too
(its parser has a nesting limit), so a clear refusal loses nothing.
"""

from __future__ import annotations

# Far beyond any query a person or a client library writes (CKAN's own
# facet filters nest two or three levels).
MAX_NESTING = 100


def nesting_depth(text: str) -> int:
    """The deepest level of parentheses outside quoted phrases and escapes."""
    depth = deepest = 0
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif not quoted and char == ")":
            depth = max(depth - 1, 0)
    return deepest


def too_deep(text: str) -> str | None:
    """The message refusing ``text``, or None when its nesting is fine."""
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        return (f"The query is nested {depth} levels deep in parentheses; "
                f"at most {MAX_NESTING} levels are accepted")
    return None
