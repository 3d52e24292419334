"""Bar charts: one series, stacked series, and horizontal bars."""

from __future__ import annotations

from collections.abc import Sequence

from pmsite.site.charts.drawing import (
    PALETTE,
    SEVERITY_COLOURS,
    Layout,
    Plot,
    clip,
    coord,
    count_text,
    esc,
    hatch,
    legend_row,
    period_noun,
    responsive,
    svg_open,
    text_width,
    ticks,
    whole,
)

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
    data = [[whole(values[i]) if i < len(values) else 0 for i in range(n)] for _, values in series]
    totals = [sum(column) for column in zip(*data, strict=True)] if data else [0] * n
    peak = max(totals, default=0)
    names = [str(name) for name, _ in series]
    desc = f"{len(series)} series over {n} {period_noun(x_labels)}; {sum(totals)} in all"
    if peak:
        desc += f"; highest: {x_labels[totals.index(peak)]} with {peak}"
    desc += "."

    def draw(layout: Layout, cid: str) -> str:
        plot = Plot(layout, x_labels, ticks(0, peak, integer=True), y_title=y_title, tick_text=count_text)
        bar = max(1.0, plot.slot * 0.72)
        defs = ["<defs>"]
        for s in range(len(series)):
            defs.append(hatch(f"{cid}-p{s}", s, colours[s % len(colours)], f"pm-sev-{s % 6}"))
        defs.append("</defs>")
        parts = [plot.axes(), '<g class="pm-bars">']
        safe_names = [esc(name) for name in names]
        for i, label in enumerate(plot.labels):
            x = coord(plot.centre(i) - bar / 2)
            base = 0
            for s, column in enumerate(data):
                value = column[i]
                if not value:
                    continue
                # round both edges first so stacked segments meet exactly
                y_top, y_bottom = round(plot.y(base + value), 2), round(plot.y(base), 2)
                parts.append(
                    f'<rect x="{x}" y="{coord(y_top)}" width="{coord(bar)}" height="{coord(y_bottom - y_top)}" fill="url(#{cid}-p{s})">'
                    f"<title>{esc(label)}, {safe_names[s]}: {value}</title></rect>"
                )
                base += value
        parts.append("</g>")
        x_axis, y = plot.x_axis()
        swatches = [(f'<rect width="12" height="12" fill="url(#{cid}-p{s})"/>', name) for s, name in enumerate(names)]
        legend, legend_h = legend_row(swatches, layout, plot.left, y + 4, plot.right)
        height = y + 4 + legend_h + 4
        return svg_open(cid, layout, title, desc, height) + "".join(defs) + "".join(parts) + x_axis + legend + "</svg>"

    return responsive(chart_id, draw)



def bar_chart(chart_id: str, title: str, x_labels: list[str], values: list[int], *, y_title: str = "", colour: int = 0) -> str:
    """Simple bars with the value printed above each non-empty one (counts per period)."""
    counts = [whole(values[i]) if i < len(values) else 0 for i in range(len(x_labels))]
    peak = max(counts, default=0)
    desc = f"{len(counts)} {period_noun(x_labels)}; {sum(counts)} in all"
    if peak:
        desc += f"; highest: {x_labels[counts.index(peak)]} with {peak}"
    desc += "."
    cls, fill = f"pm-series-{colour % 8}", PALETTE[colour % 8]

    def draw(layout: Layout, cid: str) -> str:
        plot = Plot(layout, x_labels, ticks(0, peak, integer=True), y_title=y_title, tick_text=count_text)
        bar = max(1.0, plot.slot * 0.72)
        base = round(plot.y(0), 2)
        small = layout.font - 1
        parts = [plot.axes(), '<g class="pm-bars">']
        values_g = [f'<g class="pm-values" text-anchor="middle" font-size="{coord(small)}">']
        for i, (label, value) in enumerate(zip(plot.labels, counts, strict=True)):
            if not value:
                continue
            centre = plot.centre(i)
            y_top = round(plot.y(value), 2)
            parts.append(
                f'<rect class="{cls}" x="{coord(centre - bar / 2)}" y="{coord(y_top)}" width="{coord(bar)}" '
                f'height="{coord(base - y_top)}" fill="{fill}"><title>{esc(label)}: {value}</title></rect>'
            )
            if text_width(str(value), small) <= plot.slot:
                values_g.append(f'<text x="{coord(centre)}" y="{coord(y_top - 4)}">{value}</text>')
        parts.append("</g>")
        values_g.append("</g>")
        x_axis, y = plot.x_axis()
        return svg_open(cid, layout, title, desc, y + 4) + "".join(parts) + "".join(values_g) + x_axis + "</svg>"

    return responsive(chart_id, draw)



def hbar_chart(chart_id: str, title: str, labels: list[str], values: list[int], *, noun: str = "incidents", colour: int = 0) -> str:
    """Horizontal bars with their labels on the left and the value at the end: reads on a phone."""
    counts = [whole(values[i]) if i < len(values) else 0 for i in range(len(labels))]
    peak = max(counts, default=0)
    desc = f"{len(counts)} {'bar' if len(counts) == 1 else 'bars'}; {sum(counts)} {noun} in all"
    if peak:
        desc += f"; most: {labels[counts.index(peak)]} with {peak}"
    desc += "."
    cls, fill = f"pm-series-{colour % 8}", PALETTE[colour % 8]

    def draw(layout: Layout, cid: str) -> str:
        f = layout.font
        row_h = f + 14
        label_w = max((text_width(clip(label, 24), f) for label in labels), default=0) + 10
        value_w = text_width(str(peak), f) + 8
        span = layout.width - label_w - value_w - 4
        parts = ['<g class="pm-hbars">']
        for i, (label, value) in enumerate(zip(labels, counts, strict=True)):
            y = i * row_h + 4
            w = span * value / peak if peak else 0
            parts.append(f'<text x="{coord(label_w - 8)}" y="{coord(y + f)}" text-anchor="end">{esc(clip(label, 24))}</text>')
            if value:
                parts.append(
                    f'<rect class="{cls}" x="{coord(label_w)}" y="{coord(y)}" width="{coord(max(w, 1.0))}" height="{coord(f + 4)}" fill="{fill}">'
                    f"<title>{esc(label)}: {value}</title></rect>"
                )
            parts.append(f'<text x="{coord(label_w + w + 6)}" y="{coord(y + f)}">{value}</text>')
        parts.append("</g>")
        height = len(labels) * row_h + 8
        return svg_open(cid, layout, title, desc, height) + "".join(parts) + "</svg>"

    return responsive(chart_id, draw)
