"""How a report reads: the change on the previous period and which columns get charted."""

from __future__ import annotations

from helpline_reports.metrics import Report
from helpline_reports.present import figures, totals


def test_totals_show_the_direction_and_size_of_the_change():
    report = Report(
        name="x",
        label="X",
        totals={"created": 150.0, "solved": 50.0, "reopened": 0.0, "new_thing": 3.0},
        previous={"created": 100.0, "solved": 100.0, "reopened": 0.0, "new_thing": 0.0},
    )
    by_name = {t["name"]: t for t in totals(report)}
    assert (by_name["created"]["arrow"], by_name["created"]["change"]) == ("▲", "50%")
    assert (by_name["solved"]["arrow"], by_name["solved"]["change"]) == ("▼", "50%")
    assert (by_name["reopened"]["arrow"], by_name["reopened"]["change"]) == ("", "0%")
    assert by_name["new_thing"]["change"] == "new"


def test_a_distribution_charts_its_statistics_not_the_ticket_count_beside_them():
    report = Report(
        name="first_response",
        label="First response time",
        columns=["team", "tickets", "median", "p90"],
        rows=[["Billing", 22, 147.5, 618.3], ["Support", 48, 195.9, 659.2]],
    )
    [chart] = figures(report)
    assert "90th percentile" in chart and "Median" in chart
    assert ">Tickets<" not in chart


def test_a_per_day_table_is_not_charted_twice():
    report = Report(
        name="volume",
        label="Volume",
        columns=["day", "created"],
        rows=[["2025-01-06", 3]],
        series={"created": [("2025-01-06", 3.0)]},
    )
    assert len(figures(report)) == 1
