"""Charts as inline SVG strings, rendered at build time, readable at any width.

Why this shape: the site works without JavaScript or outside requests, so every
chart is a self-contained ``<svg>`` with a ``<title>`` and a ``<desc>``. SVG text
scales with its view box, so one drawing cannot read well both in a 930 px
column and on a 358 px phone: each chart is drawn twice, for a wide and for a
narrow column, and the stylesheet shows the one that fits (the wide one in
print). Each drawing's view box is close to the width it is shown at, so its
text renders near its nominal size: 13 px wide, 12 px narrow.

Colour is never the only cue: stacked series also differ by fill pattern, lines
by marker, and every chart has a legend in words and a data table. Series
colours come from the stylesheet (both palettes); inline fills are the light
palette's, so the SVG still reads without the stylesheet.

All text is XML-escaped because labels come from authors. Output is
deterministic (no random ids, no clock, coordinates rounded to two decimals)
and cheap: plain string building, no XML library, no chart library.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from pmsite.text import FORBIDDEN

__all__ = [
    "LAYOUTS", "NARROW", "PALETTE", "SEVERITY_COLOURS", "WIDE", "Layout", "bar_chart", "grouped_bars", "hbar_chart", "hbar_groups",
    "range_chart", "responsive", "stacked_bars",
]

# Okabe-Ito, the palette made for colour-blind readers; each >= 3:1 on white.
PALETTE: tuple[str, ...] = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56798f", "#a6611a", "#6b6b6b")
# Severity is ordered: dark red for the worst down to blue, distinct for every kind of colour vision.
SEVERITY_COLOURS: tuple[str, ...] = ("#b2182b", "#d6604d", "#4393c3", "#2166ac", "#6b6b6b", "#8a6d00")
CHAR_W = 0.6  # average glyph width in em, generous so estimated text never overflows
_GRID = 'stroke="currentColor" stroke-opacity="0.18"'
_AXIS = 'stroke="currentColor" stroke-opacity="0.7"'
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Layout:
    """One drawing of a chart: the width of its view box and the size of its text in it."""

    name: str
    width: float
    font: float
    plot_h: float


WIDE = Layout("wide", 720, 13, 220)
NARROW = Layout("narrow", 340, 12, 190)
LAYOUTS = (WIDE, NARROW)


def responsive(chart_id: str, draw: Callable[[Layout, str], str]) -> str:
    """The chart drawn for each layout; the stylesheet shows one (``pm-svg--wide``/``--narrow``)."""
    return "".join(draw(layout, f"{_safe_id(chart_id)}-{layout.name}") for layout in LAYOUTS)


# --- helpers ---------------------------------------------------------------


def _e(text: object) -> str:
    """Escape for element text and attribute values; drop the characters no text may hold (pmsite.text), which
    include every one XML cannot carry."""
    return escape(FORBIDDEN.sub("", str(text)), quote=True)


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros, so output is small and stable."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _clip(text: str, limit: int) -> str:
    """Shorten to ``limit`` characters including the ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def _text_w(text: str, size: float) -> float:
    return len(text) * size * CHAR_W


def _finite(value: object) -> float | None:
    """Numbers the charts can place; None, NaN and infinities are treated as missing."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _count(value: object) -> int:
    """Bar values: whole, non-negative (a negative count cannot be stacked)."""
    if type(value) is int:  # the common case, kept fast
        return value if value > 0 else 0
    number = _finite(value)
    return max(0, int(round(number))) if number is not None else 0


def _safe_id(chart_id: str) -> str:
    return _NOT_ID.sub("-", chart_id) or "chart"


def _num(value: float) -> str:
    """A data value for people: integers without decimals, others with at most one."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".rstrip("0").rstrip(".")


def _open(cid: str, layout: Layout, title: str, desc: str, height: float) -> str:
    # id on the root lets pages link to or select a chart; ids of title/desc derive from it.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(layout.width)} {_n(height)}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" class="pm-svg pm-svg--{layout.name}" id="{cid}" '
        f'fill="currentColor" font-size="{_n(layout.font)}">'
        f'<title id="{cid}-title">{_e(title)}</title><desc id="{cid}-desc">{_e(desc)}</desc>'
    )


def period_noun(labels: Sequence[str], count: int | None = None) -> str:
    """Name the x axis unit ("12 months") when the labels make it obvious."""
    n = len(labels) if count is None else count
    for pattern, noun in ((_MONTH, "month"), (_QUARTER, "quarter"), (_YEAR, "year")):
        if labels and all(pattern.match(str(label)) for label in labels):
            return noun if n == 1 else noun + "s"
    return "point" if n == 1 else "points"


def _ticks(lo: float, hi: float, *, integer: bool, count: int = 4) -> list[float]:
    """About ``count`` evenly spaced round values covering ``lo``..``hi`` (whole numbers for counts)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in steps if m * magnitude >= raw * (1 - 1e-9))
    if integer:
        step = max(1, round(step))
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    return [round(start + i * step, 9) for i in range(int(round((end - start) / step)) + 1)]


def label_every(labels: Sequence[str], slot: float, size: float) -> int:
    """Print every k-th x label so they do not overlap; k from 1, 2, 3, 4, 6, 12... (months, quarters)."""
    if not labels:
        return 1
    need = max(_text_w(str(label)[:20], size) for label in labels) + size
    for k in (1, 2, 3, 4, 6, 8, 12, 24, 36, 48, 60):
        if k * slot >= need:
            return k
    return max(1, math.ceil(need / max(slot, 1e-6)))


def _pattern(pid: str, index: int, colour: str, cls: str) -> str:
    """A fill pattern per series, so stacked series differ by more than colour."""
    base = f'<rect class="{cls}" width="8" height="8" fill="{colour}"/>'
    marks = (
        "",
        '<path d="M-2 2L2 -2M0 8L8 0M6 10L10 6" stroke="#fff" stroke-opacity=".75" stroke-width="1.6"/>',
        '<circle cx="4" cy="4" r="1.6" fill="#fff" fill-opacity=".8"/>',
        '<path d="M0 4H8M4 0V8" stroke="#fff" stroke-opacity=".75" stroke-width="1.4"/>',
        '<path d="M0 2H8M0 6H8" stroke="#fff" stroke-opacity=".75" stroke-width="1.2"/>',
        '<path d="M2 0V8M6 0V8" stroke="#fff" stroke-opacity=".75" stroke-width="1.2"/>',
    )[index % 6]
    return f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">{base}{marks}</pattern>'


def _legend(items: Sequence[tuple[str, str]], layout: Layout, x0: float, y0: float, right: float) -> tuple[str, float]:
    """Swatches (given as markup drawn at 0,0, 12x12) with names, wrapped onto rows; markup and height used."""
    if not items:
        return "", 0.0
    size = layout.font
    row_h = size + 8
    parts = ['<g class="pm-legend">']
    x, y = x0, y0
    fits = max(4, int((right - x0 - 18) / (size * CHAR_W)))  # the longest name one row can hold
    for swatch, name in items:
        text = _clip(name, min(48, fits))
        w = 18 + _text_w(text, size) + 16
        if x > x0 and x + w > right:
            x, y = x0, y + row_h
        parts.append(f'<g transform="translate({_n(x)} {_n(y + 2)})">{swatch}</g>')
        parts.append(f'<text x="{_n(x + 18)}" y="{_n(y + size)}">{_e(text)}</text>')
        x += w
    parts.append("</g>")
    return "".join(parts), y + row_h - y0


class _Plot:
    """Geometry of a chart with a value (y) axis and one slot per x label."""

    def __init__(self, layout: Layout, x_labels: Sequence[str], ticks: list[float], *, y_title: str, tick_text: Callable[[float], str]) -> None:
        self.layout = layout
        self.ticks = ticks
        self.lo, self.hi = ticks[0], ticks[-1]
        self.tick_text = tick_text
        widest = max(_text_w(tick_text(t), layout.font) for t in ticks)
        self.left = widest + 10
        self.right = layout.width - 8
        self.y_title = y_title
        self.top = layout.font + 14  # the axis title, or the value printed above the tallest bar
        self.bottom = self.top + layout.plot_h
        self.labels = [str(label) for label in x_labels]
        self.slot = (self.right - self.left) / max(1, len(self.labels))

    def y(self, value: float) -> float:
        return self.bottom - self.layout.plot_h * (value - self.lo) / (self.hi - self.lo)

    def centre(self, i: int) -> float:
        return self.left + self.slot * (i + 0.5)

    def axes(self) -> str:
        f = self.layout.font
        parts = []
        if self.y_title:
            fits = int(self.layout.width / (f * CHAR_W))
            parts.append(f'<text class="pm-axis-title" x="0" y="{_n(f)}">{_e(_clip(self.y_title, min(60, fits)))}</text>')
        parts.append('<g class="pm-axis-y" text-anchor="end">')
        for t in self.ticks:
            y = self.y(t)
            parts.append(
                f'<line x1="{_n(self.left)}" y1="{_n(y)}" x2="{_n(self.right)}" y2="{_n(y)}" {_GRID}/>'
                f'<text x="{_n(self.left - 6)}" y="{_n(y + f * 0.35)}">{_e(self.tick_text(t))}</text>'
            )
        parts.append("</g>")
        base = _n(self.y(max(self.lo, min(0.0, self.hi))))
        parts.append(f'<line x1="{_n(self.left)}" y1="{base}" x2="{_n(self.right)}" y2="{base}" {_AXIS}/>')
        return "".join(parts)

    def x_axis(self) -> tuple[str, float]:
        """Thinned x labels below the plot; returns markup and the y below them."""
        f = self.layout.font
        every = label_every(self.labels, self.slot, f)
        y = _n(self.bottom + f + 6)
        parts = ['<g class="pm-axis-x" text-anchor="middle">']
        printed_to = -math.inf  # right edge of the last label printed
        for i in range(0, len(self.labels), every):
            text = _clip(self.labels[i], 20)
            half = _text_w(text, f) / 2
            # kept inside the drawing; a label pushed into its neighbour is left out instead
            x = min(max(self.centre(i), half + 1), self.layout.width - half - 1)
            if x - half < printed_to + f / 2:
                continue
            printed_to = x + half
            parts.append(f'<text x="{_n(x)}" y="{y}">{_e(text)}</text>')
        parts.append("</g>")
        return "".join(parts), self.bottom + f + 16


def _count_text(value: float) -> str:
    return _num(value)


def _tick_text(value: float) -> str:
    """A tick as exact as the tick step needs (0.25 stays 0.25)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


# --- charts with a value axis ------------------------------------------------


def stacked_bars(
    chart_id: str,
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list[int]]],
    *,
    y_title: str = "",
    colours: Sequence[str] = SEVERITY_COLOURS,
) -> str:
    """One stacked bar per x label (e.g. incidents per quarter by severity), with a legend."""
    n = len(x_labels)
    data = [[_count(values[i]) if i < len(values) else 0 for i in range(n)] for _, values in series]
    totals = [sum(column) for column in zip(*data, strict=True)] if data else [0] * n
    peak = max(totals, default=0)
    names = [str(name) for name, _ in series]
    desc = f"{len(series)} series over {n} {period_noun(x_labels)}; {sum(totals)} in all"
    if peak:
        desc += f"; highest: {x_labels[totals.index(peak)]} with {peak}"
    desc += "."

    def draw(layout: Layout, cid: str) -> str:
        plot = _Plot(layout, x_labels, _ticks(0, peak, integer=True), y_title=y_title, tick_text=_count_text)
        bar = max(1.0, plot.slot * 0.72)
        defs = ["<defs>"]
        for s in range(len(series)):
            defs.append(_pattern(f"{cid}-p{s}", s, colours[s % len(colours)], f"pm-sev-{s % 6}"))
        defs.append("</defs>")
        parts = [plot.axes(), '<g class="pm-bars">']
        safe_names = [_e(name) for name in names]
        for i, label in enumerate(plot.labels):
            x = _n(plot.centre(i) - bar / 2)
            base = 0
            for s, column in enumerate(data):
                value = column[i]
                if not value:
                    continue
                # round both edges first so stacked segments meet exactly
                y_top, y_bottom = round(plot.y(base + value), 2), round(plot.y(base), 2)
                parts.append(
                    f'<rect x="{x}" y="{_n(y_top)}" width="{_n(bar)}" height="{_n(y_bottom - y_top)}" fill="url(#{cid}-p{s})">'
                    f"<title>{_e(label)}, {safe_names[s]}: {value}</title></rect>"
                )
                base += value
        parts.append("</g>")
        x_axis, y = plot.x_axis()
        swatches = [(f'<rect width="12" height="12" fill="url(#{cid}-p{s})"/>', name) for s, name in enumerate(names)]
        legend, legend_h = _legend(swatches, layout, plot.left, y + 4, plot.right)
        height = y + 4 + legend_h + 4
        return _open(cid, layout, title, desc, height) + "".join(defs) + "".join(parts) + x_axis + legend + "</svg>"

    return responsive(chart_id, draw)


def bar_chart(chart_id: str, title: str, x_labels: list[str], values: list[int], *, y_title: str = "", colour: int = 0) -> str:
    """Simple bars with the value printed above each non-empty one (counts per period)."""
    counts = [_count(values[i]) if i < len(values) else 0 for i in range(len(x_labels))]
    peak = max(counts, default=0)
    desc = f"{len(counts)} {period_noun(x_labels)}; {sum(counts)} in all"
    if peak:
        desc += f"; highest: {x_labels[counts.index(peak)]} with {peak}"
    desc += "."
    cls, fill = f"pm-series-{colour % 8}", PALETTE[colour % 8]

    def draw(layout: Layout, cid: str) -> str:
        plot = _Plot(layout, x_labels, _ticks(0, peak, integer=True), y_title=y_title, tick_text=_count_text)
        bar = max(1.0, plot.slot * 0.72)
        base = round(plot.y(0), 2)
        small = layout.font - 1
        parts = [plot.axes(), '<g class="pm-bars">']
        values_g = [f'<g class="pm-values" text-anchor="middle" font-size="{_n(small)}">']
        for i, (label, value) in enumerate(zip(plot.labels, counts, strict=True)):
            if not value:
                continue
            centre = plot.centre(i)
            y_top = round(plot.y(value), 2)
            parts.append(
                f'<rect class="{cls}" x="{_n(centre - bar / 2)}" y="{_n(y_top)}" width="{_n(bar)}" '
                f'height="{_n(base - y_top)}" fill="{fill}"><title>{_e(label)}: {value}</title></rect>'
            )
            if _text_w(str(value), small) <= plot.slot:
                values_g.append(f'<text x="{_n(centre)}" y="{_n(y_top - 4)}">{value}</text>')
        parts.append("</g>")
        values_g.append("</g>")
        x_axis, y = plot.x_axis()
        return _open(cid, layout, title, desc, y + 4) + "".join(parts) + "".join(values_g) + x_axis + "</svg>"

    return responsive(chart_id, draw)


def time_unit(minutes: float) -> tuple[str, float]:
    """The unit that keeps axis numbers small: minutes up to three hours, hours up to three days, then days."""
    if minutes > 3 * 24 * 60:
        return "days", 24 * 60.0
    if minutes > 180:
        return "hours", 60.0
    return "minutes", 1.0


def range_chart(
    chart_id: str,
    title: str,
    x_labels: list[str],
    spreads: list[tuple[float, float, float] | None],
    *,
    what: str,
    colour: int = 0,
) -> str:
    """The median per period as a line, with the middle half (25th to 75th percentile) as a band.

    Values are minutes; the axis picks minutes, hours or days. One long incident moves the
    median little and the band only at its end, so the rest of the chart stays readable.
    """
    n = len(x_labels)
    rows = [s if s is not None and all(_finite(v) is not None for v in s) else None for s in spreads[:n]]
    rows += [None] * (n - len(rows))
    known = [(i, r) for i, r in enumerate(rows) if r is not None]
    top = max((r[2] for _, r in known), default=0.0)
    unit, per = time_unit(top)
    desc = f"Median {what} per period with the middle half of incidents, over {n} {period_noun(x_labels)}"
    if known:
        i_best, best = max(known, key=lambda kr: (kr[1][1], -kr[0]))
        desc += f"; highest median: {x_labels[i_best]} with {_num(round(best[1] / per, 1))} {unit}"
        if len(known) < n:
            desc += f"; {n - len(known)} without data"
    else:
        desc += "; no data"
    desc += "."
    cls, fill = f"pm-series-{colour % 8}", PALETTE[colour % 8]

    def draw(layout: Layout, cid: str) -> str:
        plot = _Plot(layout, x_labels, _ticks(0, top / per, integer=False), y_title=unit, tick_text=_tick_text)
        band = max(2.0, min(plot.slot * 0.6, 28.0))
        parts = [plot.axes(), f'<g class="pm-band {cls}" fill="{fill}" fill-opacity="0.3">']
        for i, (p25, _median, p75) in known:
            y1, y2 = plot.y(p75 / per), plot.y(p25 / per)
            parts.append(
                f'<rect x="{_n(plot.centre(i) - band / 2)}" y="{_n(y1)}" width="{_n(band)}" height="{_n(max(1.0, y2 - y1))}">'
                f"<title>{_e(plot.labels[i])}: middle half {_num(round(p25 / per, 1))} to {_num(round(p75 / per, 1))} {unit}</title></rect>"
            )
        parts.append("</g>")
        runs: list[list[str]] = [[]]
        for i, r in enumerate(rows):
            if r is None:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(f"{_n(plot.centre(i))},{_n(plot.y(r[1] / per))}")
        for run in runs:
            if len(run) > 1:
                parts.append(f'<polyline class="pm-line {cls}" points="{" ".join(run)}" fill="none" stroke="{fill}" stroke-width="2.5"/>')
        parts.append(f'<g class="pm-points {cls}" fill="{fill}">')
        for i, (_, median, _) in known:
            parts.append(
                f'<circle cx="{_n(plot.centre(i))}" cy="{_n(plot.y(median / per))}" r="3.5">'
                f"<title>{_e(plot.labels[i])}: median {_num(round(median / per, 1))} {unit}</title></circle>"
            )
        parts.append("</g>")
        x_axis, y = plot.x_axis()
        swatches = [
            (f'<path d="M0 6H12" stroke="{fill}" class="pm-line {cls}" stroke-width="2.5"/><circle cx="6" cy="6" r="3.5" class="{cls}" fill="{fill}"/>', "median"),
            (f'<rect width="12" height="12" class="{cls}" fill="{fill}" fill-opacity="0.3"/>', "middle half (25th to 75th percentile)"),
        ]
        legend, legend_h = _legend(swatches, layout, plot.left, y + 4, plot.right)
        return _open(cid, layout, title, desc, y + 4 + legend_h + 4) + "".join(parts) + x_axis + legend + "</svg>"

    return responsive(chart_id, draw)


def hbar_chart(chart_id: str, title: str, labels: list[str], values: list[int], *, noun: str = "incidents", colour: int = 0) -> str:
    """Horizontal bars with their labels on the left and the value at the end: reads on a phone."""
    counts = [_count(values[i]) if i < len(values) else 0 for i in range(len(labels))]
    peak = max(counts, default=0)
    desc = f"{len(counts)} {'bar' if len(counts) == 1 else 'bars'}; {sum(counts)} {noun} in all"
    if peak:
        desc += f"; most: {labels[counts.index(peak)]} with {peak}"
    desc += "."
    cls, fill = f"pm-series-{colour % 8}", PALETTE[colour % 8]

    def draw(layout: Layout, cid: str) -> str:
        f = layout.font
        row_h = f + 14
        label_w = max((_text_w(_clip(label, 24), f) for label in labels), default=0) + 10
        value_w = _text_w(str(peak), f) + 8
        span = layout.width - label_w - value_w - 4
        parts = ['<g class="pm-hbars">']
        for i, (label, value) in enumerate(zip(labels, counts, strict=True)):
            y = i * row_h + 4
            w = span * value / peak if peak else 0
            parts.append(f'<text x="{_n(label_w - 8)}" y="{_n(y + f)}" text-anchor="end">{_e(_clip(label, 24))}</text>')
            if value:
                parts.append(
                    f'<rect class="{cls}" x="{_n(label_w)}" y="{_n(y)}" width="{_n(max(w, 1.0))}" height="{_n(f + 4)}" fill="{fill}">'
                    f"<title>{_e(label)}: {value}</title></rect>"
                )
            parts.append(f'<text x="{_n(label_w + w + 6)}" y="{_n(y + f)}">{value}</text>')
        parts.append("</g>")
        height = len(labels) * row_h + 8
        return _open(cid, layout, title, desc, height) + "".join(parts) + "</svg>"

    return responsive(chart_id, draw)


# --- grouped bars: two or more series side by side ---------------------------------


def _series_fill(cid: str, s: int, colour: int) -> tuple[str, str]:
    """A series' fill and its pattern: the first plain, the others marked, so series differ by more than colour."""
    cls, fill = f"pm-series-{colour % 8}", PALETTE[colour % 8]
    if s == 0:
        return f'class="{cls}" fill="{fill}"', ""
    return f'fill="url(#{cid}-p{s})"', _pattern(f"{cid}-p{s}", s, fill, cls)


def grouped_bars(
    chart_id: str,
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list[int]]],
    *,
    y_title: str = "",
    colours: Sequence[int] = (0, 2, 1, 3),
) -> str:
    """One bar per series side by side for each x label (e.g. actions opened and closed per month), with a
    legend; the values are printed above the bars when every one of them fits its bar."""
    n = len(x_labels)
    data = [[_count(values[i]) if i < len(values) else 0 for i in range(n)] for _, values in series]
    names = [str(name) for name, _ in series]
    peak = max((v for column in data for v in column), default=0)
    desc = f"{len(series)} series over {n} {period_noun(x_labels)}"
    if series:
        desc += "; in all: " + ", ".join(f"{name} {sum(column)}" for name, column in zip(names, data))
    desc += "."

    def draw(layout: Layout, cid: str) -> str:
        plot = _Plot(layout, x_labels, _ticks(0, peak, integer=True), y_title=y_title, tick_text=_count_text)
        k = max(1, len(series))
        width = plot.slot * 0.8 / k
        gap = min(2.0, width * 0.15)
        bar = max(1.0, width - gap)
        small = layout.font - 1
        show_values = all(_text_w(str(v), small) <= width + 2 for column in data for v in column if v)
        base = round(plot.y(0), 2)
        fills = [_series_fill(cid, s, colours[s % len(colours)]) for s in range(len(series))]
        defs = "".join(pattern for _, pattern in fills)
        parts = [f"<defs>{defs}</defs>" if defs else "", plot.axes(), '<g class="pm-bars">']
        values_g = [f'<g class="pm-values" text-anchor="middle" font-size="{_n(small)}">']
        safe_names = [_e(name) for name in names]
        for i, label in enumerate(plot.labels):
            left = plot.centre(i) - plot.slot * 0.4
            for s, column in enumerate(data):
                value = column[i]
                if not value:
                    continue
                x = left + s * width + gap / 2
                y_top = round(plot.y(value), 2)
                parts.append(
                    f'<rect x="{_n(x)}" y="{_n(y_top)}" width="{_n(bar)}" height="{_n(base - y_top)}" {fills[s][0]}>'
                    f"<title>{_e(label)}, {safe_names[s]}: {value}</title></rect>"
                )
                if show_values:
                    values_g.append(f'<text x="{_n(x + bar / 2)}" y="{_n(y_top - 4)}">{value}</text>')
        parts.append("</g>")
        values_g.append("</g>")
        x_axis, y = plot.x_axis()
        swatches = [(f'<rect width="12" height="12" {fill}/>', name) for (fill, _), name in zip(fills, names)]
        legend, legend_h = _legend(swatches, layout, plot.left, y + 4, plot.right)
        height = y + 4 + legend_h + 4
        return _open(cid, layout, title, desc, height) + "".join(parts) + "".join(values_g) + x_axis + legend + "</svg>"

    return responsive(chart_id, draw)


def hbar_groups(
    chart_id: str,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    targets: Sequence[float | None] = (),
    target_name: str = "target",
    missing: str = "no data",
    colours: Sequence[int] = (0, 2, 1, 3),
) -> str:
    """Horizontal bars, one per series, under each label (a priority, a team), the value printed at each
    bar's end; ``targets`` marks a target per label with a dashed line across its bars. The label has a
    line of its own, so long names read whole on a phone."""
    k = len(series)
    rows = [[_finite(values[i]) if i < len(values) else None for i in range(len(labels))] for _, values in series]
    rows = [[v if v is None or v >= 0 else 0.0 for v in row] for row in rows]
    marks = [_finite(targets[i]) if i < len(targets) else None for i in range(len(labels))]
    names = [str(name) for name, _ in series]
    known = [v for row in rows for v in row if v is not None] + [t for t in marks if t is not None and t >= 0]
    peak = max(known, default=0.0)
    desc = f"{len(labels)} {'row' if len(labels) == 1 else 'rows'} of {k} {'bar' if k == 1 else 'bars'}"
    for name, row in zip(names, rows):
        present = [(v, i) for i, v in enumerate(row) if v is not None]
        if present:
            top, at = max(present, key=lambda vi: (vi[0], -vi[1]))
            desc += f"; highest {name}: {labels[at]} with {_num(top)}"
    if any(t is not None for t in marks):
        desc += f"; a dashed line marks each row's {target_name}"
    desc += "."

    def draw(layout: Layout, cid: str) -> str:
        f = layout.font
        bar_h, gap = f + 2, 3
        texts = [_num(v) if v is not None else missing for row in rows for v in row]
        value_w = max((_text_w(t, f) for t in texts), default=0) + 8
        x0, span = 4.0, layout.width - 4 - value_w - 4
        fits = max(4, int((layout.width - 8) / (f * CHAR_W)))
        fills = [_series_fill(cid, s, colours[s % len(colours)]) for s in range(k)]
        defs = "".join(pattern for _, pattern in fills)
        parts = [f"<defs>{defs}</defs>" if defs else "", '<g class="pm-hbars">']
        targets_g = ['<g class="pm-targets" stroke="currentColor" stroke-width="2" stroke-dasharray="4 3">']
        y = 0.0
        for i, label in enumerate(labels):
            parts.append(f'<text class="pm-hbar-label" x="{_n(x0)}" y="{_n(y + f)}" font-weight="700">{_e(_clip(label, fits))}</text>')
            top = y + f + 6
            mark = marks[i]
            mark_x = x0 + span * mark / peak if (mark is not None and mark >= 0 and peak) else None
            for s, row in enumerate(rows):
                value = row[i]
                y_bar = top + s * (bar_h + gap)
                w = span * value / peak if (value is not None and peak) else 0.0
                if value is not None and value > 0:
                    parts.append(
                        f'<rect x="{_n(x0)}" y="{_n(y_bar)}" width="{_n(max(w, 1.0))}" height="{_n(bar_h)}" {fills[s][0]}>'
                        f"<title>{_e(label)}, {_e(names[s])}: {_num(value)}</title></rect>"
                    )
                shown = _num(value) if value is not None else missing
                x_text = x0 + w + 6
                if mark_x is not None and x_text - 4 <= mark_x <= x_text + _text_w(shown, f) + 2:
                    x_text = mark_x + 6  # past the target's line, never crossed by it
                parts.append(f'<text x="{_n(x_text)}" y="{_n(y_bar + bar_h - 3)}">{_e(shown)}</text>')
            bottom = top + k * (bar_h + gap) - gap
            if mark_x is not None and mark is not None:
                targets_g.append(
                    f'<line x1="{_n(mark_x)}" y1="{_n(top - 3)}" x2="{_n(mark_x)}" y2="{_n(bottom + 3)}">'
                    f"<title>{_e(label)}, {_e(target_name)}: {_num(mark)}</title></line>"
                )
            y = bottom + f
        parts.append("</g>")
        targets_g.append("</g>")
        swatches = [(f'<rect width="12" height="12" {fill}/>', name) for (fill, _), name in zip(fills, names)]
        if any(t is not None for t in marks):
            swatches.append(('<path d="M6 0V12" stroke="currentColor" stroke-width="2" stroke-dasharray="4 3"/>', target_name))
        legend, legend_h = _legend(swatches, layout, x0, y, layout.width - 4)
        height = y + legend_h + 4
        body = "".join(parts) + ("".join(targets_g) if len(targets_g) > 2 else "")
        return _open(cid, layout, title, desc, height) + body + legend + "</svg>"

    return responsive(chart_id, draw)
