"""A range chart: the middle half of each period's values and its median."""

from __future__ import annotations

from pmsite.site.charts.drawing import (
    PALETTE,
    Layout,
    Plot,
    coord,
    esc,
    finite,
    legend_row,
    period_noun,
    responsive,
    shown_number,
    svg_open,
    tick_text,
    ticks,
    time_unit,
)


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
    rows = [s if s is not None and all(finite(v) is not None for v in s) else None for s in spreads[:n]]
    rows += [None] * (n - len(rows))
    known = [(i, r) for i, r in enumerate(rows) if r is not None]
    top = max((r[2] for _, r in known), default=0.0)
    unit, per = time_unit(top)
    desc = f"Median {what} per period with the middle half of incidents, over {n} {period_noun(x_labels)}"
    if known:
        i_best, best = max(known, key=lambda kr: (kr[1][1], -kr[0]))
        desc += f"; highest median: {x_labels[i_best]} with {shown_number(round(best[1] / per, 1))} {unit}"
        if len(known) < n:
            desc += f"; {n - len(known)} without data"
    else:
        desc += "; no data"
    desc += "."
    cls, fill = f"pm-series-{colour % 8}", PALETTE[colour % 8]

    def draw(layout: Layout, cid: str) -> str:
        plot = Plot(layout, x_labels, ticks(0, top / per, integer=False), y_title=unit, tick_text=tick_text)
        band = max(2.0, min(plot.slot * 0.6, 28.0))
        parts = [plot.axes(), f'<g class="pm-band {cls}" fill="{fill}" fill-opacity="0.3">']
        for i, (p25, _median, p75) in known:
            y1, y2 = plot.y(p75 / per), plot.y(p25 / per)
            parts.append(
                f'<rect x="{coord(plot.centre(i) - band / 2)}" y="{coord(y1)}" width="{coord(band)}" height="{coord(max(1.0, y2 - y1))}">'
                f"<title>{esc(plot.labels[i])}: middle half {shown_number(round(p25 / per, 1))} to {shown_number(round(p75 / per, 1))} {unit}</title></rect>"
            )
        parts.append("</g>")
        runs: list[list[str]] = [[]]
        for i, r in enumerate(rows):
            if r is None:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(f"{coord(plot.centre(i))},{coord(plot.y(r[1] / per))}")
        for run in runs:
            if len(run) > 1:
                parts.append(f'<polyline class="pm-line {cls}" points="{" ".join(run)}" fill="none" stroke="{fill}" stroke-width="2.5"/>')
        parts.append(f'<g class="pm-points {cls}" fill="{fill}">')
        for i, (_, median, _) in known:
            parts.append(
                f'<circle cx="{coord(plot.centre(i))}" cy="{coord(plot.y(median / per))}" r="3.5">'
                f"<title>{esc(plot.labels[i])}: median {shown_number(round(median / per, 1))} {unit}</title></circle>"
            )
        parts.append("</g>")
        x_axis, y = plot.x_axis()
        swatches = [
            (f'<path d="M0 6H12" stroke="{fill}" class="pm-line {cls}" stroke-width="2.5"/><circle cx="6" cy="6" r="3.5" class="{cls}" fill="{fill}"/>', "median"),
            (f'<rect width="12" height="12" class="{cls}" fill="{fill}" fill-opacity="0.3"/>', "middle half (25th to 75th percentile)"),
        ]
        legend, legend_h = legend_row(swatches, layout, plot.left, y + 4, plot.right)
        return svg_open(cid, layout, title, desc, y + 4 + legend_h + 4) + "".join(parts) + x_axis + legend + "</svg>"

    return responsive(chart_id, draw)
