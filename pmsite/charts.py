"""Charts as inline SVG, rendered at build time.

No chart library runs in the browser and nothing is fetched: each function
returns an ``<svg>`` string with a title and a description for screen
readers. Text and axes use ``currentColor`` so Material's light and dark
palettes both work; series colours are mid-tones readable on either.
All text is escaped (labels can come from authors) and output is
deterministic (no random ids, coordinates rounded).
"""

from __future__ import annotations

import math
from html import escape

PALETTE = ["#1f77b4", "#d62728", "#e377c2", "#ff7f0e", "#2ca02c", "#9467bd", "#17becf", "#8c564b"]
KIND_COLOURS = {
    "trigger": "#d62728",
    "detection": "#ff7f0e",
    "escalation": "#9467bd",
    "decision": "#8c564b",
    "mitigation": "#17becf",
    "resolution": "#2ca02c",
    "communication": "#1f77b4",
    "other": "#7f7f7f",
    "": "#7f7f7f",
}
WIDTH = 640
FONT = 'font-size="11" fill="currentColor"'


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _n(value: float) -> str:
    """Coordinates with at most two decimals, without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _open(chart_id: str, title: str, desc: str, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="pm-svg" id="{chart_id}">'
        f'<title id="{chart_id}-title">{_e(title)}</title><desc id="{chart_id}-desc">{_e(desc)}</desc>'
    )


def _ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``maximum``."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = []
    value = 0.0
    while value < maximum + step / 2:
        ticks.append(round(value, 6))
        value += step
    if ticks[-1] < maximum:
        ticks.append(round(value, 6))
    return ticks


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class _Frame:
    """Plot area geometry with a y axis from 0 to the top tick."""

    def __init__(self, height: float, maximum: float, left: float = 48, right: float = 12, top: float = 16, bottom: float = 44) -> None:
        self.left, self.right, self.top, self.bottom = left, right, top, bottom
        self.height = height
        self.ticks = _ticks(maximum)
        self.top_value = self.ticks[-1] or 1

    @property
    def plot_w(self) -> float:
        return WIDTH - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    def y(self, value: float) -> float:
        return self.top + self.plot_h * (1 - value / self.top_value)

    def axes(self, y_label: str) -> str:
        parts = []
        for t in self.ticks:
            y = self.y(t)
            parts.append(
                f'<line x1="{_n(self.left)}" y1="{_n(y)}" x2="{_n(WIDTH - self.right)}" y2="{_n(y)}" stroke="currentColor" stroke-opacity="0.15"/>'
                f'<text x="{_n(self.left - 6)}" y="{_n(y + 4)}" text-anchor="end" {FONT}>{_fmt(t)}</text>'
            )
        base = self.y(0)
        parts.append(f'<line x1="{_n(self.left)}" y1="{_n(base)}" x2="{_n(WIDTH - self.right)}" y2="{_n(base)}" stroke="currentColor" stroke-opacity="0.6"/>')
        if y_label:
            parts.append(
                f'<text x="12" y="{_n(self.top + self.plot_h / 2)}" transform="rotate(-90 12 {_n(self.top + self.plot_h / 2)})" '
                f'text-anchor="middle" {FONT}>{_e(y_label)}</text>'
            )
        return "".join(parts)

    def x_labels(self, labels: list[str], centres: list[float]) -> str:
        every = max(1, math.ceil(len(labels) / 12))
        out = []
        for i, (label, x) in enumerate(zip(labels, centres)):
            if i % every == 0:
                out.append(f'<text x="{_n(x)}" y="{_n(self.height - self.bottom + 16)}" text-anchor="middle" {FONT}>{_e(label)}</text>')
        return "".join(out)


def _legend(names: list[str], y: float, colours: list[str]) -> str:
    out = []
    x = 48.0
    for name, colour in zip(names, colours):
        out.append(f'<rect x="{_n(x)}" y="{_n(y - 9)}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{_n(x + 14)}" y="{_n(y)}" {FONT}>{_e(name)}</text>')
        x += 24 + 6.5 * len(name)
    return "".join(out)


def stacked_bars(chart_id: str, title: str, x_labels: list[str], series: list[tuple[str, list[int]]], *, y_label: str = "") -> str:
    totals = [sum(values[i] for _, values in series) for i in range(len(x_labels))]
    peak = max(totals, default=0)
    busiest = x_labels[totals.index(peak)] if totals and peak else "none"
    desc = f"{len(series)} series over {len(x_labels)} periods; {sum(totals)} in all; highest: {busiest} with {peak}."
    frame = _Frame(260, peak)
    slot = frame.plot_w / max(1, len(x_labels))
    bar = max(1.0, slot * 0.7)
    parts = [_open(chart_id, title, desc, frame.height), frame.axes(y_label)]
    centres = []
    for i, label in enumerate(x_labels):
        x = frame.left + slot * i + (slot - bar) / 2
        centres.append(x + bar / 2)
        base = 0
        for s, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            y_top, y_bottom = frame.y(base + value), frame.y(base)
            parts.append(
                f'<rect class="pm-series-{s % 8}" x="{_n(x)}" y="{_n(y_top)}" width="{_n(bar)}" height="{_n(y_bottom - y_top)}" '
                f'fill="{PALETTE[s % 8]}" data-series="{s}" data-x="{i}"><title>{_e(label)}, {_e(name)}: {value}</title></rect>'
            )
            base += value
    parts.append(frame.x_labels(x_labels, centres))
    parts.append(_legend([name for name, _ in series], frame.height - 8, [PALETTE[i % 8] for i in range(len(series))]))
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(chart_id: str, title: str, x_labels: list[str], values: list[int], *, y_label: str = "") -> str:
    peak = max(values, default=0)
    desc = f"{len(values)} bars, {sum(values)} in all; highest: {x_labels[values.index(peak)] if values and peak else 'none'} with {peak}."
    frame = _Frame(240, peak, bottom=30)
    slot = frame.plot_w / max(1, len(x_labels))
    bar = max(1.0, slot * 0.7)
    parts = [_open(chart_id, title, desc, frame.height), frame.axes(y_label)]
    centres = []
    for i, (label, value) in enumerate(zip(x_labels, values)):
        x = frame.left + slot * i + (slot - bar) / 2
        centres.append(x + bar / 2)
        y = frame.y(value)
        parts.append(
            f'<rect class="pm-series-0" x="{_n(x)}" y="{_n(y)}" width="{_n(bar)}" height="{_n(frame.y(0) - y)}" fill="{PALETTE[0]}">'
            f"<title>{_e(label)}: {value}</title></rect>"
        )
        if value and len(x_labels) <= 24:
            parts.append(f'<text x="{_n(x + bar / 2)}" y="{_n(y - 3)}" text-anchor="middle" {FONT}>{value}</text>')
    parts.append(frame.x_labels(x_labels, centres))
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    chart_id: str, title: str, x_labels: list[str], series: list[tuple[str, list[float | None]]], *, y_label: str = "", unit: str = ""
) -> str:
    values = [v for _, vs in series for v in vs if v is not None]
    peak = max(values, default=0)
    desc = f"{len(series)} lines over {len(x_labels)} periods; highest value {_fmt(peak)} {unit}".strip() + "."
    frame = _Frame(260, peak)
    slot = frame.plot_w / max(1, len(x_labels))
    centres = [frame.left + slot * i + slot / 2 for i in range(len(x_labels))]
    parts = [_open(chart_id, title, desc, frame.height), frame.axes(y_label)]
    for s, (name, vals) in enumerate(series):
        colour = PALETTE[s % 8]
        run: list[str] = []
        runs: list[list[str]] = []
        for x, v in zip(centres, vals):
            if v is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{_n(x)},{_n(frame.y(v))}")
        if run:
            runs.append(run)
        for r in runs:
            if len(r) > 1:
                parts.append(f'<polyline class="pm-series-{s % 8}" points="{" ".join(r)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for label, x, v in zip(x_labels, centres, vals):
            if v is not None:
                parts.append(
                    f'<circle class="pm-series-{s % 8}" cx="{_n(x)}" cy="{_n(frame.y(v))}" r="3" fill="{colour}">'
                    f"<title>{_e(name)}, {_e(label)}: {_fmt(v)} {_e(unit)}</title></circle>"
                )
    parts.append(frame.x_labels(x_labels, centres))
    parts.append(_legend([name for name, _ in series], frame.height - 8, [PALETTE[i % 8] for i in range(len(series))]))
    parts.append("</svg>")
    return "".join(parts)


def _short_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds == 0:
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
    total = total_seconds if total_seconds > 0 else 1.0
    lanes = 4
    left, right, top = 20.0, 20.0, 28.0
    lane_h = 18.0
    axis_y = top + lanes * lane_h + 8
    height = axis_y + 40
    plot_w = WIDTH - left - right

    def x_of(offset: float) -> float:
        return left + plot_w * min(max(offset, 0.0), total) / total

    kinds = sorted({k for _, k, _ in events if k})
    desc = f"{len(events)} events over {_short_duration(total)}" + (f"; kinds: {', '.join(kinds)}" if kinds else "") + "."
    parts = [_open(chart_id, title, desc, height)]
    parts.append(f'<line x1="{_n(left)}" y1="{_n(axis_y)}" x2="{_n(WIDTH - right)}" y2="{_n(axis_y)}" stroke="currentColor" stroke-opacity="0.6"/>')
    for tick in _ticks(total, 6):
        if tick > total * 1.001:
            continue
        x = x_of(tick)
        parts.append(f'<line x1="{_n(x)}" y1="{_n(axis_y)}" x2="{_n(x)}" y2="{_n(axis_y + 4)}" stroke="currentColor"/>')
        parts.append(f'<text x="{_n(x)}" y="{_n(axis_y + 16)}" text-anchor="middle" {FONT}>{_e(_short_duration(tick))}</text>')
    for name, offset in (("detected", detection), ("mitigated", mitigation), ("resolved", resolution)):
        if offset is None:
            continue
        x = x_of(offset)
        parts.append(
            f'<line class="pm-marker-{name}" x1="{_n(x)}" y1="{_n(top - 10)}" x2="{_n(x)}" y2="{_n(axis_y)}" stroke="currentColor" stroke-dasharray="4 3" stroke-opacity="0.7"/>'
            f'<text x="{_n(x)}" y="{_n(top - 14)}" text-anchor="middle" {FONT}>{name}</text>'
        )
    for i, (offset, kind, label) in enumerate(sorted(events, key=lambda e: e[0])):
        x = x_of(offset)
        y = top + (i % lanes) * lane_h + lane_h / 2
        colour = KIND_COLOURS.get(kind, KIND_COLOURS["other"])
        text = label if len(label) <= 120 else label[:119] + "…"
        parts.append(f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x)}" y2="{_n(axis_y)}" stroke="{colour}" stroke-opacity="0.5"/>')
        parts.append(
            f'<circle class="pm-event-{_e(kind or "unspecified")}" cx="{_n(x)}" cy="{_n(y)}" r="5" fill="{colour}">'
            f"<title>{_e(_short_duration(max(offset, 0)))}: {_e(kind or 'event')}: {_e(text)}</title></circle>"
        )
    legend_kinds = [k for k in KIND_COLOURS if k and k in kinds]
    parts.append(_legend(legend_kinds, height - 6, [KIND_COLOURS[k] for k in legend_kinds]).replace('x="48"', 'x="20"', 1))
    parts.append("</svg>")
    return "".join(parts)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fishbone(chart_id: str, title: str, effect: str, branches: list[tuple[str, list[str]]]) -> str:
    shown = [(cat, items[:6], max(0, len(items) - 6)) for cat, items in branches]
    above = shown[0::2]
    below = shown[1::2]

    def rows(group: list[tuple[str, list[str], int]]) -> int:
        return max((len(items) + (1 if more else 0) for _, items, more in group), default=0)

    row_h = 14.0
    half = 30 + row_h * max(rows(above), rows(below), 1)
    height = 2 * half + 20
    spine_y = half + 10
    effect_w = 120.0
    spine_end = WIDTH - effect_w - 10
    columns = max(len(above), len(below), 1)
    col_w = (spine_end - 20) / columns
    total_items = sum(len(items) + more for _, items, more in shown)
    desc = f"Fishbone of {len(branches)} branches with {total_items} factors: " + "; ".join(
        f"{cat} {len(items) + more}" for cat, items, more in shown
    ) + "."
    parts = [_open(chart_id, title, desc, height)]
    parts.append(f'<line x1="20" y1="{_n(spine_y)}" x2="{_n(spine_end)}" y2="{_n(spine_y)}" stroke="currentColor" stroke-width="3"/>')
    parts.append(
        f'<rect x="{_n(spine_end)}" y="{_n(spine_y - 18)}" width="{_n(effect_w)}" height="36" rx="4" fill="none" stroke="currentColor"/>'
        f'<text x="{_n(spine_end + effect_w / 2)}" y="{_n(spine_y + 4)}" text-anchor="middle" {FONT} font-weight="bold">{_e(_clip(effect, 18))}</text>'
    )
    for side, group in ((-1, above), (1, below)):
        for col, (cat, items, more) in enumerate(group):
            x_spine = 20 + col_w * (col + 1) - 10
            x_tip = x_spine - 40
            y_tip = spine_y + side * (half - 14)
            colour = PALETTE[(col * 2 + (0 if side < 0 else 1)) % 8]
            parts.append(f'<line x1="{_n(x_tip)}" y1="{_n(y_tip)}" x2="{_n(x_spine)}" y2="{_n(spine_y)}" stroke="{colour}" stroke-width="2"/>')
            label_y = y_tip - 4 if side < 0 else y_tip + 12
            parts.append(f'<text x="{_n(x_tip)}" y="{_n(label_y)}" {FONT} font-weight="bold">{_e(cat)}</text>')
            lines = [_clip(item) for item in items] + ([f"+{more} more"] if more else [])
            for r, line in enumerate(lines):
                y = spine_y + side * (16 + row_h * r) + (4 if side > 0 else 0)
                x = x_spine - 30 - (40 * (abs(y - spine_y) / (half - 14)))
                parts.append(f'<text x="{_n(x + 6)}" y="{_n(y)}" font-size="9" fill="currentColor">{_e(line)}</text>')
    parts.append("</svg>")
    return "".join(parts)
