"""Inline SVG charts: valid, accessible, escaped, deterministic, and drawn to scale."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from itertools import pairwise

import pytest

from pmsite import charts

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = ["<script>alert(1)</script>", '" onload="x', "a & b 'c'", "bell\x07 nul\x00 esc\x1b"]
MONTHS = [f"{2020 + m // 12}-{m % 12 + 1:02d}" for m in range(60)]
QUARTERS = ["2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"]
DECIMALS = re.compile(r"-?\d+\.\d{3,}")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def tag(el: ET.Element) -> str:
    return el.tag.removeprefix(NS)


def find_all(root: ET.Element, name: str, cls: str | None = None) -> list[ET.Element]:
    found = root.iter(NS + name)
    return [el for el in found if cls is None or cls in el.get("class", "").split()]


def group(root: ET.Element, cls: str) -> ET.Element:
    (g,) = find_all(root, "g", cls)
    return g


def text_of(el: ET.Element) -> str:
    return "".join(el.itertext())


def title_of(el: ET.Element) -> str:
    t = el.find(NS + "title")
    assert t is not None
    return t.text or ""


def num(el: ET.Element, attr: str) -> float:
    return float(el.get(attr, "nan"))


def view_box(root: ET.Element) -> list[float]:
    return [float(v) for v in root.get("viewBox", "").split()]


def every_chart(text: str) -> dict[str, Callable[[], str]]:
    """Each chart type with ``text`` in every slot an author can fill."""
    return {
        "stacked_bars": lambda: charts.stacked_bars(
            "c-stacked",
            f"Incidents {text}",
            MONTHS[:12],
            [(f"SEV1 {text}", [1] * 12), ("SEV2", [2] * 12)],
            y_label=text,
        ),
        "line_chart": lambda: charts.line_chart(
            "c-line", f"Times {text}", [*QUARTERS[:4], text], [(text, [1.5, None, 3, 4, 5])], y_label=text, unit=text
        ),
        "bar_chart": lambda: charts.bar_chart("c-bar", text, ["< 15m", text], [3, 1], y_label=text),
        "timeline_chart": lambda: charts.timeline_chart(
            "c-timeline", text, 3600, [(0, "trigger", text), (60, text, "x"), (90, "", f"{text} again")], detection=60
        ),
        "fishbone": lambda: charts.fishbone("c-fish", text, text, [(text, [text, "ok"]), ("process", [])]),
    }


CHARTS = every_chart("plain words")


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_is_an_accessible_scalable_svg(name: str) -> None:
    svg = CHARTS[name]()
    assert isinstance(svg, str) and svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="')
    root = parse(svg)
    chart_id = root.get("id")
    assert root.get("role") == "img" and root.get("class") == "pm-svg" and root.get("width") == "100%"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    box = view_box(root)
    assert len(box) == 4 and box[2] > 0 and box[3] > 0
    # title and desc come first and are what aria-labelledby points at
    first, second = list(root)[:2]
    assert (tag(first), first.get("id")) == ("title", f"{chart_id}-title") and (first.text or "").strip()
    assert (tag(second), second.get("id")) == ("desc", f"{chart_id}-desc") and len(second.text or "") > 10
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) == 3
    for el in root.iter():
        for attr, value in el.attrib.items():
            assert attr != "font-family" or value == "inherit"
            assert "url(" not in value
            assert not DECIMALS.search(value), f"{tag(el)} {attr}={value!r} has more than two decimals"


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("name", sorted(CHARTS))
def test_author_text_is_escaped(name: str, hostile: str) -> None:
    svg = every_chart(hostile)[name]()
    root = parse(svg)  # control characters are dropped, markup is escaped: still well-formed XML
    for el in root.iter():
        assert tag(el) not in {"script", "foreignObject", "a", "image", "use", "iframe", "style"}
        for attr in el.attrib:
            local = attr.rsplit("}", 1)[-1].lower()
            assert not local.startswith("on") and local != "href", f"{tag(el)} has {attr}"
    assert "<script" not in svg and 'onload="' not in svg
    shown = hostile.replace("\x07", "").replace("\x00", "").replace("\x1b", "")
    assert shown in text_of(root)  # the text survives, as text


def test_chart_id_only_names_the_ids() -> None:
    a = charts.bar_chart("one", "T", ["a"], [1])
    b = charts.bar_chart("two", "T", ["a"], [1])
    assert a.replace('"one', '"two').replace(" one-", " two-") == b


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_output_is_deterministic(name: str) -> None:
    assert CHARTS[name]() == CHARTS[name]()
    assert every_chart("x")[name]() != every_chart("y")[name]()


def _relative_luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    lo, hi = sorted((_relative_luminance(a), _relative_luminance(b)))
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("colour", sorted({*charts.PALETTE, *charts.KIND_COLOURS.values()}))
def test_colours_read_on_light_and_dark_backgrounds(colour: str) -> None:
    # white (default scheme) and Material's slate background; 3:1 is WCAG's bar for graphics
    assert _contrast(colour, "#ffffff") >= 3 and _contrast(colour, "#1e2029") >= 3


# --- stacked bars ---------------------------------------------------------------


def test_stacked_bar_heights_are_proportional_and_stacked() -> None:
    labels = ["2024-01", "2024-02", "2024-03", "2024-04"]
    data = {"SEV1": [3, 0, 5, 0], "SEV2": [1, 2, 0, 0], "SEV3": [2, 2, 5, 0]}
    root = parse(charts.stacked_bars("s", "Incidents", labels, list(data.items()), y_label="incidents"))
    rects = find_all(group(root, "pm-bars"), "rect")
    bars: dict[float, list[ET.Element]] = {}
    for r in rects:
        bars.setdefault(num(r, "x"), []).append(r)
    xs = sorted(bars)
    assert len(xs) == 3  # the empty month draws nothing
    per_unit = []
    for x, column in zip(xs, [0, 1, 2], strict=True):
        expected = [(s, values[column]) for s, values in enumerate(data.values()) if values[column]]
        assert [r.get("class") for r in bars[x]] == [f"pm-series-{s}" for s, _ in expected]
        assert [r.get("fill") for r in bars[x]] == [charts.PALETTE[s] for s, _ in expected]
        for r, (_, value) in zip(bars[x], expected, strict=True):
            per_unit.append(num(r, "height") / value)
        # segments touch: each one's top is the next one's bottom
        for lower, upper in pairwise(bars[x]):
            assert num(upper, "y") + num(upper, "height") == pytest.approx(num(lower, "y"), abs=0.011)
    assert max(per_unit) - min(per_unit) < 0.03
    # all bars stand on the same baseline
    bottoms = {round(num(r, "y") + num(r, "height"), 1) for x in xs for r in bars[x][:1]}
    assert len(bottoms) == 1
    legend = [text_of(t) for t in find_all(group(root, "pm-legend"), "text")]
    assert legend == list(data)
    desc = text_of(root.find(NS + "desc"))  # type: ignore[arg-type]
    assert "3 series over 4 months" in desc and "highest: 2024-03 with 10 incidents" in desc


def test_stacked_bars_y_axis_has_about_five_whole_ticks_covering_the_data() -> None:
    root = parse(charts.stacked_bars("s", "T", ["a", "b"], [("x", [7, 3]), ("y", [6, 0])]))
    ticks = [text_of(t) for t in find_all(group(root, "pm-axis-y"), "text")]
    assert all(re.fullmatch(r"\d+", t) for t in ticks)
    values = [int(t) for t in ticks]
    assert values[0] == 0 and values[-1] >= 13 and 4 <= len(values) <= 8 and values == sorted(values)


def test_many_x_labels_are_thinned_but_few_are_all_printed() -> None:
    series = [("SEV1", [1] * 60), ("SEV2", [m % 3 for m in range(60)])]
    root = parse(charts.stacked_bars("s", "T", MONTHS, series))
    printed = find_all(group(root, "pm-axis-x"), "text")
    bars = {num(r, "x") for r in find_all(group(root, "pm-bars"), "rect")}
    assert len(bars) == 60 and 5 <= len(printed) < len(bars)
    assert text_of(printed[0]) == MONTHS[0]
    # printed labels are spread far enough apart not to overlap (about 6.6px per glyph)
    positions = [num(t, "x") for t in printed]
    assert min(b - a for a, b in pairwise(positions)) >= 7 * 6.6
    few = parse(charts.stacked_bars("s", "T", MONTHS[:6], [("SEV1", [1] * 6)]))
    assert [text_of(t) for t in find_all(group(few, "pm-axis-x"), "text")] == MONTHS[:6]


def test_stacked_bars_tolerates_short_series_and_no_data() -> None:
    root = parse(charts.stacked_bars("s", "T", ["a", "b", "c"], [("x", [1])]))
    assert len(find_all(group(root, "pm-bars"), "rect")) == 1
    empty = parse(charts.stacked_bars("s", "T", [], []))
    assert not find_all(group(empty, "pm-bars"), "rect")


# --- bars and lines -------------------------------------------------------------


def test_bar_chart_prints_each_value_and_draws_to_scale() -> None:
    labels = ["< 15m", "15–30m", "30m–1h", "1–2h"]
    values = [4, 0, 1, 2]
    root = parse(charts.bar_chart("b", "Durations", labels, values, y_label="incidents"))
    assert [text_of(t) for t in find_all(group(root, "pm-values"), "text")] == ["4", "0", "1", "2"]
    rects = find_all(group(root, "pm-bars"), "rect")
    assert [title_of(r) for r in rects] == ["< 15m: 4", "30m–1h: 1", "1–2h: 2"]
    heights = [num(r, "height") for r in rects]
    assert heights[0] == pytest.approx(4 * heights[1], abs=0.03) and heights[2] == pytest.approx(
        2 * heights[1], abs=0.03
    )


def test_line_chart_breaks_at_missing_values() -> None:
    labels = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07"]
    root = parse(charts.line_chart("l", "MTTR", labels, [("MTTR", [10, 20, None, 40, 50.5, None, 70])], unit="min"))
    lines = find_all(root, "polyline")
    runs = [[tuple(map(float, p.split(","))) for p in line.get("points", "").split()] for line in lines]
    assert [len(r) for r in runs] == [2, 2]  # the lone last point has a marker but no line
    assert all(line.get("fill") == "none" and line.get("stroke") == charts.PALETTE[0] for line in lines)
    circles = find_all(root, "circle")
    assert [c.get("r") for c in circles] == ["3"] * 5
    assert [title_of(c) for c in circles] == [
        f"MTTR, {label}: {value} min"
        for label, value in zip(labels, ["10", "20", "", "40", "50.5", "", "70"], strict=True)
        if value
    ]
    xs = [num(c, "cx") for c in circles]
    assert [p[0] for p in runs[0] + runs[1]] == xs[:4]
    assert xs == sorted(xs)
    # higher values sit higher (smaller y)
    ys = [num(c, "cy") for c in circles]
    assert ys == sorted(ys, reverse=True)


def test_line_chart_without_any_value_draws_no_line() -> None:
    svg = charts.line_chart("l", "T", QUARTERS, [("a", [None] * 5), ("b", [])])
    root = parse(svg)
    assert not find_all(root, "polyline") and not find_all(root, "circle")
    assert "no data" in text_of(root.find(NS + "desc"))  # type: ignore[arg-type]


# --- timeline -------------------------------------------------------------------


def _markers(root: ET.Element) -> dict[str, ET.Element]:
    return {title_of(c).split(": ", 1)[1]: c for c in find_all(root, "circle", "pm-marker")}


def test_timeline_places_markers_by_offset_and_clamps_outliers() -> None:
    offsets = {"start": 0.0, "one minute": 60.0, "ten minutes": 600.0, "half an hour": 1800.0, "an hour": 3600.0}
    events = [(offset, "other", label) for label, offset in reversed(offsets.items())]
    events += [(-500.0, "trigger", "before"), (99999.0, "resolution", "after")]
    root = parse(charts.timeline_chart("t", "T", 3600, events))
    markers = _markers(root)
    xs = [num(markers[label], "cx") for label in offsets]
    assert all(a < b for a, b in pairwise(xs))
    # proportional: ten minutes is a sixth of the way along the hour
    assert (xs[2] - xs[0]) / (xs[4] - xs[0]) == pytest.approx(1 / 6, abs=0.001)
    assert num(markers["before"], "cx") == xs[0] and num(markers["after"], "cx") == xs[4]
    assert markers["before"].get("fill") == charts.KIND_COLOURS["trigger"]
    assert "pm-kind-resolution" in markers["after"].get("class", "")


def test_timeline_staggers_close_events_into_lanes() -> None:
    events = [(float(i), "decision", f"e{i}") for i in range(4)]
    markers = _markers(parse(charts.timeline_chart("t", "T", 3600, events)))
    assert len({num(m, "cy") for m in markers.values()}) == 4


def test_timeline_titles_are_truncated_and_kinds_normalised() -> None:
    long = "word " * 100
    root = parse(charts.timeline_chart("t", "T", 60, [(5, "", long), (6, "Made Up", "odd")]))
    circles = find_all(root, "circle", "pm-marker")
    text = title_of(circles[0])
    label = text.split(": ", 1)[1]
    assert len(label) <= 120 and label.endswith("…") and label.startswith("word word")
    assert "pm-kind-unspecified" in circles[0].get("class", "")
    assert "pm-kind-other" in circles[1].get("class", "") and circles[1].get("fill") == charts.KIND_COLOURS["other"]


def _ticks(root: ET.Element) -> list[str]:
    return [text_of(t) for t in find_all(group(root, "pm-axis-x"), "text")]


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (5400, ["0", "15m", "30m", "45m", "1h", "1h 15m", "1h 30m"]),
        (2 * 86400, ["0", "12h", "1d", "1d 12h", "2d"]),
        (50, ["0", "10s", "20s", "30s", "40s", "50s"]),
        (0, ["0", "1s"]),
    ],
)
def test_timeline_ticks_read_in_human_units(total: float, expected: list[str]) -> None:
    assert _ticks(parse(charts.timeline_chart("t", "T", total, []))) == expected


def test_timeline_milestones_are_dashed_labelled_lines() -> None:
    root = parse(
        charts.timeline_chart("t", "T", 3600, [(0, "trigger", "go")], detection=120, mitigation=1800, resolution=3000)
    )
    lines = find_all(root, "line", "pm-milestone")
    assert [line.get("class", "").split()[-1] for line in lines] == [
        "pm-milestone-detected",
        "pm-milestone-mitigated",
        "pm-milestone-resolved",
    ]
    assert all(line.get("stroke-dasharray") for line in lines)
    xs = [num(line, "x1") for line in lines]
    assert all(a < b for a, b in pairwise(xs))
    assert {"detected", "mitigated", "resolved"} <= {text_of(t) for t in find_all(root, "text")}
    none = parse(charts.timeline_chart("t", "T", 3600, [], detection=120))
    assert len(find_all(none, "line", "pm-milestone")) == 1


# --- fishbone -------------------------------------------------------------------


def _factors(root: ET.Element) -> list[str]:
    return [text_of(t).strip() for t in find_all(root, "text", "pm-factor")]


@pytest.mark.parametrize("count", range(1, 9))
def test_fishbone_shows_every_category(count: int) -> None:
    cats = ["people", "process", "technology", "environment", "monitoring", "tooling", "vendors", "communication"][
        :count
    ]
    branches = [(c, [f"{c} factor {j}" for j in range(i % 3)]) for i, c in enumerate(cats)]
    root = parse(charts.fishbone("f", "Factors", "INC-1", branches))
    labels = find_all(root, "text", "pm-category")
    assert [text_of(t) for t in labels] == cats
    assert sorted(_factors(root)) == sorted(item for _, items in branches for item in items)
    assert "INC-1" in text_of(group(root, "pm-effect"))
    # alternate sides: even branches above the spine, odd ones below
    (spine,) = find_all(root, "line", "pm-spine")
    for i, label in enumerate(labels):
        assert (num(label, "y") < num(spine, "y1")) == (i % 2 == 0)


def test_fishbone_caps_items_and_truncates_long_ones() -> None:
    items = [f"factor {i}" for i in range(9)]
    long = "a very long description of a contributing factor that keeps going and going"
    root = parse(charts.fishbone("f", "T", "Outage", [("process", items), ("people", [long]), ("empty", [])]))
    factors = _factors(root)
    assert factors[:7] == [*items[:6], "+3 more"]
    assert factors[7].endswith("…") and len(factors[7]) <= 60 and long.startswith(factors[7][:-1].strip())
    assert "empty" in [text_of(t) for t in find_all(root, "text", "pm-category")]


def test_fishbone_grows_with_items() -> None:
    small = parse(charts.fishbone("f", "T", "E", [("a", ["x"]), ("b", ["y"])]))
    big = parse(charts.fishbone("f", "T", "E", [("a", ["x"] * 6), ("b", ["y"] * 6)]))
    assert view_box(big)[3] > view_box(small)[3] + 50


def test_fishbone_text_stays_inside_the_view_box() -> None:
    branches = [(f"category {i}", ["x" * 60] * 6) for i in range(8)]
    root = parse(charts.fishbone("f", "T", "E" * 80, branches))
    _, _, width, height = view_box(root)
    for el in root.iter():
        for attr in ("x", "y", "x1", "x2", "y1", "y2"):
            if el.get(attr) is not None:
                assert 0 <= num(el, attr) <= (width if attr.startswith("x") else height)


# --- speed ----------------------------------------------------------------------


def test_charts_are_cheap_enough_for_thousands_of_pages() -> None:
    events = [(i * 300.0, kind, f"event {i}") for i, kind in enumerate([*charts.KIND_COLOURS, "", "trigger", "other"])]
    runs = 200
    start = time.perf_counter()
    for _ in range(runs):
        charts.timeline_chart("t", "T", 3600, events, detection=300, mitigation=1500, resolution=3300)
    per_call = (time.perf_counter() - start) / runs
    assert per_call < 0.005  # generous for loaded CI; typically ~0.2 ms
