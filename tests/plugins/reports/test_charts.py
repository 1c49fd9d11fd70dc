"""Server-rendered SVG charts: well-formed, the right marks, accessible and escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from helpline_reports.charts import Chart, figure, from_series, nice_ticks, svg, table

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quotes"'


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def week(kind: str = "line", **series: list[float]) -> Chart:
    days = [f"2026-11-{d:02d}" for d in range(16, 23)]
    return Chart(kind=kind, title="Tickets this week", x=days, series=series, x_title="Day")


def test_a_line_chart_has_one_point_per_day_and_series():
    root = parse(svg(week(created=[1, 2, 3, 4, 5, 6, 7], solved=[0, 1, 1, 2, 3, 5, 8])))
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f".//{SVG}circle")) == 14
    assert len(root.findall(f".//{SVG}polyline")) == 2


def test_a_bar_chart_has_one_bar_per_category():
    chart = Chart(
        kind="bar", title="By team", x=["Billing", "Support", "Sales"], series={"n": [3, 9, 0]}
    )
    bars = parse(svg(chart)).findall(f".//{SVG}rect[@class='bar']")
    assert len(bars) == 3
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] > heights[0] > heights[2] == 0


def test_grouped_bars_sit_side_by_side_and_stacked_bars_on_top_of_each_other():
    grouped = parse(svg(week("bar", a=[1] * 7, b=[2] * 7))).findall(f".//{SVG}rect[@class='bar']")
    stacked = parse(svg(week("stacked", a=[1] * 7, b=[2] * 7))).findall(
        f".//{SVG}rect[@class='bar']"
    )
    assert len(grouped) == len(stacked) == 14
    # First day: grouped bars share a baseline, stacked ones do not.
    assert grouped[0].get("x") != grouped[7].get("x")
    assert stacked[0].get("x") == stacked[7].get("x")
    bottom_of_b = float(stacked[7].get("y")) + float(stacked[7].get("height"))
    assert bottom_of_b == pytest.approx(float(stacked[0].get("y")))


def test_a_chart_names_itself_to_screen_readers_and_scales_with_its_box():
    root = parse(svg(week(created=[1] * 7)))
    assert root.get("role") == "img" and root.get("viewBox") == "0 0 640 300"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Tickets this week"
    assert "2026-11-16" in desc.text and "2026-11-22" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_hostile_labels_come_out_escaped_in_the_chart_and_the_table():
    chart = Chart(
        kind="bar", title=HOSTILE, x=[HOSTILE, "ok"], series={HOSTILE: [1, 2]}, description=HOSTILE
    )
    for markup in (svg(chart), table(chart), figure(chart)):
        assert "<script>" not in markup
        assert "&lt;script&gt;" in markup
        parse(markup)  # still well-formed XML
    legendless = parse(svg(chart))
    assert legendless.find(f"{SVG}title").text == HOSTILE


def test_several_series_get_a_legend_with_every_name():
    root = parse(svg(week(created=[1] * 7, solved=[2] * 7, reopened=[0] * 7)))
    names = [t.text for t in root.findall(f".//{SVG}g[@class='legend']/{SVG}text")]
    assert names == ["created", "solved", "reopened"]


def test_lines_differ_by_dash_pattern_so_they_survive_black_and_white_printing():
    root = parse(svg(week(a=[1] * 7, b=[2] * 7, c=[3] * 7)))
    dashes = [p.get("stroke-dasharray") for p in root.findall(f".//{SVG}polyline")]
    assert len(set(dashes)) == 3


def test_the_data_table_shows_the_same_numbers_as_the_chart():
    chart = week("stacked", email=[1, 2, 3, 4, 5, 6, 1234], chat=[0, 0, 1, 0, 0, 0, 0.5])
    root = parse(table(chart))
    rows = root.findall("./tbody/tr")
    assert len(rows) == 7
    last = [c.text for c in rows[-1]]
    assert last == ["2026-11-22", "1,234", "0.5", "1,234.5"]
    assert [th.text for th in root.findall("./thead/tr/th")] == ["Day", "email", "chat", "Total"]


def test_an_empty_chart_says_there_is_no_data():
    chart = Chart(kind="line", title="Nothing", x=[], series={})
    assert "No data for this period" in svg(chart)
    assert "No data for this period" in table(chart)


def test_many_days_get_thinned_axis_labels_but_every_point():
    days = [f"d{i}" for i in range(90)]
    root = parse(svg(Chart(kind="line", title="Quarter", x=days, series={"n": list(range(90))})))
    assert len(root.findall(f".//{SVG}circle")) == 90
    assert len(root.findall(f".//{SVG}text[@class='tick x']")) <= 10


def test_ticks_are_round_numbers_covering_the_values():
    assert nice_ticks(0, 7) == [0, 2, 4, 6, 8]
    assert nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(-3, 10)[0] <= -3


def test_series_with_gaps_are_aligned_by_day():
    chart = from_series(
        "Volume",
        {
            "created": [(date(2026, 11, 1), 3.0), (date(2026, 11, 2), 1.0)],
            "solved": [(date(2026, 11, 2), 2.0)],
        },
    )
    assert chart.x == ["2026-11-01", "2026-11-02"]
    assert chart.series == {"created": [3.0, 1.0], "solved": [0.0, 2.0]}


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        Chart(kind="bar", title="x", x=["a"], series={"n": [1, 2]})


def test_a_per_day_table_opens_on_its_latest_days():
    days = from_series("Created", {"web": [(date(2025, 1, 6), 1.0)]})
    assert 'class="table-wrap report-data timeline"' in figure(days)
    teams = Chart(kind="bar", title="By team", x=["a"], series={"n": [1.0]})
    assert 'class="table-wrap report-data"' in figure(teams)


def test_counts_get_whole_number_ticks():
    assert nice_ticks(0, 2, whole=True) == [0, 1, 2]
    assert nice_ticks(0, 12, whole=True) == [0, 5, 10, 15]
    tickets = Chart(kind="stacked", title="Created", x=["a", "b"], series={"web": [1, 2]})
    assert ">0.5<" not in svg(tickets) and ">1.5<" not in svg(tickets)


def test_phones_get_the_chart_drawn_narrower_so_its_text_stays_readable():
    days = [f"2025-01-{d:02d}" for d in range(1, 31)]
    chart = Chart(kind="line", title="Month", x=days, series={"n": [1.0] * 30})
    markup = figure(chart)
    wide = markup[markup.index("<svg") : markup.index("</svg>") + 6]
    narrow = markup[markup.index("<svg", markup.index("</svg>")) :]
    narrow = narrow[: narrow.index("</svg>") + 6]
    assert 'viewBox="0 0 640 300"' in wide and "chart-wide" in wide
    assert 'viewBox="0 0 360 300"' in narrow and "chart-narrow" in narrow
    assert parse(wide).get("id") != parse(narrow).get("id"), "ids stay unique on the page"
    assert len(parse(narrow).findall(f".//{SVG}text[@class='tick x']")) < len(
        parse(wide).findall(f".//{SVG}text[@class='tick x']")
    )
