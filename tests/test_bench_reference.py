"""The benchmark's yardsticks answer, and its table divides each figure by the 50-row table's."""

from __future__ import annotations

from litestar.testing import TestClient

from portal.bench.reference import ROWS, create_reference_app
from portal.bench.run import BASELINE, Figures, Row, figures_of, format_table, pick_buyers, seed_terms


def test_reference_endpoints_answer() -> None:
    with TestClient(create_reference_app()) as client:
        plain = client.get("/plain")
        table = client.get("/table")
    assert plain.status_code == 200
    assert plain.text == "Hello, world!"
    assert table.status_code == 200
    assert table.headers["content-type"].startswith("text/html")
    # Rendered by the portal's own environment: its money filter and autoescaping.
    assert table.text.count('<tr id="row-') == ROWS
    assert "zł" in table.text
    assert "&lt;0&gt;" in table.text


def _cells(table: str, scenario: str) -> list[str]:
    line = next(line for line in table.splitlines() if line.startswith(f"| {scenario}"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_table_gives_ratios_to_the_bare_table() -> None:
    rows = [
        Row(BASELINE, Figures(1000, 20, 40), Figures(500, 2, 4), ""),
        Row("grid search", Figures(250, 80, 200), Figures(100, 10, 30), "4"),
        Row("checkout", None, Figures(50, 20, 8), "25", driver="httpx"),
    ]
    table = format_table(rows)
    baseline = _cells(table, BASELINE)
    assert baseline[1:7] == ["1,000", "1.00", "20.0", "1.00", "40.0", "1.00"]
    assert baseline[7:13] == ["500", "1.00", "2.00", "1.00", "4.00", "1.00"]
    grid = _cells(table, "grid search")
    assert grid[1:7] == ["250", "0.25", "80.0", "4.00", "200", "5.00"]
    assert grid[7:13] == ["100", "0.20", "10.0", "5.00", "30.0", "7.50"]
    assert grid[13] == "4"
    checkout = _cells(table, "checkout")
    assert checkout[0] == "checkout (httpx)"
    assert checkout[1:7] == ["—"] * 6
    assert checkout[7:9] == ["50.0", "0.10"]
    assert checkout[13] == "25"


def test_figures_from_latencies() -> None:
    figures = figures_of([0.001 * n for n in range(1, 101)], elapsed=2.0)
    assert figures.rps == 50
    assert figures.p50_ms == 50.5
    assert figures.p99_ms == 99


def test_seed_file_terms_and_buyers() -> None:
    seed = {
        "buyers": [{"email": "a@x.example"}, {"email": "b@y.example"}, {"email": "c@z.example"}],
        "search_terms": {
            "healthy": {"sku_fragments": [{"term": "din933-m8", "hits": 40}], "full_skus": ["DIN933-M8X40"]},
            "adversarial": {
                "brand_words": [{"term": "hxp", "hits": 9000}],
                "zero_hit": [{"term": "qqq", "hits": 0}],
                "eans": ["5901234123457"],
                "own_part_numbers": [{"email": "b@y.example", "term": "BM-1"}],
            },
        },
    }
    terms, part_numbers = seed_terms(seed)
    assert terms == {
        "sku fragments": ["din933-m8", "DIN933-M8X40"],
        "brand words": ["hxp"],
        "zero hits": ["qqq"],
        "EANs": ["5901234123457"],
    }
    assert part_numbers == {"b@y.example": ["BM-1"]}
    # A buyer with own part numbers comes first, so the adversarial mix has them.
    assert pick_buyers(seed, part_numbers, count=2) == ["b@y.example", "a@x.example"]
