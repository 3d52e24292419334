"""Charts as inline SVG strings, rendered at build time.

Why this shape: the site must work without JavaScript or external requests,
so every chart is a self-contained ``<svg>`` with a ``<title>`` and a
``<desc>`` (the text alternative). Text and axes use ``currentColor`` so
Material's light and dark palettes both work; series use a fixed palette of
mid-tone colours with at least 3:1 contrast on white and on the slate
background, given both as ``pm-series-N`` classes (for theming) and inline
``fill``/``stroke`` attributes (so the SVG works without the stylesheet).

All text is XML-escaped because labels come from authors. Output is
deterministic (no random ids, no clock, coordinates rounded to two decimals)
and cheap: plain string building, no XML library, no chart library.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from html import escape

__all__ = [
    "KIND_COLOURS",
    "PALETTE",
    "bar_chart",
    "css",
    "fishbone",
    "line_chart",
    "stacked_bars",
    "timeline_chart",
]

# Mid-tones (relative luminance ~0.2): >= 3.8:1 on #fff and on Material slate (#1e2029).
PALETTE: tuple[str, ...] = ("#0081ca", "#cc5900", "#008d66", "#9568bd", "#a57200", "#bf5891", "#118996", "#7b7b7b")
KIND_COLOURS: dict[str, str] = {
    "trigger": "#dd4545",
    "detection": "#cc5900",
    "escalation": "#9568bd",
    "decision": "#a57200",
    "mitigation": "#0081ca",
    "resolution": "#008d66",
    "communication": "#bf5891",
    "other": "#7b7b7b",
    "unspecified": "#7b7b7b",
}

WIDTH = 640  # full-width figures: timeline, fishbone
# Charts with a value axis sit beside their data table (about 400px wide), so a narrower
# view box keeps their text near its nominal size when the SVG is scaled down.
PLOT_WIDTH = 480
CHAR_W = 0.6  # average glyph width in em, generous so estimated text never overflows
_ROOT = 'fill="currentColor" font-size="11"'
_GRID = 'stroke="currentColor" stroke-opacity="0.15"'
_AXIS = 'stroke="currentColor" stroke-opacity="0.6"'
# XML 1.0 forbids these; lone surrogates cannot be encoded as UTF-8 either.
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")


# --- helpers ---------------------------------------------------------------


def _e(text: object) -> str:
    """Escape for element text and attribute values; drop characters XML cannot carry."""
    return escape(_BAD_XML.sub("", str(text)), quote=True)


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros, so output is small and stable."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _clip(text: str, limit: int) -> str:
    """Shorten to ``limit`` characters including the ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def _text_w(text: str, size: float = 11) -> float:
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


def _open(chart_id: str, title: str, desc: str, width: float, height: float) -> str:
    cid = _safe_id(chart_id)
    # id on the root lets pages link to or select a chart; ids of title/desc derive from it.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" width="100%" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" class="pm-svg" id="{cid}" {_ROOT}>'
        f'<title id="{cid}-title">{_e(title)}</title><desc id="{cid}-desc">{_e(desc)}</desc>'
    )


def _num(value: float) -> str:
    """A data value for people: integers without decimals, others with at most two."""
    return str(int(value)) if float(value).is_integer() else _n(value)


def _period_noun(labels: Sequence[str]) -> str:
    """Name the x axis unit in descriptions ("12 months") when the labels make it obvious."""
    if labels and all(_MONTH.match(str(label)) for label in labels):
        return "month" if len(labels) == 1 else "months"
    if labels and all(_QUARTER.match(str(label)) for label in labels):
        return "quarter" if len(labels) == 1 else "quarters"
    return "point" if len(labels) == 1 else "points"


def _with_unit(value: float, unit: str) -> str:
    return f"{_num(value)} {unit}".strip()


def _ticks(lo: float, hi: float, *, integer: bool, count: int = 5) -> list[float]:
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


def _label_every(labels: Sequence[str], slot: float, size: float = 11) -> int:
    """Print every k-th x label so they do not overlap; k from 1, 2, 3, 4, 6, 12... (months, quarters)."""
    if not labels:
        return 1
    need = max(_text_w(str(label)[:20], size) for label in labels) + 6
    for k in (1, 2, 3, 4, 6, 12, 24, 36, 48, 60):
        if k * slot >= need:
            return k
    return max(1, math.ceil(need / max(slot, 1e-6)))


def _legend(items: Sequence[tuple[str, str, str]], x0: float, y0: float, right: float) -> tuple[str, float]:
    """Swatches with names, wrapped onto rows; returns the markup and the height used."""
    if not items:
        return "", 0.0
    parts = ['<g class="pm-legend">']
    x, y, row_h = x0, y0, 16.0
    for cls, colour, name in items:
        text = _clip(name, 40)
        w = 14 + _text_w(text) + 14
        if x > x0 and x + w > right:
            x, y = x0, y + row_h
        parts.append(
            f'<rect class="{cls}" x="{_n(x)}" y="{_n(y + 2)}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{_n(x + 14)}" y="{_n(y + 11)}">{_e(text)}</text>'
        )
        x += w
    parts.append("</g>")
    return "".join(parts), y + row_h - y0


class _Plot:
    """Geometry of a chart with a value (y) axis and one slot per x label."""

    def __init__(
        self, x_labels: Sequence[str], lo: float, hi: float, *, integer: bool, y_label: str, top: float = 18
    ) -> None:
        self.ticks = _ticks(lo, hi, integer=integer)
        self.lo, self.hi = self.ticks[0], self.ticks[-1]
        widest = max(_text_w(_num(t)) for t in self.ticks)
        self.left = (22 if y_label else 6) + widest + 6
        self.right = 10.0
        self.top = top
        self.plot_h = 180.0
        self.bottom = self.top + self.plot_h
        self.plot_w = PLOT_WIDTH - self.left - self.right
        self.labels = [str(label) for label in x_labels]
        self.slot = self.plot_w / max(1, len(self.labels))
        self.y_label = y_label

    def y(self, value: float) -> float:
        return self.bottom - self.plot_h * (value - self.lo) / (self.hi - self.lo)

    def centre(self, i: int) -> float:
        return self.left + self.slot * (i + 0.5)

    def axes(self) -> str:
        parts = ['<g class="pm-axis-y" text-anchor="end">']
        for t in self.ticks:
            y = _n(self.y(t))
            parts.append(
                f'<line x1="{_n(self.left)}" y1="{y}" x2="{_n(PLOT_WIDTH - self.right)}" y2="{y}" {_GRID}/>'
                f'<text x="{_n(self.left - 5)}" y="{_n(self.y(t) + 4)}">{_num(t)}</text>'
            )
        parts.append("</g>")
        base = _n(self.y(max(self.lo, min(0.0, self.hi))))
        parts.append(f'<line x1="{_n(self.left)}" y1="{base}" x2="{_n(PLOT_WIDTH - self.right)}" y2="{base}" {_AXIS}/>')
        if self.y_label:
            mid = _n(self.top + self.plot_h / 2)
            parts.append(
                f'<text class="pm-axis-title" x="12" y="{mid}" transform="rotate(-90 12 {mid})" '
                f'text-anchor="middle">{_e(_clip(self.y_label, 30))}</text>'
            )
        return "".join(parts)

    def x_axis(self) -> tuple[str, float]:
        """Thinned x labels below the plot; returns markup and the y below them."""
        every = _label_every(self.labels, self.slot)
        y = _n(self.bottom + 15)
        parts = ['<g class="pm-axis-x" text-anchor="middle">']
        for i in range(0, len(self.labels), every):
            parts.append(f'<text x="{_n(self.centre(i))}" y="{y}">{_e(_clip(self.labels[i], 20))}</text>')
        parts.append("</g>")
        return "".join(parts), self.bottom + 24


def _series_items(names: Iterable[str]) -> list[tuple[str, str, str]]:
    return [(f"pm-series-{i % 8}", PALETTE[i % 8], name) for i, name in enumerate(names)]


# --- charts with a value axis ------------------------------------------------


def stacked_bars(
    chart_id: str, title: str, x_labels: list[str], series: list[tuple[str, list[int]]], *, y_label: str = ""
) -> str:
    """One stacked bar per x label (e.g. incidents per month by severity), with a legend."""
    n = len(x_labels)
    data = [[_count(values[i]) if i < len(values) else 0 for i in range(n)] for _, values in series]
    totals = [sum(column) for column in zip(*data, strict=True)] if data else [0] * n
    peak = max(totals, default=0)
    unit = y_label or ""
    desc = f"{len(series)} series over {n} {_period_noun(x_labels)}; {_with_unit(sum(totals), unit)} in all"
    if peak:
        desc += f"; highest: {x_labels[totals.index(peak)]} with {_with_unit(peak, unit)}"
    plot = _Plot(x_labels, 0, peak, integer=True, y_label=y_label)
    bar = max(1.0, plot.slot * 0.7)
    names = [str(name) for name, _ in series]
    safe_names = [_e(name) for name in names]
    width = _n(bar)
    parts = [plot.axes(), '<g class="pm-bars">']
    for i, label in enumerate(plot.labels):
        x = _n(plot.centre(i) - bar / 2)
        safe_label = _e(label)
        base = 0
        for s, column in enumerate(data):
            value = column[i]
            if not value:
                continue
            # round both edges first so stacked segments meet exactly
            y_top, y_bottom = round(plot.y(base + value), 2), round(plot.y(base), 2)
            parts.append(
                f'<rect class="pm-series-{s % 8}" x="{x}" y="{_n(y_top)}" width="{width}" height="{_n(y_bottom - y_top)}" '
                f'fill="{PALETTE[s % 8]}"><title>{safe_label}, {safe_names[s]}: {value}</title></rect>'
            )
            base += value
    parts.append("</g>")
    x_axis, y = plot.x_axis()
    legend, legend_h = _legend(_series_items(names), plot.left, y, PLOT_WIDTH - plot.right)
    height = y + legend_h + 4
    return _open(chart_id, title, desc + ".", PLOT_WIDTH, height) + "".join(parts) + x_axis + legend + "</svg>"


def bar_chart(chart_id: str, title: str, x_labels: list[str], values: list[int], *, y_label: str = "") -> str:
    """Simple bars with the value printed above each (a histogram or counts per quarter)."""
    counts = [_count(values[i]) if i < len(values) else 0 for i in range(len(x_labels))]
    peak = max(counts, default=0)
    noun = _period_noun(x_labels)
    desc = (
        f"{len(counts)} {'bar' if len(counts) == 1 else 'bars'}"
        if noun.startswith("point")
        else f"{len(counts)} {noun}"
    )
    desc += f"; {_with_unit(sum(counts), y_label)} in all"
    if peak:
        desc += f"; highest: {x_labels[counts.index(peak)]} with {_with_unit(peak, y_label)}"
    plot = _Plot(x_labels, 0, peak, integer=True, y_label=y_label)
    bar = max(1.0, plot.slot * 0.7)
    base = round(plot.y(0), 2)
    parts = [plot.axes(), '<g class="pm-bars">']
    labels = ['<g class="pm-values" text-anchor="middle" font-size="10">']
    for i, (label, value) in enumerate(zip(plot.labels, counts, strict=True)):
        centre = plot.centre(i)
        y_top = round(plot.y(value), 2)
        if value:
            parts.append(
                f'<rect class="pm-series-0" x="{_n(centre - bar / 2)}" y="{_n(y_top)}" width="{_n(bar)}" '
                f'height="{_n(base - y_top)}" fill="{PALETTE[0]}"><title>{_e(label)}: {value}</title></rect>'
            )
        if _text_w(str(value), 10) <= plot.slot:
            labels.append(f'<text x="{_n(centre)}" y="{_n(y_top - 4)}">{value}</text>')
    parts.append("</g>")
    labels.append("</g>")
    x_axis, y = plot.x_axis()
    return _open(chart_id, title, desc + ".", PLOT_WIDTH, y + 4) + "".join(parts) + "".join(labels) + x_axis + "</svg>"


def line_chart(
    chart_id: str,
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    y_label: str = "",
    unit: str = "",
) -> str:
    """One line per series; None breaks the line so missing data is not drawn as a trend."""
    n = len(x_labels)
    data = [[_finite(values[i]) if i < len(values) else None for i in range(n)] for _, values in series]
    names = [str(name) for name, _ in series]
    known = [(v, s, i) for s, column in enumerate(data) for i, v in enumerate(column) if v is not None]
    desc = f"{len(series)} series over {n} {_period_noun(x_labels)}"
    if known:
        # first occurrence of the maximum, deterministic for ties
        best = max(known, key=lambda t: (t[0], -t[1], -t[2]))
        desc += f"; highest: {names[best[1]]} in {x_labels[best[2]]} with {_with_unit(best[0], unit)}"
        gaps = len(series) * n - len(known)
        if gaps:
            desc += f"; {gaps} missing {'value' if gaps == 1 else 'values'}"
    else:
        desc += "; no data"
    lo = min((v for v, _, _ in known), default=0.0)
    hi = max((v for v, _, _ in known), default=0.0)
    plot = _Plot(x_labels, min(0.0, lo), max(0.0, hi), integer=False, y_label=y_label)
    suffix = f" {_e(unit)}" if unit else ""
    safe_labels = [_e(label) for label in plot.labels]
    xs = [_n(plot.centre(i)) for i in range(n)]
    parts = [plot.axes()]
    for s, column in enumerate(data):
        colour, cls = PALETTE[s % 8], f"pm-series-{s % 8}"
        runs: list[list[str]] = [[]]
        for i, v in enumerate(column):
            if v is None:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(f"{xs[i]},{_n(plot.y(v))}")
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline class="pm-line {cls}" points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
        parts.append(f'<g class="pm-points {cls}" fill="{colour}">')
        safe_name = _e(names[s])
        for i, v in enumerate(column):
            if v is not None:
                parts.append(
                    f'<circle cx="{xs[i]}" cy="{_n(plot.y(v))}" r="3">'
                    f"<title>{safe_name}, {safe_labels[i]}: {_num(round(v, 2))}{suffix}</title></circle>"
                )
        parts.append("</g>")
    x_axis, y = plot.x_axis()
    legend, legend_h = _legend(_series_items(names), plot.left, y, PLOT_WIDTH - plot.right)
    return (
        _open(chart_id, title, desc + ".", PLOT_WIDTH, y + legend_h + 4) + "".join(parts) + x_axis + legend + "</svg>"
    )


# --- timeline ------------------------------------------------------------------

# Tick steps a person reads at a glance: 1s .. 30s, 1m .. 30m, 1h .. 12h, 1d, 2d, 1w, 2w, 30d.
_TIME_STEPS: tuple[int, ...] = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800)
_TIME_STEPS += (3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000)


def _duration(seconds: float) -> str:
    """Human offsets: "0", "45s", "5m", "1h 30m", "2d", "1d 6h" (two units at most)."""
    seconds = int(round(seconds))
    if seconds <= 0:
        return "0"
    d, rem = divmod(seconds, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    if d:
        return f"{d}d" + (f" {h}h" if h else "")
    if h:
        return f"{h}h" + (f" {m}m" if m else "")
    if m:
        return f"{m}m" + (f" {s}s" if s else "")
    return f"{s}s"


def _time_ticks(total: float, most: int = 6) -> list[float]:
    """Ticks from 0 at a round time step, at most ``most`` intervals up to ``total``."""
    step = next((s for s in _TIME_STEPS if total / s <= most), None)
    if step is None:
        step = math.ceil(total / most / 2592000) * 2592000
    return [float(i * step) for i in range(int(total // step) + 1)]


def _kind(kind: str) -> str:
    kind = (kind or "").strip().lower()
    return kind if kind in KIND_COLOURS else ("unspecified" if not kind else "other")


def timeline_chart(
    chart_id: str,
    title: str,
    total_seconds: float,
    events: list[tuple[float, str, str]],
    *,
    detection: float | None = None,
    mitigation: float | None = None,
    resolution: float | None = None,
) -> str:
    """Events of one incident on a time axis from its start, coloured by kind, with milestone lines."""
    total = _finite(total_seconds) or 0.0
    total = total if total > 0 else 1.0
    left, right, lanes, lane_h = 24.0, 24.0, 4, 16.0
    plot_w = WIDTH - left - right

    def x_of(offset: float | None) -> float:
        value = _finite(offset) or 0.0
        return left + plot_w * min(max(value, 0.0), total) / total

    milestones = [
        (name, v)
        for name, v in (("detected", detection), ("mitigated", mitigation), ("resolved", resolution))
        if _finite(v) is not None
    ]
    # milestone labels: one row each unless far enough apart to share
    rows_end: list[float] = []
    placed: list[tuple[str, float, int]] = []
    for name, offset in milestones:
        x = x_of(offset)
        row = next((r for r, end in enumerate(rows_end) if x - end >= 64), len(rows_end))
        if row == len(rows_end):
            rows_end.append(x)
        rows_end[row] = x
        placed.append((name, x, row))
    top = 8 + 13 * max(1, len(rows_end))
    axis_y = top + lanes * lane_h + 6

    ordered = sorted(((_finite(o) or 0.0, _kind(k), str(label)) for o, k, label in events), key=lambda e: e[0])
    counts: dict[str, int] = {}
    for _, kind, _ in ordered:
        counts[kind] = counts.get(kind, 0) + 1
    desc = f"{len(ordered)} {'event' if len(ordered) == 1 else 'events'} over {_duration(total)}"
    if counts:
        desc += " (" + ", ".join(f"{counts[k]} {k}" for k in KIND_COLOURS if k in counts) + ")"
    if milestones:
        desc += "; " + ", ".join(f"{name} after {_duration(max(0.0, _finite(v) or 0.0))}" for name, v in milestones)

    parts = [f'<line x1="{_n(left)}" y1="{_n(axis_y)}" x2="{_n(WIDTH - right)}" y2="{_n(axis_y)}" {_AXIS}/>']
    parts.append('<g class="pm-axis-x" text-anchor="middle">')
    for tick in _time_ticks(total):
        tx = _n(x_of(tick))
        parts.append(
            f'<line x1="{tx}" y1="{_n(axis_y)}" x2="{tx}" y2="{_n(axis_y + 4)}" stroke="currentColor"/>'
            f'<text x="{tx}" y="{_n(axis_y + 16)}">{_duration(tick)}</text>'
        )
    parts.append("</g>")
    for name, x, row in placed:
        anchor = "start" if x < left + 30 else "end" if x > WIDTH - right - 30 else "middle"
        parts.append(
            f'<line class="pm-milestone pm-milestone-{name}" x1="{_n(x)}" y1="{_n(top - 4)}" x2="{_n(x)}" y2="{_n(axis_y)}" '
            f'stroke="currentColor" stroke-dasharray="4 3" stroke-opacity="0.7"/>'
            f'<text x="{_n(x)}" y="{_n(top - 8 - 13 * (len(rows_end) - 1 - row))}" text-anchor="{anchor}">{name}</text>'
        )
    # greedy lanes: the first lane whose last marker is far enough left, else the least recently used
    lane_end = [-math.inf] * lanes
    parts.append('<g class="pm-events">')
    for offset, kind, label in ordered:
        x = x_of(offset)
        lane = next((i for i in range(lanes) if x - lane_end[i] >= 12), min(range(lanes), key=lambda i: lane_end[i]))
        lane_end[lane] = x
        y = top + lane * lane_h + lane_h / 2
        colour = KIND_COLOURS[kind]
        when = _duration(min(max(offset, 0.0), total))
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x)}" y2="{_n(axis_y)}" stroke="{colour}" stroke-opacity="0.5"/>'
            f'<circle class="pm-marker pm-kind-{kind}" cx="{_n(x)}" cy="{_n(y)}" r="5" fill="{colour}">'
            f"<title>{when} ({kind}): {_e(_clip(label, 120))}</title></circle>"
        )
    parts.append("</g>")
    legend, legend_h = _legend(
        [(f"pm-kind-{k}", KIND_COLOURS[k], k) for k in KIND_COLOURS if k in counts], left, axis_y + 24, WIDTH - right
    )
    height = axis_y + 24 + legend_h + 4
    return _open(chart_id, title, desc + ".", WIDTH, height) + "".join(parts) + legend + "</svg>"


# --- fishbone --------------------------------------------------------------------


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; words longer than a line are split."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def fishbone(chart_id: str, title: str, effect: str, branches: list[tuple[str, list[str]]]) -> str:
    """An Ishikawa diagram: categories of contributing factors as bones leading to the effect."""
    item_size, line_h, item_gap, slant, margin = 10.0, 12.0, 3.0, 36.0, 16.0
    shown = [
        (str(cat), [_clip(str(i), 60) for i in items[:6]], max(0, len(items) - 6), len(items))
        for cat, items in branches
    ]
    above, below = shown[0::2], shown[1::2]
    cols = max(len(above), len(below), 1)
    eff_w = 150.0
    col_w = max(150.0, (WIDTH - 2 * margin - eff_w - slant) / cols)
    chars = max(8, int((col_w - 24) / (item_size * CHAR_W)))

    def blocks(items: list[str], more: int) -> list[list[str]]:
        return [_wrap(item, chars) for item in items] + ([[f"+{more} more"]] if more else [])

    def extent(group: list[tuple[str, list[str], int, int]]) -> float:
        """Distance from the spine to the bone tips on one side: grows with the listed items."""
        need = 0.0
        for _, items, more, _ in group:
            wrapped = blocks(items, more)
            need = max(need, sum(len(b) for b in wrapped) * line_h + max(0, len(wrapped) - 1) * item_gap)
        return need + 22

    eff_lines = _wrap(_clip(str(effect), 60), int((eff_w - 16) / (11 * CHAR_W)))[:3]
    box_h = 14 + 14 * len(eff_lines)
    up = max(extent(above), box_h / 2 + 6, 40.0)
    down = max(extent(below), box_h / 2 + 6, 40.0) if below else box_h / 2 + 8
    spine_y = 20 + up
    height = spine_y + down + (20 if below else 4)
    spine_end = margin + slant + cols * col_w
    width = spine_end + eff_w + margin

    total = sum(n for *_, n in shown)
    desc = f"Fishbone diagram of {effect}: {len(shown)} {'category' if len(shown) == 1 else 'categories'}, {total} {'factor' if total == 1 else 'factors'}"
    if shown:
        desc += " (" + "; ".join(f"{cat}: {n}" for cat, _, _, n in shown) + ")"
    parts = [
        f'<line class="pm-spine" x1="{_n(margin)}" y1="{_n(spine_y)}" x2="{_n(spine_end)}" y2="{_n(spine_y)}" stroke="currentColor" stroke-width="3"/>',
        f'<g class="pm-effect"><rect x="{_n(spine_end)}" y="{_n(spine_y - box_h / 2)}" width="{_n(eff_w)}" height="{_n(box_h)}" rx="4" '
        f'fill="none" stroke="currentColor" stroke-width="2"/><text x="{_n(spine_end + eff_w / 2)}" text-anchor="middle" font-weight="bold">',
    ]
    first = spine_y - 7 * (len(eff_lines) - 1) + 4
    for i, line in enumerate(eff_lines):
        parts.append(f'<tspan x="{_n(spine_end + eff_w / 2)}" y="{_n(first + 14 * i)}">{_e(line)}</tspan>')
    parts.append("</text></g>")
    label_chars = max(8, int((col_w - 8) / (11 * CHAR_W)))
    for index, (cat, items, more, _) in enumerate(shown):
        side, col = (-1, index // 2) if index % 2 == 0 else (1, index // 2)
        length = up if side < 0 else down
        join = margin + slant + col * col_w
        tip_x, tip_y = join - slant, spine_y + side * (length - 6)
        colour = PALETTE[index % 8]

        def bone_x(distance: float, join: float = join, length: float = length) -> float:
            return join - slant * min(distance, length - 6) / (length - 6)

        parts.append(f'<g class="pm-branch pm-series-{index % 8}">')
        parts.append(
            f'<line x1="{_n(tip_x)}" y1="{_n(tip_y)}" x2="{_n(join)}" y2="{_n(spine_y)}" stroke="{colour}" stroke-width="2"/>'
        )
        label = _clip(cat, label_chars)
        hint = f"<title>{_e(cat)}</title>" if label != " ".join(cat.split()) else ""
        label_y = tip_y - 5 if side < 0 else tip_y + 14
        parts.append(
            f'<text class="pm-category" x="{_n(tip_x - 4)}" y="{_n(label_y)}" font-weight="bold">{hint}{_e(label)}</text>'
        )
        # items read top to bottom on both sides: from the tip above, from the spine below
        distance = length - 18 if side < 0 else 14.0
        for block in blocks(items, more):
            lines = []
            for k, line in enumerate(block):
                # above, the bone is furthest right nearest the spine (baseline); below, at the glyph tops
                nearest = distance if side < 0 else distance - 9
                x = bone_x(max(0.0, nearest)) + 5 + (6 if k else 0)
                y = spine_y + side * distance
                lines.append(f'<tspan x="{_n(x)}" y="{_n(y)}">{_e(line)}{" " if k < len(block) - 1 else ""}</tspan>')
                distance += -line_h if side < 0 else line_h
            distance += -item_gap if side < 0 else item_gap
            parts.append(f'<text class="pm-factor" font-size="{_n(item_size)}">{"".join(lines)}</text>')
        parts.append("</g>")
    return _open(chart_id, title, desc + ".", width, height) + "".join(parts) + "</svg>"


def css() -> str:
    """Optional stylesheet: lets a theme restyle series and kinds; the SVGs carry inline colours anyway."""
    rules = [
        f".pm-svg .pm-series-{i}{{fill:{c}}}.pm-svg .pm-line.pm-series-{i}{{fill:none;stroke:{c}}}"
        for i, c in enumerate(PALETTE)
    ]
    rules += [f".pm-svg .pm-kind-{k}{{fill:{c}}}" for k, c in KIND_COLOURS.items()]
    return "".join(rules)
