"""What every chart is drawn with: layouts for a wide and a narrow column, escaping, coordinates, ticks, legends and the plot area."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from pmsite.text import FORBIDDEN

# Okabe-Ito, the palette made for colour-blind readers; each >= 3:1 on white.
PALETTE: tuple[str, ...] = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56798f", "#a6611a", "#6b6b6b")

# Severity is ordered: dark red for the worst down to blue, distinct for every kind of colour vision.
SEVERITY_COLOURS: tuple[str, ...] = ("#b2182b", "#d6604d", "#4393c3", "#2166ac", "#6b6b6b", "#8a6d00")

CHAR_W = 0.6  # average glyph width in em, generous so estimated text never overflows

GRID = 'stroke="currentColor" stroke-opacity="0.18"'

AXIS = 'stroke="currentColor" stroke-opacity="0.7"'

NOT_ID = re.compile(r"[^A-Za-z0-9_-]")

MONTH = re.compile(r"^\d{4}-\d{2}$")

QUARTER = re.compile(r"^\d{4}-Q[1-4]$")

YEAR = re.compile(r"^\d{4}$")



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
    return "".join(draw(layout, f"{safe_id(chart_id)}-{layout.name}") for layout in LAYOUTS)



# --- helpers ---------------------------------------------------------------


def esc(text: object) -> str:
    """Escape for element text and attribute values; drop the characters no text may hold (pmsite.text), which
    include every one XML cannot carry."""
    return escape(FORBIDDEN.sub("", str(text)), quote=True)



def coord(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros, so output is small and stable."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"



def clip(text: str, limit: int) -> str:
    """Shorten to ``limit`` characters including the ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"



def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_W



def finite(value: object) -> float | None:
    """Numbers the charts can place; None, NaN and infinities are treated as missing."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None



def whole(value: object) -> int:
    """Bar values: whole, non-negative (a negative count cannot be stacked)."""
    if type(value) is int:  # the common case, kept fast
        return value if value > 0 else 0
    number = finite(value)
    return max(0, int(round(number))) if number is not None else 0



def safe_id(chart_id: str) -> str:
    return NOT_ID.sub("-", chart_id) or "chart"



def shown_number(value: float) -> str:
    """A data value for people: integers without decimals, others with at most one."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".rstrip("0").rstrip(".")



def svg_open(cid: str, layout: Layout, title: str, desc: str, height: float) -> str:
    # id on the root lets pages link to or select a chart; ids of title/desc derive from it.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {coord(layout.width)} {coord(height)}" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" class="pm-svg pm-svg--{layout.name}" id="{cid}" '
        f'fill="currentColor" font-size="{coord(layout.font)}">'
        f'<title id="{cid}-title">{esc(title)}</title><desc id="{cid}-desc">{esc(desc)}</desc>'
    )



def period_noun(labels: Sequence[str], count: int | None = None) -> str:
    """Name the x axis unit ("12 months") when the labels make it obvious."""
    n = len(labels) if count is None else count
    for pattern, noun in ((MONTH, "month"), (QUARTER, "quarter"), (YEAR, "year")):
        if labels and all(pattern.match(str(label)) for label in labels):
            return noun if n == 1 else noun + "s"
    return "point" if n == 1 else "points"



def ticks(lo: float, hi: float, *, integer: bool, count: int = 4) -> list[float]:
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
    need = max(text_width(str(label)[:20], size) for label in labels) + size
    for k in (1, 2, 3, 4, 6, 8, 12, 24, 36, 48, 60):
        if k * slot >= need:
            return k
    return max(1, math.ceil(need / max(slot, 1e-6)))



def hatch(pid: str, index: int, colour: str, cls: str) -> str:
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



def legend_row(items: Sequence[tuple[str, str]], layout: Layout, x0: float, y0: float, right: float) -> tuple[str, float]:
    """Swatches (given as markup drawn at 0,0, 12x12) with names, wrapped onto rows; markup and height used."""
    if not items:
        return "", 0.0
    size = layout.font
    row_h = size + 8
    parts = ['<g class="pm-legend">']
    x, y = x0, y0
    fits = max(4, int((right - x0 - 18) / (size * CHAR_W)))  # the longest name one row can hold
    for swatch, name in items:
        text = clip(name, min(48, fits))
        w = 18 + text_width(text, size) + 16
        if x > x0 and x + w > right:
            x, y = x0, y + row_h
        parts.append(f'<g transform="translate({coord(x)} {coord(y + 2)})">{swatch}</g>')
        parts.append(f'<text x="{coord(x + 18)}" y="{coord(y + size)}">{esc(text)}</text>')
        x += w
    parts.append("</g>")
    return "".join(parts), y + row_h - y0



class Plot:
    """Geometry of a chart with a value (y) axis and one slot per x label."""

    def __init__(self, layout: Layout, x_labels: Sequence[str], ticks: list[float], *, y_title: str, tick_text: Callable[[float], str]) -> None:
        self.layout = layout
        self.ticks = ticks
        self.lo, self.hi = ticks[0], ticks[-1]
        self.tick_text = tick_text
        widest = max(text_width(tick_text(t), layout.font) for t in ticks)
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
            parts.append(f'<text class="pm-axis-title" x="0" y="{coord(f)}">{esc(clip(self.y_title, min(60, fits)))}</text>')
        parts.append('<g class="pm-axis-y" text-anchor="end">')
        for t in self.ticks:
            y = self.y(t)
            parts.append(
                f'<line x1="{coord(self.left)}" y1="{coord(y)}" x2="{coord(self.right)}" y2="{coord(y)}" {GRID}/>'
                f'<text x="{coord(self.left - 6)}" y="{coord(y + f * 0.35)}">{esc(self.tick_text(t))}</text>'
            )
        parts.append("</g>")
        base = coord(self.y(max(self.lo, min(0.0, self.hi))))
        parts.append(f'<line x1="{coord(self.left)}" y1="{base}" x2="{coord(self.right)}" y2="{base}" {AXIS}/>')
        return "".join(parts)

    def x_axis(self) -> tuple[str, float]:
        """Thinned x labels below the plot; returns markup and the y below them."""
        f = self.layout.font
        every = label_every(self.labels, self.slot, f)
        y = coord(self.bottom + f + 6)
        parts = ['<g class="pm-axis-x" text-anchor="middle">']
        printed_to = -math.inf  # right edge of the last label printed
        for i in range(0, len(self.labels), every):
            text = clip(self.labels[i], 20)
            half = text_width(text, f) / 2
            # kept inside the drawing; a label pushed into its neighbour is left out instead
            x = min(max(self.centre(i), half + 1), self.layout.width - half - 1)
            if x - half < printed_to + f / 2:
                continue
            printed_to = x + half
            parts.append(f'<text x="{coord(x)}" y="{y}">{esc(text)}</text>')
        parts.append("</g>")
        return "".join(parts), self.bottom + f + 16



def count_text(value: float) -> str:
    return shown_number(value)



def tick_text(value: float) -> str:
    """A tick as exact as the tick step needs (0.25 stays 0.25)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")



def time_unit(minutes: float) -> tuple[str, float]:
    """The unit that keeps axis numbers small: minutes up to three hours, hours up to three days, then days."""
    if minutes > 3 * 24 * 60:
        return "days", 24 * 60.0
    if minutes > 180:
        return "hours", 60.0
    return "minutes", 1.0



# --- grouped bars: two or more series side by side ---------------------------------


def series_fill(cid: str, s: int, colour: int) -> tuple[str, str]:
    """A series' fill and its pattern: the first plain, the others marked, so series differ by more than colour."""
    cls, fill = f"pm-series-{colour % 8}", PALETTE[colour % 8]
    if s == 0:
        return f'class="{cls}" fill="{fill}"', ""
    return f'fill="url(#{cid}-p{s})"', hatch(f"{cid}-p{s}", s, fill, cls)
