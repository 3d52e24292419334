"""Grouped bars: two series side by side per period, and horizontal groups against a target."""

from __future__ import annotations

from collections.abc import Sequence

from pmsite.site.charts.drawing import (
    CHAR_W,
    Layout,
    Plot,
    clip,
    coord,
    count_text,
    esc,
    finite,
    legend_row,
    period_noun,
    responsive,
    series_fill,
    shown_number,
    svg_open,
    text_width,
    ticks,
    whole,
)


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
    data = [[whole(values[i]) if i < len(values) else 0 for i in range(n)] for _, values in series]
    names = [str(name) for name, _ in series]
    peak = max((v for column in data for v in column), default=0)
    desc = f"{len(series)} series over {n} {period_noun(x_labels)}"
    if series:
        desc += "; in all: " + ", ".join(f"{name} {sum(column)}" for name, column in zip(names, data))
    desc += "."

    def draw(layout: Layout, cid: str) -> str:
        plot = Plot(layout, x_labels, ticks(0, peak, integer=True), y_title=y_title, tick_text=count_text)
        k = max(1, len(series))
        width = plot.slot * 0.8 / k
        gap = min(2.0, width * 0.15)
        bar = max(1.0, width - gap)
        small = layout.font - 1
        show_values = all(text_width(str(v), small) <= width + 2 for column in data for v in column if v)
        base = round(plot.y(0), 2)
        fills = [series_fill(cid, s, colours[s % len(colours)]) for s in range(len(series))]
        defs = "".join(pattern for _, pattern in fills)
        parts = [f"<defs>{defs}</defs>" if defs else "", plot.axes(), '<g class="pm-bars">']
        values_g = [f'<g class="pm-values" text-anchor="middle" font-size="{coord(small)}">']
        safe_names = [esc(name) for name in names]
        for i, label in enumerate(plot.labels):
            left = plot.centre(i) - plot.slot * 0.4
            for s, column in enumerate(data):
                value = column[i]
                if not value:
                    continue
                x = left + s * width + gap / 2
                y_top = round(plot.y(value), 2)
                parts.append(
                    f'<rect x="{coord(x)}" y="{coord(y_top)}" width="{coord(bar)}" height="{coord(base - y_top)}" {fills[s][0]}>'
                    f"<title>{esc(label)}, {safe_names[s]}: {value}</title></rect>"
                )
                if show_values:
                    values_g.append(f'<text x="{coord(x + bar / 2)}" y="{coord(y_top - 4)}">{value}</text>')
        parts.append("</g>")
        values_g.append("</g>")
        x_axis, y = plot.x_axis()
        swatches = [(f'<rect width="12" height="12" {fill}/>', name) for (fill, _), name in zip(fills, names)]
        legend, legend_h = legend_row(swatches, layout, plot.left, y + 4, plot.right)
        height = y + 4 + legend_h + 4
        return svg_open(cid, layout, title, desc, height) + "".join(parts) + "".join(values_g) + x_axis + legend + "</svg>"

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
    rows = [[finite(values[i]) if i < len(values) else None for i in range(len(labels))] for _, values in series]
    rows = [[v if v is None or v >= 0 else 0.0 for v in row] for row in rows]
    marks = [finite(targets[i]) if i < len(targets) else None for i in range(len(labels))]
    names = [str(name) for name, _ in series]
    known = [v for row in rows for v in row if v is not None] + [t for t in marks if t is not None and t >= 0]
    peak = max(known, default=0.0)
    desc = f"{len(labels)} {'row' if len(labels) == 1 else 'rows'} of {k} {'bar' if k == 1 else 'bars'}"
    for name, row in zip(names, rows):
        present = [(v, i) for i, v in enumerate(row) if v is not None]
        if present:
            top, at = max(present, key=lambda vi: (vi[0], -vi[1]))
            desc += f"; highest {name}: {labels[at]} with {shown_number(top)}"
    if any(t is not None for t in marks):
        desc += f"; a dashed line marks each row's {target_name}"
    desc += "."

    def draw(layout: Layout, cid: str) -> str:
        f = layout.font
        bar_h, gap = f + 2, 3
        texts = [shown_number(v) if v is not None else missing for row in rows for v in row]
        value_w = max((text_width(t, f) for t in texts), default=0) + 8
        x0, span = 4.0, layout.width - 4 - value_w - 4
        fits = max(4, int((layout.width - 8) / (f * CHAR_W)))
        fills = [series_fill(cid, s, colours[s % len(colours)]) for s in range(k)]
        defs = "".join(pattern for _, pattern in fills)
        parts = [f"<defs>{defs}</defs>" if defs else "", '<g class="pm-hbars">']
        targets_g = ['<g class="pm-targets" stroke="currentColor" stroke-width="2" stroke-dasharray="4 3">']
        y = 0.0
        for i, label in enumerate(labels):
            parts.append(f'<text class="pm-hbar-label" x="{coord(x0)}" y="{coord(y + f)}" font-weight="700">{esc(clip(label, fits))}</text>')
            top = y + f + 6
            mark = marks[i]
            mark_x = x0 + span * mark / peak if (mark is not None and mark >= 0 and peak) else None
            for s, row in enumerate(rows):
                value = row[i]
                y_bar = top + s * (bar_h + gap)
                w = span * value / peak if (value is not None and peak) else 0.0
                if value is not None and value > 0:
                    parts.append(
                        f'<rect x="{coord(x0)}" y="{coord(y_bar)}" width="{coord(max(w, 1.0))}" height="{coord(bar_h)}" {fills[s][0]}>'
                        f"<title>{esc(label)}, {esc(names[s])}: {shown_number(value)}</title></rect>"
                    )
                shown = shown_number(value) if value is not None else missing
                x_text = x0 + w + 6
                if mark_x is not None and x_text - 4 <= mark_x <= x_text + text_width(shown, f) + 2:
                    x_text = mark_x + 6  # past the target's line, never crossed by it
                parts.append(f'<text x="{coord(x_text)}" y="{coord(y_bar + bar_h - 3)}">{esc(shown)}</text>')
            bottom = top + k * (bar_h + gap) - gap
            if mark_x is not None and mark is not None:
                targets_g.append(
                    f'<line x1="{coord(mark_x)}" y1="{coord(top - 3)}" x2="{coord(mark_x)}" y2="{coord(bottom + 3)}">'
                    f"<title>{esc(label)}, {esc(target_name)}: {shown_number(mark)}</title></line>"
                )
            y = bottom + f
        parts.append("</g>")
        targets_g.append("</g>")
        swatches = [(f'<rect width="12" height="12" {fill}/>', name) for (fill, _), name in zip(fills, names)]
        if any(t is not None for t in marks):
            swatches.append(('<path d="M6 0V12" stroke="currentColor" stroke-width="2" stroke-dasharray="4 3"/>', target_name))
        legend, legend_h = legend_row(swatches, layout, x0, y, layout.width - 4)
        height = y + legend_h + 4
        body = "".join(parts) + ("".join(targets_g) if len(targets_g) > 2 else "")
        return svg_open(cid, layout, title, desc, height) + body + legend + "</svg>"

    return responsive(chart_id, draw)
