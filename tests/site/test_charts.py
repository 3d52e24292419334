"""Inline SVG charts: two drawings per chart, accessible, escaped, deterministic and drawn to scale.

Every expected number below is worked out by hand from the plot geometry in ``pmsite/site/charts/``:

* a layout is (view box width, font size, plot height): WIDE (720, 13, 220), NARROW (340, 12, 190);
* the plot's top is ``font + 14`` with an axis title, else 8; its bottom is ``top + plot_h``;
* its left edge is the widest tick text (``len * font * CHAR_W``, CHAR_W = 0.6) plus 10; its right
  edge is ``width - 8``; each x label gets a slot of ``(right - left) / labels``, centred in it;
* a bar is 72 % of its slot wide; ``y(v) = bottom - plot_h * v / top_tick``.

Coordinates are printed with two decimals, so computed values are compared within 0.006.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator

import pytest
from lxml import etree

from pmsite.site import charts
from pmsite.site.charts import NARROW, WIDE, Layout

SVG = "{http://www.w3.org/2000/svg}"
ASCENT, DESCENT = 0.75, 0.25  # of the font size: glyphs above and below the baseline (digits, capitals)
MONTHS3 = ["2024-01", "2024-02", "2024-03"]
MONTHS5 = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
SPREADS5: list[tuple[float, float, float] | None] = [(10, 20, 40), (20, 30, 60), None, (30, 60, 90), (15, 45, 75)]
BINS = ["< 15m", "15–30m", "> 1d"]
# Markup, quotes, an ampersand, control characters XML cannot carry, lone surrogates, non-characters.
HOSTILE = "<script>alert(\"x\")</script> & 'q' \x00\x07\x1b\ud800\udfff\ufffe!"
HOSTILE_SHOWN = "<script>alert(\"x\")</script> & 'q' !"
TWO_DECIMALS = re.compile(r"\d\.\d{3,}")


# --- helpers -----------------------------------------------------------------


def drawings(markup: str) -> list[etree._Element]:
    """The chart's <svg> elements; parsing as UTF-8 bytes proves the markup well-formed and encodable."""
    root = etree.fromstring(b"<div>" + markup.encode("utf-8") + b"</div>")
    assert all(el.tag == SVG + "svg" for el in root), "nothing but <svg> elements at the top"
    return list(root)


def drawing(markup: str, layout: Layout) -> etree._Element:
    (svg,) = [el for el in drawings(markup) if el.get("class") == f"pm-svg pm-svg--{layout.name}"]
    return svg


def found(el: etree._Element, name: str, cls: str | None = None) -> list[etree._Element]:
    return [e for e in el.iter(SVG + name) if cls is None or cls in e.get("class", "").split()]


def group(svg: etree._Element, cls: str) -> etree._Element:
    (g,) = found(svg, "g", cls)
    return g


def children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if c.tag == SVG + name]


def attr(el: etree._Element, name: str) -> float:
    return float(el.get(name, "nan"))


def close(actual: float, expected: float) -> bool:
    return abs(actual - expected) <= 0.006


def title_of(el: etree._Element) -> str:
    (t,) = children(el, "title")
    return t.text or ""


def view_box(svg: etree._Element) -> tuple[float, float]:
    x, y, w, h = (float(v) for v in svg.get("viewBox", "").split())
    assert (x, y) == (0, 0)
    return w, h


def inherited(el: etree._Element, name: str, default: str) -> str:
    node: etree._Element | None = el
    while node is not None:
        if node.get(name) is not None:
            return str(node.get(name))
        node = node.getparent()
    return default


def text_boxes(svg: etree._Element) -> Iterator[tuple[str, float, float, float, float]]:
    """(text, left, right, top, bottom) of every <text>, estimated with the module's own glyph width."""
    for el in found(svg, "text"):
        node = el.getparent()
        while node is not None:
            assert node.get("transform") is None, "text inside a transformed group cannot be measured"
            node = node.getparent()
        text = "".join(el.itertext())
        size = float(inherited(el, "font-size", "nan"))
        width = len(text) * size * charts.CHAR_W
        x, y = attr(el, "x"), attr(el, "y")
        anchor = inherited(el, "text-anchor", "start")
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        yield text, left, left + width, y - ASCENT * size, y + DESCENT * size


def outside(svg: etree._Element) -> list[str]:
    width, height = view_box(svg)
    return [
        f"{text!r} [{left:.1f}, {right:.1f}] x [{top:.1f}, {bottom:.1f}] in {width} x {height}"
        for text, left, right, top, bottom in text_boxes(svg)
        if left < 0 or right > width or top < 0 or bottom > height
    ]


def x_label_problems(svg: etree._Element) -> list[str]:
    """Estimated x label boxes that overlap their neighbour or leave the view box."""
    width, _ = view_box(svg)
    boxes = sorted((left, right, text) for text, left, right, _, _ in text_boxes(group(svg, "pm-axis-x")))
    problems = [f"{a[2]!r} overlaps {b[2]!r} ({a[1]:.1f} > {b[0]:.1f})" for a, b in zip(boxes, boxes[1:]) if a[1] > b[0]]
    problems += [f"{t!r} at [{left:.1f}, {right:.1f}] leaves 0..{width}" for left, right, t in boxes if left < 0 or right > width]
    return problems


def x_labels(svg: etree._Element) -> list[str]:
    return ["".join(t.itertext()) for t in found(group(svg, "pm-axis-x"), "text")]


def months(n: int, start: int = 2024) -> list[str]:
    return [f"{start + m // 12}-{m % 12 + 1:02d}" for m in range(n)]


def quarters(n: int, start: int = 2020) -> list[str]:
    return [f"{start + q // 4}-Q{q % 4 + 1}" for q in range(n)]


BUILDERS: dict[str, Callable[[str], str]] = {
    "stacked_bars": lambda cid: charts.stacked_bars(
        cid, "Incidents per month by severity", MONTHS3, [("SEV1 · Critical", [1, 2, 0]), ("SEV2 · Major", [1, 3, 2])], y_title="incidents"
    ),
    "bar_chart": lambda cid: charts.bar_chart(cid, "Near misses per month", MONTHS3, [2, 0, 4], y_title="near misses"),
    "range_chart": lambda cid: charts.range_chart(cid, "Time to resolve per month", MONTHS5, SPREADS5, what="time to resolve"),
    "hbar_chart": lambda cid: charts.hbar_chart(cid, "Duration distribution", BINS, [3, 0, 6]),
    "grouped_bars": lambda cid: charts.grouped_bars(
        cid, "Actions opened and closed per month", MONTHS3, [("opened", [3, 0, 5]), ("closed", [1, 2, 0])], y_title="actions"
    ),
    "hbar_groups": lambda cid: charts.hbar_groups(
        cid, "Days to close by priority", ["critical", "high"], [("median days", [7.5, None]), ("mean days", [9.5, None])],
        targets=[7, 28], target_name="target window (days)",
    ),
}


def hostile_builders(text: str) -> dict[str, Callable[[], str]]:
    """Each chart with ``text`` in every place an author or a configuration can put words."""
    return {
        "stacked_bars": lambda: charts.stacked_bars(
            "s", text, [text, "2024-02"], [(text, [1, 2]), ("SEV2", [1, 0])], y_title=text[:8]
        ),
        "bar_chart": lambda: charts.bar_chart("b", text, [text, "b"], [1, 0], y_title=text[:8]),
        "range_chart": lambda: charts.range_chart("r", text, [text, "b"], [(1, 2, 3), (2, 3, 4)], what=text),
        "hbar_chart": lambda: charts.hbar_chart("h", text, [text, "b"], [1, 2], noun=text),
        "grouped_bars": lambda: charts.grouped_bars("g", text, [text, "2024-02"], [(text, [1, 2]), ("x", [0, 1])], y_title=text[:8]),
        "hbar_groups": lambda: charts.hbar_groups("hg", text, [text, "b"], [(text, [1, 2])], targets=[1, None], target_name=text),
    }


# --- small helpers of the module -----------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, ("minutes", 1.0)),
        (180, ("minutes", 1.0)),  # three hours still reads in minutes
        (180.5, ("hours", 60.0)),
        (181, ("hours", 60.0)),
        (4320, ("hours", 60.0)),  # exactly three days: still hours
        (4321, ("days", 1440.0)),
    ],
)
def test_time_unit_boundaries(minutes: float, expected: tuple[str, float]) -> None:
    assert charts.time_unit(minutes) == expected


@pytest.mark.parametrize(
    ("lo", "hi", "integer", "expected"),
    [
        (0, 0, True, [0, 1]),  # nothing to show: one unit, never a zero-height axis
        (0, 2, True, [0, 1, 2]),  # a step of 0.5 is not a count: rounded up to 1
        (0, 4, True, [0, 1, 2, 3, 4]),
        (0, 5, True, [0, 2, 4, 6]),  # 5 / 4 = 1.25 -> step 2
        (0, 9, True, [0, 5, 10]),  # 2.25 -> 5
        (0, 40, True, [0, 10, 20, 30, 40]),  # 10 exactly
        (0, 41, True, [0, 20, 40, 60]),  # 10.25 -> 20
        (0, 0, False, [0, 0.25, 0.5, 0.75, 1]),
        (0, 1.5, False, [0, 0.5, 1, 1.5]),  # 0.375 -> 0.5
        (0, 2.5, False, [0, 1, 2, 3]),  # 0.625 -> 1
        (0, 90, False, [0, 25, 50, 75, 100]),  # 22.5 -> 25
        (0, 6, False, [0, 2, 4, 6]),  # 1.5 -> 2
    ],
)
def test_ticks_are_round_and_cover_the_range(lo: float, hi: float, integer: bool, expected: list[float]) -> None:
    assert charts.ticks(lo, hi, integer=integer) == expected


@pytest.mark.parametrize(
    ("slot", "expected"),
    # "2024-01" at 12 px needs 7 * 12 * 0.6 + 12 = 62.4 px between label centres
    [(62.5, 1), (62.3, 2), (31.3, 2), (31.1, 3), (20.9, 3), (20.7, 4), (15.7, 4), (15.5, 6), (10.5, 6), (10.3, 8), (8.7444, 8), (7.7, 12), (1.0, 63)],
)
def test_label_every_spaces_labels_by_their_width(slot: float, expected: int) -> None:
    assert charts.label_every(["2024-01", "2024-02"], slot, 12) == expected


def test_label_every_measures_at_most_twenty_characters_and_copes_with_no_labels() -> None:
    assert charts.label_every([], 5.0, 12) == 1
    # 30 characters are printed as 20 (clipped): 20 * 10 * 0.6 + 10 = 130 px
    assert charts.label_every(["x" * 30], 130.1, 10) == 1
    assert charts.label_every(["x" * 30], 129.9, 10) == 2


@pytest.mark.parametrize(
    ("labels", "count", "expected"),
    [
        (["2024-01", "2024-02"], None, "months"),
        (["2024-01"], None, "month"),
        (["2024-01"], 3, "months"),
        (["2024-Q1", "2024-Q2"], None, "quarters"),
        (["2024-Q4"], None, "quarter"),
        (["2023", "2024"], None, "years"),
        (["2024"], None, "year"),
        (["2024-01", "2024-Q2"], None, "points"),  # mixed: no unit is obvious
        (["2024-13x"], None, "point"),
        ([], None, "points"),
    ],
)
def test_period_noun(labels: list[str], count: int | None, expected: str) -> None:
    assert charts.period_noun(labels, count) == expected


def test_layouts() -> None:
    assert (WIDE.name, WIDE.width, WIDE.font, WIDE.plot_h) == ("wide", 720, 13, 220)
    assert (NARROW.name, NARROW.width, NARROW.font, NARROW.plot_h) == ("narrow", 340, 12, 190)
    assert charts.LAYOUTS == (WIDE, NARROW)


def test_responsive_draws_every_layout_with_a_safe_id() -> None:
    calls: list[tuple[str, str]] = []

    def draw(layout: Layout, cid: str) -> str:
        calls.append((layout.name, cid))
        return f"[{cid}]"

    assert charts.responsive('x y"<z>', draw) == '[x-y--z--wide][x-y--z--narrow]'
    assert calls == [("wide", "x-y--z--wide"), ("narrow", "x-y--z--narrow")]
    assert charts.responsive("", draw) == "[chart-wide][chart-narrow]"


# --- every chart: structure, accessibility, determinism ---------------------------


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_two_accessible_drawings(name: str) -> None:
    markup = BUILDERS[name]("my-chart")
    assert markup.count("<svg ") == 2
    wide, narrow = drawings(markup)
    for svg, layout in ((wide, WIDE), (narrow, NARROW)):
        cid = f"my-chart-{layout.name}"
        assert svg.get("id") == cid
        assert svg.get("class") == f"pm-svg pm-svg--{layout.name}"
        assert svg.get("role") == "img"
        assert svg.get("font-size") == str(layout.font)
        width, height = view_box(svg)
        assert width == layout.width and 0 < height < 2000
        # aria-labelledby names the title and the description, which come first
        first, second = list(svg)[:2]
        assert svg.get("aria-labelledby") == f"{cid}-title {cid}-desc"
        assert (first.tag, first.get("id")) == (SVG + "title", f"{cid}-title")
        assert (second.tag, second.get("id")) == (SVG + "desc", f"{cid}-desc")
        for ref in svg.get("aria-labelledby", "").split():
            assert len(svg.xpath("//*[@id=$ref]", ref=ref)) == 1
        assert (first.text or "").strip() and (second.text or "").endswith(".")
    assert (wide.get("viewBox") or "").startswith("0 0 720 ") and (narrow.get("viewBox") or "").startswith("0 0 340 ")
    assert (wide.get("font-size"), narrow.get("font-size")) == ("13", "12")


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_ids_are_unique_and_every_reference_resolves(name: str) -> None:
    svgs = drawings(BUILDERS[name]("c"))
    ids = [el.get("id") for svg in svgs for el in svg.iter() if el.get("id") is not None]
    assert len(ids) == len(set(ids))
    for svg in svgs:
        own = {el.get("id") for el in svg.iter() if el.get("id") is not None}
        for el in svg.iter():
            for value in el.attrib.values():
                for ref in re.findall(r"url\(#([^)]*)\)", value):
                    assert ref in own, f"{value} points outside its own drawing"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_output_is_deterministic_and_ids_follow_the_chart_id(name: str) -> None:
    a, again, b = BUILDERS[name]("alpha"), BUILDERS[name]("alpha"), BUILDERS[name]("beta")
    assert a.encode() == again.encode()
    ids_a = {el.get("id") for svg in drawings(a) for el in svg.iter() if el.get("id")}
    ids_b = {el.get("id") for svg in drawings(b) for el in svg.iter() if el.get("id")}
    assert ids_a and ids_b and not ids_a & ids_b  # two charts on one page never share an id
    assert all(i.startswith("alpha-") for i in ids_a)
    # the id is the only difference
    assert a.replace("alpha-", "beta-") == b


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_coordinates_have_at_most_two_decimals(name: str) -> None:
    for svg in drawings(BUILDERS[name]("c")):
        for el in svg.iter():
            for key, value in el.attrib.items():
                assert not TWO_DECIMALS.search(value), f"{key}={value!r}"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_text_stays_inside_the_view_box(name: str) -> None:
    for svg in drawings(BUILDERS[name]("c")):
        assert outside(svg) == []


# --- escaping --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_author_text_is_escaped_and_unencodable_characters_dropped(name: str) -> None:
    markup = hostile_builders(HOSTILE)[name]()
    assert "<script" not in markup and "\x00" not in markup and "\ud800" not in markup
    svgs = drawings(markup)  # still well-formed, still UTF-8
    assert len(svgs) == 2
    for svg in svgs:
        for el in svg.iter():
            assert etree.QName(el).localname not in {"script", "foreignObject", "a", "image", "use", "style", "iframe"}
            assert not any(etree.QName(a).localname.lower().startswith("on") or "href" in a for a in el.attrib)
        # the title shows the words as written, without the characters XML cannot carry
        assert title_of(svg) == HOSTILE_SHOWN
        # the full label is in a tooltip (a <title> inside a mark)
        tooltips = [t.text or "" for t in svg.iter(SVG + "title") if t.getparent() is not svg]
        assert any(HOSTILE_SHOWN in t for t in tooltips)


def test_hostile_chart_id_becomes_a_safe_id() -> None:
    markup = charts.bar_chart('"><script>x', "T", ["a"], [1])
    wide, narrow = drawings(markup)
    assert (wide.get("id"), narrow.get("id")) == ("---script-x-wide", "---script-x-narrow")  # one dash for each of " > <
    for svg in (wide, narrow):
        for el in svg.iter():
            if el.get("id") is not None:
                assert re.fullmatch(r"[A-Za-z0-9_-]+", el.get("id", ""))


def test_long_labels_are_clipped_with_an_ellipsis_and_kept_whole_in_tooltips() -> None:
    label = "A label of thirty characters!!"
    assert len(label) == 30
    svg = drawing(charts.bar_chart("c", "T", [label], [1]), WIDE)
    assert x_labels(svg) == ["A label of thirty c…"]  # 19 characters and the ellipsis
    (bar,) = found(group(svg, "pm-bars"), "rect")
    assert title_of(bar) == f"{label}: 1"
    h = drawing(charts.hbar_chart("h", "T", [label], [1]), NARROW)
    first = found(group(h, "pm-hbars"), "text")[0]
    assert first.text == "A label of thirty chara…"  # 23 characters and the ellipsis


# --- bar_chart -----------------------------------------------------------------------


def test_bar_heights_are_proportional_to_values() -> None:
    markup = charts.bar_chart("c", "Near misses", ["2024-01", "2024-02"], [2, 4])
    # ticks 0..4 by 1; no axis title, but room is kept above the tallest bar for its value: top = font + 14.
    # WIDE: top 27, bottom 247, 55 px per unit; left 0.6 * 13 + 10 = 17.8, slot (712 - 17.8) / 2 = 347.1, bar 249.912.
    # NARROW: top 26, bottom 216, 47.5 px per unit; left 0.6 * 12 + 10 = 17.2, slot (332 - 17.2) / 2 = 157.4, bar 113.328.
    expected = {
        "wide": [(66.394, 137, 249.912, 110), (413.494, 27, 249.912, 220)],
        "narrow": [(39.236, 121, 113.328, 95), (196.636, 26, 113.328, 190)],
    }
    for layout in (WIDE, NARROW):
        svg = drawing(markup, layout)
        bars = found(group(svg, "pm-bars"), "rect")
        got = [(attr(r, "x"), attr(r, "y"), attr(r, "width"), attr(r, "height")) for r in bars]
        assert len(got) == 2
        for g, e in zip(got, expected[layout.name], strict=True):
            assert all(close(a, b) for a, b in zip(g, e, strict=True)), (layout.name, g, e)
        assert got[1][3] == 2 * got[0][3]  # twice the value, twice the height
        # every bar stands on the zero line
        assert {y + h for _, y, _, h in got} == {layout.font + 14 + layout.plot_h}
        assert [title_of(r) for r in bars] == ["2024-01: 2", "2024-02: 4"]
        assert all(r.get("fill") == charts.PALETTE[0] and r.get("class") == "pm-series-0" for r in bars)


def test_bar_values_are_printed_above_their_bars() -> None:
    svg = drawing(charts.bar_chart("c", "T", ["2024-01", "2024-02", "2024-03"], [2, 0, 4], y_title="near misses"), WIDE)
    # axis title: top = 13 + 14 = 27, bottom 247; ticks 0..4, 55 px per unit.
    values = group(svg, "pm-values")
    assert values.get("font-size") == "12"  # one smaller than the layout's 13
    assert [(t.text, attr(t, "y")) for t in found(values, "text")] == [("2", 133.0), ("4", 23.0)]  # 247 - 110 - 4; 27 - 4
    assert [t.text for t in found(group(svg, "pm-axis-y"), "text")] == ["0", "1", "2", "3", "4"]
    titles = [t.text for t in found(svg, "text", "pm-axis-title")]
    assert titles == ["near misses"]


def test_bar_value_above_the_tallest_bar_fits_without_an_axis_title() -> None:
    # Without y_title the plot starts at y = 8, the tallest bar reaches it, and its value is printed at
    # y = 8 - 4 = 4 in 12 px type: the digits (about 9 px tall) would rise above the view box.
    for svg in drawings(charts.bar_chart("c", "T", ["2024-01", "2024-02"], [2, 4])):
        assert outside(svg) == []


def test_bar_values_are_left_out_when_they_do_not_fit_their_slot() -> None:
    svg = drawing(charts.bar_chart("c", "T", months(60, 2020), [100] * 60, y_title="n"), NARROW)
    assert len(found(group(svg, "pm-bars"), "rect")) == 60
    assert found(group(svg, "pm-values"), "text") == []  # "100" needs 19.8 px, a slot is about 5 px


@pytest.mark.parametrize(
    ("labels", "values", "desc"),
    [
        (["2024-Q1", "2024-Q2", "2024-Q3"], [1, 3, 3], "3 quarters; 7 in all; highest: 2024-Q2 with 3."),
        (["2024-01"], [2], "1 month; 2 in all; highest: 2024-01 with 2."),
        (["a", "b", "c", "d"], [-3, None, float("nan"), 2.6], "4 points; 3 in all; highest: d with 3."),
        (["2023", "2024", "2025"], [1], "3 years; 1 in all; highest: 2023 with 1."),  # missing values are zero
        (["2024-01", "2024-02", "2024-03"], [0, 0, 0], "3 months; 0 in all."),
        ([], [], "0 points; 0 in all."),
    ],
)
def test_bar_chart_description(labels: list[str], values: list[int], desc: str) -> None:
    for svg in drawings(charts.bar_chart("c", "T", labels, values)):
        assert svg[1].text == desc


@pytest.mark.parametrize("values", [[0, 0, 0], [-1, None, 0]])
def test_bar_chart_with_nothing_to_draw_is_still_valid(values: list[int]) -> None:
    for svg in drawings(charts.bar_chart("c", "T", MONTHS3, values)):
        assert found(group(svg, "pm-bars"), "rect") == []
        assert found(group(svg, "pm-values"), "text") == []
        assert [t.text for t in found(group(svg, "pm-axis-y"), "text")] == ["0", "1"]
        assert x_labels(svg) == MONTHS3
    for svg in drawings(charts.bar_chart("c", "T", [], [])):
        assert found(svg, "rect") == [] and x_labels(svg) == []


# --- stacked_bars --------------------------------------------------------------------------


STACKED = [("SEV1 · Critical", [1, 2, 0]), ("SEV2 · Major", [1, 3, 2])]


def test_stacked_description() -> None:
    markup = charts.stacked_bars("c", "Incidents", MONTHS3, STACKED, y_title="incidents")
    for svg in drawings(markup):
        assert svg[1].text == "2 series over 3 months; 9 in all; highest: 2024-02 with 5."


def test_stacked_segments_are_to_scale_and_meet_exactly() -> None:
    markup = charts.stacked_bars("c", "Incidents", MONTHS3, STACKED, y_title="incidents")
    # totals 2, 5, 2 -> ticks 0, 2, 4, 6.
    # WIDE: top 27, bottom 247, 220 / 6 = 36.667 px per incident: y(1) = 210.33, y(2) = 173.67, y(5) = 63.67.
    # NARROW: top 26, bottom 216, 190 / 6 = 31.667 px: y(1) = 184.33, y(2) = 152.67, y(5) = 57.67.
    expected = {
        "wide": [
            ("p0", 210.33, 36.67), ("p1", 173.67, 36.66),  # 2024-01: 1 + 1
            ("p0", 173.67, 73.33), ("p1", 63.67, 110),  # 2024-02: 2 + 3
            ("p1", 173.67, 73.33),  # 2024-03: 0 + 2 (an empty segment is not drawn)
        ],
        "narrow": [
            ("p0", 184.33, 31.67), ("p1", 152.67, 31.66),
            ("p0", 152.67, 63.33), ("p1", 57.67, 95),
            ("p1", 152.67, 63.33),
        ],
    }
    for layout in (WIDE, NARROW):
        svg = drawing(markup, layout)
        cid = f"c-{layout.name}"
        rects = found(group(svg, "pm-bars"), "rect")
        got = [(r.get("fill", ""), attr(r, "y"), attr(r, "height")) for r in rects]
        want = [(f"url(#{cid}-{p})", y, h) for p, y, h in expected[layout.name]]
        assert len(got) == len(want)
        for (fill, y, h), (efill, ey, eh) in zip(got, want, strict=True):
            assert fill == efill and close(y, ey) and close(h, eh), (layout.name, (fill, y, h), (efill, ey, eh))
        bottom = {"wide": 247, "narrow": 216}[layout.name]
        # segments of one column share x and width; each one starts exactly where the one below ends
        columns: dict[str, list[etree._Element]] = {}
        for r in rects:
            columns.setdefault(r.get("x", ""), []).append(r)
        assert len(columns) == 3
        for column in columns.values():
            assert len({r.get("width") for r in column}) == 1
            assert round(attr(column[0], "y") + attr(column[0], "height"), 6) == bottom
            for lower, upper in zip(column, column[1:]):
                assert round(attr(upper, "y") + attr(upper, "height"), 6) == attr(lower, "y")
        assert [title_of(r) for r in rects] == [
            "2024-01, SEV1 · Critical: 1", "2024-01, SEV2 · Major: 1",
            "2024-02, SEV1 · Critical: 2", "2024-02, SEV2 · Major: 3",
            "2024-03, SEV2 · Major: 2",
        ]


def test_stacked_series_differ_by_pattern_and_have_a_legend() -> None:
    svg = drawing(charts.stacked_bars("c", "Incidents", MONTHS3, STACKED), WIDE)
    (defs,) = children(svg, "defs")
    patterns = children(defs, "pattern")
    assert [p.get("id") for p in patterns] == ["c-wide-p0", "c-wide-p1"]
    # colours from SEVERITY_COLOURS, and a different mark on each: not colour alone
    assert [children(p, "rect")[0].get("fill") for p in patterns] == ["#b2182b", "#d6604d"]
    marks = [[etree.tostring(c) for c in p][1:] for p in patterns]
    assert marks[0] == [] and len(marks[1]) == 1 and marks[0] != marks[1]
    legend = group(svg, "pm-legend")
    assert [t.text for t in found(legend, "text")] == ["SEV1 · Critical", "SEV2 · Major"]
    swatches = [r.get("fill") for r in found(legend, "rect")]
    assert swatches == ["url(#c-wide-p0)", "url(#c-wide-p1)"]


def test_six_series_have_six_different_patterns() -> None:
    series = [(f"S{i}", [1]) for i in range(6)]
    svg = drawing(charts.stacked_bars("c", "T", ["2024-01"], series), NARROW)
    patterns = children(children(svg, "defs")[0], "pattern")
    bodies = {b"".join(etree.tostring(c) for c in p) for p in patterns}
    assert len(patterns) == 6 and len(bodies) == 6


@pytest.mark.parametrize(
    ("labels", "series", "desc"),
    [
        (["2024-01", "2024-02"], [("A", [0, 0]), ("B", [0, 0])], "2 series over 2 months; 0 in all."),
        (["2024-01", "2024-02"], [], "0 series over 2 months; 0 in all."),
        ([], [("A", [])], "1 series over 0 points; 0 in all."),
        (["2024-Q1", "2024-Q2"], [("A", [-2, 1.4]), ("B", [None])], "2 series over 2 quarters; 1 in all; highest: 2024-Q2 with 1."),
    ],
)
def test_stacked_with_nothing_or_bad_values(labels: list[str], series: list[tuple[str, list[int]]], desc: str) -> None:
    for svg in drawings(charts.stacked_bars("c", "T", labels, series)):
        assert svg[1].text == desc
        bars = found(group(svg, "pm-bars"), "rect")
        assert len(bars) == (1 if "highest" in desc else 0)


# --- range_chart --------------------------------------------------------------------------------


def test_range_band_spans_the_middle_half_and_the_point_sits_at_the_median() -> None:
    markup = charts.range_chart("c", "Time to resolve", MONTHS5, SPREADS5, what="time to resolve")
    # highest p75 is 90 minutes -> minutes; ticks 0, 25, 50, 75, 100; axis title "minutes".
    # WIDE: top 27, bottom 247, 2.2 px per minute; left 3 * 7.8 + 10 = 33.4, slot 678.6 / 5 = 135.72,
    # centres 101.26, 236.98, 372.7, 508.42, 644.14; band width min(0.6 * 135.72, 28) = 28.
    svg = drawing(markup, WIDE)
    axis = group(svg, "pm-axis-y")
    assert [t.text for t in found(axis, "text")] == ["0", "25", "50", "75", "100"]
    assert [attr(line, "y1") for line in found(axis, "line")] == [247, 192, 137, 82, 27]
    assert [t.text for t in found(svg, "text", "pm-axis-title")] == ["minutes"]
    band = [(attr(r, "x"), attr(r, "y"), attr(r, "width"), attr(r, "height")) for r in found(group(svg, "pm-band"), "rect")]
    expected_band: list[tuple[float, float, float, float]]
    expected_band = [
        (87.26, 159, 28, 66),  # 10..40: y(40) = 247 - 88, y(10) = 247 - 22
        (222.98, 115, 28, 88),  # 20..60
        (494.42, 49, 28, 132),  # 30..90
        (630.14, 82, 28, 132),  # 15..75
    ]
    assert len(band) == 4
    for g, e in zip(band, expected_band, strict=True):
        assert all(close(a, b) for a, b in zip(g, e, strict=True)), (g, e)
    points = [(attr(c, "cx"), attr(c, "cy")) for c in found(group(svg, "pm-points"), "circle")]
    expected_points = [(101.26, 203), (236.98, 181), (508.42, 115), (644.14, 148)]  # medians 20, 30, 60, 45
    assert len(points) == 4
    for (cx, cy), (ex, ey) in zip(points, expected_points, strict=True):
        assert close(cx, ex) and close(cy, ey), ((cx, cy), (ex, ey))
    # checked against the axis: 20 minutes is four fifths of the way from the 0 line (247) to the 25 line (192)
    assert close(points[0][1], 247 - 0.8 * (247 - 192))
    # 60 minutes lies between the 50 (137) and 75 (82) lines, two fifths of the way up
    assert close(points[2][1], 137 - 0.4 * (137 - 82))
    tips = [title_of(r) for r in found(group(svg, "pm-band"), "rect")]
    assert tips == [
        "2024-01: middle half 10 to 40 minutes", "2024-02: middle half 20 to 60 minutes",
        "2024-04: middle half 30 to 90 minutes", "2024-05: middle half 15 to 75 minutes",
    ]
    assert title_of(found(group(svg, "pm-points"), "circle")[3]) == "2024-05: median 45 minutes"

    # NARROW: top 26, bottom 216, 1.9 px per minute.
    narrow = drawing(markup, NARROW)
    rects = found(group(narrow, "pm-band"), "rect")
    assert [(attr(r, "y"), attr(r, "height")) for r in rects] == [(140, 57), (102, 76), (45, 114), (73.5, 114)]
    assert [attr(c, "cy") for c in found(group(narrow, "pm-points"), "circle")] == [178, 159, 102, 130.5]


def test_a_period_without_data_breaks_the_median_line() -> None:
    svg = drawing(charts.range_chart("c", "T", MONTHS5, SPREADS5, what="time to resolve"), WIDE)
    lines = found(svg, "polyline")
    assert [line.get("points") for line in lines] == ["101.26,203 236.98,181", "508.42,115 644.14,148"]


def test_a_lone_period_is_a_point_without_a_line() -> None:
    svg = drawing(charts.range_chart("c", "T", MONTHS3, [(1, 2, 3), None, (1, 2, 3)], what="x"), WIDE)
    assert found(svg, "polyline") == []
    assert len(found(group(svg, "pm-points"), "circle")) == 2


@pytest.mark.parametrize(
    ("spreads", "desc", "unit", "ticks"),
    [
        (SPREADS5, "Median time to resolve per period with the middle half of incidents, over 5 months; "
         "highest median: 2024-04 with 60 minutes; 1 without data.", "minutes", ["0", "25", "50", "75", "100"]),
        ([(120, 240, 360)], "Median time to resolve per period with the middle half of incidents, over 1 month; "
         "highest median: 2024-01 with 4 hours.", "hours", ["0", "2", "4", "6"]),
        ([(60, 90, 200)], "Median time to resolve per period with the middle half of incidents, over 1 month; "
         "highest median: 2024-01 with 1.5 hours.", "hours", ["0", "1", "2", "3", "4"]),  # 200 / 60 = 3.33 -> step 1
        ([(1440, 2880, 5760)], "Median time to resolve per period with the middle half of incidents, over 1 month; "
         "highest median: 2024-01 with 2 days.", "days", ["0", "1", "2", "3", "4"]),
        ([None, None], "Median time to resolve per period with the middle half of incidents, over 2 months; no data.",
         "minutes", None),
        ([(1, float("nan"), 3)], "Median time to resolve per period with the middle half of incidents, over 1 month; no data.",
         "minutes", None),
        ([(0.2, 0.5, 0.9)], "Median time to resolve per period with the middle half of incidents, over 1 month; "
         "highest median: 2024-01 with 0.5 minutes.", "minutes", None),
        ([(5, 10, 20), (5, 10, 30)], "Median time to resolve per period with the middle half of incidents, over 2 months; "
         "highest median: 2024-01 with 10 minutes.", "minutes", ["0", "10", "20", "30"]),  # a tie: the first
    ],
)
def test_range_description_unit_and_axis(
    spreads: list[tuple[float, float, float] | None], desc: str, unit: str, ticks: list[str] | None
) -> None:
    labels = MONTHS5[: len(spreads)]
    for svg in drawings(charts.range_chart("c", "T", labels, spreads, what="time to resolve")):
        assert svg[1].text == desc
        assert [t.text for t in found(svg, "text", "pm-axis-title")] == [unit]
        if ticks is not None:  # fractional ticks: see the next test
            assert [t.text for t in found(group(svg, "pm-axis-y"), "text")] == ticks


def test_fractional_ticks_are_labelled_with_their_value() -> None:
    # Under a minute (time to detect by an alert) or no data at all, the axis runs 0..1 in steps of 0.25:
    # a tick drawn at 0.25 must not read "0.2", nor one at 0.75 "0.8".
    assert charts.ticks(0, 0.9, integer=False) == [0, 0.25, 0.5, 0.75, 1]
    wrong = []
    cases: list[list[tuple[float, float, float] | None]] = [[(0.2, 0.5, 0.9)], [None], [(1, float("nan"), 3)]]
    for spreads in cases:
        for svg in drawings(charts.range_chart("c", "T", ["2024-01"], spreads, what="time to detect")):
            axis = group(svg, "pm-axis-y")
            # each label sits on its grid line: label y = line y + 0.35 * font
            for line, text in zip(found(axis, "line"), found(axis, "text"), strict=True):
                assert close(attr(text, "y"), attr(line, "y1") + 0.35 * float(svg.get("font-size", "nan")))
            labels = [t.text for t in found(axis, "text")]
            if labels != ["0", "0.25", "0.5", "0.75", "1"]:
                wrong.append(f"{spreads} {svg.get('id')}: {labels}")
    assert wrong == []


def test_range_in_hours_is_drawn_in_hours() -> None:
    svg = drawing(charts.range_chart("c", "T", ["2024-01"], [(120, 240, 360)], what="x"), WIDE)
    # ticks 0, 2, 4, 6 hours; top 27, bottom 247: the band is 2..6 hours = 27 .. 247 - 220 * 2 / 6
    (band,) = found(group(svg, "pm-band"), "rect")
    assert close(attr(band, "y"), 27) and close(attr(band, "height"), 146.67)
    (point,) = found(group(svg, "pm-points"), "circle")
    assert close(attr(point, "cy"), 100.33)  # 4 hours: 247 - 220 * 4 / 6
    assert title_of(band) == "2024-01: middle half 2 to 6 hours"


def test_range_with_no_data_draws_no_marks() -> None:
    for svg in drawings(charts.range_chart("c", "T", MONTHS3, [None, None, None], what="x")):
        assert found(group(svg, "pm-band"), "rect") == []
        assert found(svg, "polyline") == []
        assert found(group(svg, "pm-points"), "circle") == []
        assert outside(svg) == []
    for svg in drawings(charts.range_chart("c", "T", [], [], what="x")):
        assert found(group(svg, "pm-points"), "circle") == []
        assert svg[1].text == "Median x per period with the middle half of incidents, over 0 points; no data."


def test_range_legend_explains_line_and_band() -> None:
    svg = drawing(charts.range_chart("c", "T", MONTHS3, [(1, 2, 3)] * 3, what="x", colour=2), NARROW)
    assert [t.text for t in found(group(svg, "pm-legend"), "text")] == ["median", "middle half (25th to 75th percentile)"]
    points = group(svg, "pm-points")
    assert points.get("fill") == "#009e73" and "pm-series-2" in (points.get("class") or "")
    assert {line.get("stroke") for line in found(svg, "polyline")} == {"#009e73"}


# --- hbar_chart ------------------------------------------------------------------------------------------


def test_hbar_prints_labels_and_values_and_draws_to_scale() -> None:
    markup = charts.hbar_chart("c", "Duration distribution", BINS, [3, 0, 6])
    # WIDE: rows of 13 + 14 = 27 px from y = 4; labels need 6 * 7.8 + 10 = 56.8 px; the value 1 * 7.8 + 8 = 15.8;
    # the bars' span is 720 - 56.8 - 15.8 - 4 = 643.4, so 3 -> 321.7 and 6 -> 643.4.
    # NARROW: rows of 26 px; labels 6 * 7.2 + 10 = 53.2; value 15.2; span 340 - 53.2 - 15.2 - 4 = 267.6.
    expected = {
        "wide": ([(56.8, 4, 321.7, 17), (56.8, 58, 643.4, 17)], [384.5, 62.8, 706.2], 89),
        "narrow": ([(53.2, 4, 133.8, 16), (53.2, 56, 267.6, 16)], [193, 59.2, 326.8], 86),
    }
    for layout in (WIDE, NARROW):
        svg = drawing(markup, layout)
        bars_e, values_x, height = expected[layout.name]
        assert view_box(svg) == (layout.width, height)
        rects = found(group(svg, "pm-hbars"), "rect")
        got = [(attr(r, "x"), attr(r, "y"), attr(r, "width"), attr(r, "height")) for r in rects]
        assert len(got) == 2  # no bar for the empty bin
        for g, e in zip(got, bars_e, strict=True):
            assert all(close(a, b) for a, b in zip(g, e, strict=True)), (layout.name, g, e)
        assert got[1][2] == 2 * got[0][2]
        texts = found(group(svg, "pm-hbars"), "text")
        labels = [t for t in texts if t.get("text-anchor") == "end"]
        values = [t for t in texts if t.get("text-anchor") is None]
        assert [t.text for t in labels] == ["< 15m", "15–30m", "> 1d"]
        assert [t.text for t in values] == ["3", "0", "6"]
        assert all(close(attr(t, "x"), x) for t, x in zip(values, values_x, strict=True))
        assert [title_of(r) for r in rects] == ["< 15m: 3", "> 1d: 6"]
        assert svg[1].text == "3 bars; 9 incidents in all; most: > 1d with 6."
    assert "&lt; 15m" in markup and "&gt; 1d" in markup


@pytest.mark.parametrize(
    ("labels", "values", "noun", "desc"),
    [
        (["x"], [2], "factors", "1 bar; 2 factors in all; most: x with 2."),
        (["a", "b"], [0, 0], "incidents", "2 bars; 0 incidents in all."),
        ([], [], "incidents", "0 bars; 0 incidents in all."),
        (["a", "b", "c"], [1, 4, 4], "incidents", "3 bars; 9 incidents in all; most: b with 4."),
    ],
)
def test_hbar_description(labels: list[str], values: list[int], noun: str, desc: str) -> None:
    for svg in drawings(charts.hbar_chart("c", "T", labels, values, noun=noun)):
        assert svg[1].text == desc
        assert len(found(svg, "rect")) == sum(1 for v in values if v)
        assert outside(svg) == []


def test_hbar_with_nothing_to_draw_is_still_valid() -> None:
    svg = drawing(charts.hbar_chart("c", "T", [], []), NARROW)
    assert view_box(svg) == (340, 8)
    assert found(svg, "text") == []


# --- grouped_bars -------------------------------------------------------------------------------------


def test_grouped_bars_stand_side_by_side_to_scale() -> None:
    markup = BUILDERS["grouped_bars"]("c")
    # WIDE: ticks 0, 2, 4, 6 (a step of 2 covers 5 in about four steps); left 0.6 * 13 + 10 = 17.8; slot (712 - 17.8) / 3
    # = 231.4; a group is 80 % of the slot, 185.12, one bar per series: 92.56 each, less a gap of 2 (1 on each side).
    # y(v) = 247 - 220 * v / 6. Group 0 starts at 17.8 + 231.4 * 0.1 = 40.94.
    svg = drawing(markup, WIDE)
    bars = found(group(svg, "pm-bars"), "rect")
    got = [(round(attr(r, "x"), 2), round(attr(r, "y"), 2), round(attr(r, "width"), 2), round(attr(r, "height"), 2)) for r in bars]
    assert got == [
        (41.94, 137, 90.56, 110),  # 2024-01 opened 3: 220 * 3 / 6 = 110 high
        (134.5, 210.33, 90.56, 36.67),  # 2024-01 closed 1, beside it: 40.94 + 92.56 + 1
        (365.9, 173.67, 90.56, 73.33),  # 2024-02 closed 2 (opened 0 draws nothing): 40.94 + 231.4 + 92.56 + 1
        (504.74, 63.67, 90.56, 183.33),  # 2024-03 opened 5: 40.94 + 2 * 231.4 + 1
    ]
    assert [title_of(r) for r in bars] == ["2024-01, opened: 3", "2024-01, closed: 1", "2024-02, closed: 2", "2024-03, opened: 5"]
    # the first series is plain, the second patterned: they differ by more than colour
    assert bars[0].get("class") == "pm-series-0" and bars[1].get("fill") == "url(#c-wide-p1)"
    assert [t.text for t in found(group(svg, "pm-legend"), "text")] == ["opened", "closed"]
    assert [(t.text, attr(t, "y")) for t in found(group(svg, "pm-values"), "text")] == [("3", 133), ("1", 206.33), ("2", 169.67), ("5", 59.67)]
    assert svg[1].text == "2 series over 3 months; in all: opened 8, closed 3."


def test_grouped_bars_leave_the_values_out_of_a_drawing_where_one_does_not_fit() -> None:
    markup = charts.grouped_bars("c", "T", months(13), [("opened", [80] * 13), ("closed", [50] * 13)])
    # NARROW: ticks to 80 (left 2 * 7.2 + 10 = 24.4), slot (332 - 24.4) / 13 = 23.66, 9.46 per series: "80" at 11 px is 13.2
    assert found(group(drawing(markup, NARROW), "pm-values"), "text") == []
    # WIDE: left 25.6, slot 52.8, 21.12 per series: every value fits
    assert len(found(group(drawing(markup, WIDE), "pm-values"), "text")) == 26


# --- hbar_groups ---------------------------------------------------------------------------------------


def test_hbar_groups_put_each_label_on_its_own_line_and_mark_the_target() -> None:
    svg = drawing(BUILDERS["hbar_groups"]("c"), WIDE)
    # the widest value text is "no data": 7 * 7.8 + 8 = 62.6; span 720 - 4 - 62.6 - 4 = 649.4 for the peak, 28 (a target)
    # row 0: label at y 13, bars from y 19 (15 high, 3 apart); 7.5 -> 649.4 * 7.5 / 28 = 173.95, 9.5 -> 220.33
    bars = found(group(svg, "pm-hbars"), "rect")
    got = [(attr(r, "x"), attr(r, "y"), round(attr(r, "width"), 2), attr(r, "height")) for r in bars]
    assert got == [(4, 19, 173.95, 15), (4, 37, 220.33, 15)]  # "high" has no value: no bar
    texts = [(t.text, round(attr(t, "x"), 2), attr(t, "y")) for t in found(group(svg, "pm-hbars"), "text")]
    assert texts == [("critical", 4, 13), ("7.5", 183.95, 31), ("9.5", 230.33, 49),
                     ("high", 4, 78), ("no data", 10, 96), ("no data", 10, 114)]
    lines = found(group(svg, "pm-targets"), "line")
    # the target 7 at 4 + 649.4 / 4 = 166.35, across its row's bars and 3 px beyond; 28 at the span's end
    assert [(round(attr(ln, "x1"), 2), attr(ln, "y1"), attr(ln, "y2")) for ln in lines] == [(166.35, 16, 55), (653.4, 81, 120)]
    assert [title_of(ln) for ln in lines] == ["critical, target window (days): 7", "high, target window (days): 28"]
    assert [t.text for t in found(group(svg, "pm-legend"), "text")] == ["median days", "mean days", "target window (days)"]
    assert svg[1].text == ("2 rows of 2 bars; highest median days: critical with 7.5; highest mean days: critical with 9.5; "
                           "a dashed line marks each row's target window (days).")


def test_a_value_next_to_its_target_is_printed_past_the_line() -> None:
    svg = drawing(charts.hbar_groups("c", "T", ["a"], [("v", [10])], targets=[10.2]), WIDE)
    # span 720 - 4 - (2 * 7.8 + 8) - 4 = 688.4; the bar ends at 4 + 674.9, the line at 692.4: the value would cross it
    (line,) = found(group(svg, "pm-targets"), "line")
    (value,) = [t for t in found(group(svg, "pm-hbars"), "text") if t.text == "10"]
    assert close(attr(value, "x"), attr(line, "x1") + 6)
    assert outside(svg) == []


def test_hbar_groups_without_targets_or_rows() -> None:
    svg = drawing(charts.hbar_groups("c", "T", ["a", "b"], [("opened", [3, 0]), ("closed", [1, 2])]), NARROW)
    assert found(svg, "line") == [] and [t.text for t in found(group(svg, "pm-legend"), "text")] == ["opened", "closed"]
    assert len(found(group(svg, "pm-hbars"), "rect")) == 3  # a zero draws no bar but prints its 0
    empty = drawing(charts.hbar_groups("c", "T", [], []), WIDE)
    assert found(empty, "rect") == [] and empty[1].text == "0 rows of 0 bars."


# --- text fits, labels never collide ---------------------------------------------------------------


def test_36_monthly_labels_are_thinned_in_the_narrow_drawing() -> None:
    markup = charts.bar_chart("c", "T", months(36), [1] * 36, y_title="incidents")
    # NARROW: left 17.2, slot (332 - 17.2) / 36 = 8.744; a label needs 62.4 px: every 8th (8 * 8.744 = 69.96).
    narrow = drawing(markup, NARROW)
    assert x_labels(narrow) == ["2024-01", "2024-09", "2025-05", "2026-01", "2026-09"]
    assert x_label_problems(narrow) == []
    # WIDE: slot (712 - 17.8) / 36 = 19.283; a label needs 7 * 7.8 + 13 = 67.6 px: every 4th (77.13).
    wide = drawing(markup, WIDE)
    assert x_labels(wide) == ["2024-01", "2024-05", "2024-09", "2025-01", "2025-05", "2025-09", "2026-01", "2026-05", "2026-09"]
    assert x_label_problems(wide) == []


def test_period_labels_never_overlap_nor_leave_the_view_box() -> None:
    # Every length the history page draws: up to 36 months, up to 40 quarters, then years.
    problems = []
    for n in range(1, 41):
        for labels in (months(n), quarters(n), [str(1980 + y) for y in range(n)]):
            for svg in drawings(charts.bar_chart("c", "T", labels, [1] * n, y_title="incidents")):
                problems += [f"{n} {labels[0][4:] or 'years'} {svg.get('id')}: {p}" for p in x_label_problems(svg)]
    assert problems == []


def test_any_labels_never_overlap_nor_leave_the_view_box() -> None:
    # Labels are clipped to 20 characters; whatever their length, printed ones must not collide.
    problems = []
    for length in (4, 10, 16, 20):
        for n in range(1, 13):
            for svg in drawings(charts.bar_chart("c", "T", ["x" * length] * n, [1] * n, y_title="incidents")):
                problems += [f"{n} x {length} chars, {svg.get('id')}: {p}" for p in x_label_problems(svg)]
    assert problems == []


def test_long_author_text_stays_inside_the_view_box() -> None:
    long = "Severity level with a long configured name that goes on and on and on"
    markups = {
        "stacked_bars": charts.stacked_bars("s", long, [long] * 3, [(long, [1, 2, 3]), ("SEV2", [1, 0, 0])], y_title=long),
        "bar_chart": charts.bar_chart("b", long, [long] * 3, [1, 20, 300], y_title=long),
        "range_chart": charts.range_chart("r", long, [long] * 3, [(1, 2, 3), None, (100, 2000, 9000)], what=long),
        "hbar_chart": charts.hbar_chart("h", long, [long, "b"], [12345, 1], noun=long),
    }
    problems = [f"{name} {svg.get('id')}: {p}" for name, markup in markups.items() for svg in drawings(markup) for p in outside(svg)]
    assert problems == []


def test_outside_check_catches_overflow() -> None:
    # the measuring helper itself: a start-anchored 10-character text at x = 300 in 12 px reaches 372 > 340
    svg = etree.fromstring(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 340 100" font-size="12"><text x="300" y="50">0123456789</text></svg>'
    )
    assert len(outside(svg)) == 1
    assert math.isclose(next(text_boxes(svg))[2], 372)
