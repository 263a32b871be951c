"""Expectations of our own, for the rules GX's built-in ones cannot say:
parts that must add up to a total (men + women = population) or shares that
must add up to about 100 % (rounded to one decimal by the source).

They are written the way GX documents custom expectations (a map metric with
a pandas and an SQL implementation, and a ``MulticolumnMapExpectation``), so
the same suite entry runs on the in-memory table (``casa validate``) and on
the staged PostgreSQL table (``casa ingest``).

Suite entry::

    - type: expect_multicolumn_sum_to_be_close
      kwargs: {column_list: [hommes, femmes, population], last_column_is_total: true}
    - type: expect_multicolumn_sum_to_be_close
      kwargs: {column_list: [a_pct, b_pct, c_pct], sum_total: 100, tolerance: 0.5}
    - type: expect_multicolumn_sum_to_be_close
      kwargs: {column_list: [actifs, inactifs, population_15_plus], last_column_is_total: true,
               relative_tolerance: 0.01}
"""

from __future__ import annotations

from typing import Any, ClassVar

from great_expectations.compatibility.sqlalchemy import sqlalchemy as sa
from great_expectations.execution_engine import (
    PandasExecutionEngine,
    SqlAlchemyExecutionEngine,
)
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    MulticolumnMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)

METRIC = "multicolumn_sum.casa_close"


class MulticolumnSumClose(MulticolumnMapMetricProvider):
    condition_metric_name = METRIC
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser",
                             "ignore_row_if")
    condition_value_keys = ("sum_total", "tolerance", "relative_tolerance", "last_column_is_total")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: Any, **kwargs: Any) -> Any:
        frame = column_list.astype(float)
        if kwargs.get("last_column_is_total"):
            total = frame.iloc[:, -1]
            frame = frame.iloc[:, :-1]
        else:
            total = float(kwargs.get("sum_total") or 0)
        # A small epsilon absorbs binary floating point (0.1 + 0.2 != 0.3).
        allowed = float(kwargs.get("tolerance") or 0) + float(kwargs.get("relative_tolerance") or 0) * abs(total)
        return (frame.sum(axis=1, skipna=False) - total).abs() <= allowed + 1e-9

    @multicolumn_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column_list: list, **kwargs: Any) -> Any:
        if kwargs.get("last_column_is_total"):
            parts, total = column_list[:-1], column_list[-1]
        else:
            parts, total = column_list, sa.literal(float(kwargs.get("sum_total") or 0))
        allowed = float(kwargs.get("tolerance") or 0) + 1e-9
        relative = float(kwargs.get("relative_tolerance") or 0)
        if relative:
            return sa.func.abs(sum(parts) - total) <= allowed + relative * sa.func.abs(total)
        return sa.func.abs(sum(parts) - total) <= allowed


class ExpectMulticolumnSumToBeClose(MulticolumnMapExpectation):
    """The columns of ``column_list`` add up to ``sum_total`` (or to the last
    column of the list when ``last_column_is_total``), give or take ``tolerance``
    plus ``relative_tolerance`` times the total."""

    sum_total: float | None = None
    tolerance: float = 0.0
    relative_tolerance: float = 0.0  # a share of the total, e.g. 0.01 for 1 %
    last_column_is_total: bool = False

    map_metric: ClassVar[str] = METRIC
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", "sum_total", "tolerance", "relative_tolerance",
                                                  "last_column_is_total")
    args_keys: ClassVar[tuple[str, ...]] = ("column_list", "sum_total")


CUSTOM = {"ExpectMulticolumnSumToBeClose": ExpectMulticolumnSumToBeClose}
