"""How a report reads: the change on the previous period and which columns get charted."""

from __future__ import annotations

import re
from datetime import date

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


def test_a_per_day_table_with_columns_of_its_own_is_shown_beside_its_series():
    csat = Report(
        name="csat",
        label="CSAT",
        columns=["day", "sent", "answered", "response_rate", "satisfied", "csat_pct"],
        rows=[["2025-01-06", 4, 2, 50.0, 1, 50.0], ["2025-01-07", 2, 0, 0.0, 0, None]],
        series={"csat_pct": [("2025-01-06", 50.0)]},
    )
    assert full_table(csat), "sent, answered and satisfied per day are in no chart"
    backlog = Report(
        name="backlog",
        label="Backlog",
        columns=["day", "backlog"],
        rows=[["2025-01-06", 3], ["2025-01-07", 2]],
        series={"backlog": [(date(2025, 1, 6), 3.0), (date(2025, 1, 7), 2.0)]},
    )
    assert not full_table(backlog), "the series chart's table has exactly these numbers"
    backlog.rows[1][1] = None  # a day the chart would draw as 0
    assert full_table(backlog)


def _ticks(markup: str) -> list[str]:
    wide = markup[markup.index("<svg") : markup.index("</svg>")]
    return re.findall(r'class="tick y"[^>]*>([^<]*)<', wide)


def test_percentages_get_a_chart_of_their_own_on_a_0_to_100_axis():
    report = Report(
        name="sla_compliance",
        label="SLA compliance",
        columns=[
            "team",
            "first_response_met",
            "first_response_breached",
            "first_response_pct",
            "met",
            "breached",
            "compliance_pct",
        ],
        rows=[["Billing", 3, 1, 75.0, 3, 1, 75.0], ["Support", 1, 1, 50.0, 1, 1, 50.0]],
    )
    counts, rates = figures(report)
    assert "First response met" in counts and "First response pct" not in counts
    assert "Compliance pct" not in counts and _ticks(counts)[-1] == "3"  # not 75: no % on it
    assert "First response pct" in rates and "Compliance pct" in rates and "Met<" not in rates
    assert _ticks(rates) == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert full_table(report), "not every count fits the chart: the table has them all"
    assert headers(report)[3] == "First response pct (%)"


def test_a_rate_series_is_drawn_apart_from_the_counts_on_a_percent_axis():
    report = Report(
        name="csat",
        label="CSAT",
        series={
            "answered": [("2025-01-06", 3.0)],
            "csat_pct": [("2025-01-06", 66.7)],
        },
    )
    counts, rates = figures(report)
    assert "Answered" in counts and "Csat pct" not in counts
    assert "Csat pct" in rates and _ticks(rates)[-1] == "100%"
    assert "66.7%" in rates
