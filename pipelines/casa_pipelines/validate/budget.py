"""A bound on the issues a report keeps, with every issue still counted.

A file in which every one of a million rows fails holds millions of issues:
keeping them all took 2 GB and nobody reads past the first screen. The
checks offer each issue here; the first ``MAX_PER_KIND`` of each type and
column are kept (in the order the checks find them, which is file order),
and all of them are counted, so the report gives exact totals and says how
many it left out.
"""

from __future__ import annotations

from collections import Counter

from casa_pipelines.validate.issue import Issue

# Issues kept per (type, column); documented in the README (steward CLI).
MAX_PER_KIND = 100


class IssueList(list[Issue]):
    """The kept issues, with ``totals`` (every issue found, by type)."""

    def __init__(self, issues: list[Issue] | None = None, totals: Counter[str] | None = None) -> None:
        super().__init__(issues or [])
        self.totals: Counter[str] = totals if totals is not None else Counter(i.type for i in self)

    @property
    def omitted(self) -> int:
        return sum(self.totals.values()) - len(self)


class IssueBudget:
    """Counts every issue, keeps the first ``per_kind`` of each type and column (all if None)."""

    def __init__(self, per_kind: int | None = MAX_PER_KIND) -> None:
        self.per_kind = per_kind
        self.kept: list[Issue] = []
        self.totals: Counter[str] = Counter()
        self._taken: Counter[tuple[str, str | int | None]] = Counter()

    def take(self, kind: str, column: str | int | None, n: int = 1) -> bool:
        """Count ``n`` issues of ``kind`` in ``column``; True while the next one is to be kept
        (so that a caller builds an ``Issue`` only for the ones kept)."""
        self.totals[kind] += n
        if self.per_kind is None:
            return True
        key = (kind, column)
        if self._taken[key] >= self.per_kind:
            return False
        self._taken[key] += 1
        return True

    def offer(self, issue: Issue) -> None:
        if self.take(issue.type, issue.field_name or issue.field_number):
            self.kept.append(issue)

    def result(self) -> IssueList:
        return IssueList(self.kept, self.totals)


def bounded(issues: list[Issue], per_kind: int = MAX_PER_KIND) -> IssueList:
    """``issues`` as an ``IssueList``: already bounded ones as they are, others cut to the budget."""
    if isinstance(issues, IssueList):
        return issues
    budget = IssueBudget(per_kind)
    for issue in issues:
        budget.offer(issue)
    return budget.result()
