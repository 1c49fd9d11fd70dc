"""How a report reads: the change on the previous period and which columns get charted."""

from __future__ import annotations

from helpline_reports.metrics import Report
from helpline_reports.present import figures, full_table, headers, totals


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


def test_minutes_and_rates_carry_their_unit_and_counts_none():
    report = Report(
        name="first_response",
        label="First response time",
        columns=["team", "tickets", "median", "p90"],
        rows=[["Billing", 22, 147.5, 618.3]],
        totals={"tickets": 22.0, "median": 147.5},
        previous={"tickets": 20.0, "median": 150.0},
    )
    by_name = {t["name"]: t for t in totals(report)}
    median = by_name["median"]
    assert (median["value"], median["previous"]) == ("2 h 28 min", "2 h 30 min")
    assert by_name["tickets"]["value"] == "22"
    assert headers(report) == ["Team", "Tickets", "Median (min)", "P90 (min)"]
    rates = Report(name="breakdown", label="B", totals={"one_touch_rate": 40.0})
    assert totals(rates)[0]["value"] == "40%"


def test_business_time_statistics_stay_in_the_table_not_the_chart():
    report = Report(
        name="resolution",
        label="Resolution time",
        columns=["team", "tickets", "median", "p90", "business_median", "business_p90"],
        rows=[["Billing", 22, 100.0, 300.0, 40.0, 90.0]],
    )
    [chart] = figures(report)
    assert "Median" in chart and "90th percentile" in chart and "Business" not in chart
    assert full_table(report), "the table has the business-time figures the chart leaves out"


def test_a_table_whose_every_figure_is_charted_is_not_repeated_below():
    report = Report(
        name="nps",
        label="NPS",
        columns=["team", "responses", "promoters"],
        rows=[["Billing", 12, 7], ["Support", 30, 21]],
    )
    assert len(figures(report)) == 1 and not full_table(report)
    report.rows[0][2] = None  # a gap the chart would draw as 0: the table shows "—"
    assert full_table(report)


def test_figures_that_overlap_are_never_stacked():
    per_day = Report(
        name="volume",
        label="Volume",
        columns=["day", "created", "solved"],
        rows=[["2025-01-06", 3, 1]],
        series={"created": [("2025-01-06", 3.0)], "solved": [("2025-01-06", 1.0)]},
    )
    assert "chart-line" in figures(per_day, "stacked")[0]
    assert "chart-bar" in figures(per_day, "bar")[0]
    per_team = Report(
        name="first_response",
        label="First response time",
        columns=["team", "tickets", "median", "p90"],
        rows=[["Billing", 22, 147.5, 618.3]],
    )
    assert "chart-stacked" not in figures(per_team, "stacked")[0]
