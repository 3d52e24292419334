"""The severity-history page's charts, each with the data table a reader can check it against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from pmsite.analysis.history import History, trimmed
from pmsite.settings import Settings
from pmsite.site import charts

SPREAD_NOTE = "Minutes. The middle half of incidents lies between the 25th and 75th percentile."


@dataclass
class Chart:
    """A chart as a page shows it: the drawing (inline SVG), its caption, and the table of its numbers."""

    id: str
    caption: str
    svg: str
    header: list[str]
    rows: list[list[Any]]
    note: str = ""

    def __post_init__(self) -> None:
        self.svg = Markup(self.svg)


def history_charts(h: History, settings: Settings) -> list[Chart]:
    """Incidents by severity, the response times, near misses and durations: empty periods at either
    end of a series are left out of its chart."""
    if not h.periods:
        return []
    per = h.step  # "month", "quarter" or "year"
    names = [settings.severity_label(sev) for sev in h.severities]
    out = [
        Chart(
            "incidents-per-period",
            f"Incidents per {per} by severity",
            charts.stacked_bars(
                "incidents-per-period-chart", f"Incidents per {per} by severity", h.periods,
                [(name, h.per_period[sev]) for name, sev in zip(names, h.severities)], y_title="incidents",
            ),
            [per.capitalize(), *names, "Total"],
            [[p, *[h.per_period[s][i] for s in h.severities], h.counts[i]] for i, p in enumerate(h.periods)],
        )
    ]
    for ident, caption, what, spreads, colour in (
        ("time-to-resolve", f"Time to resolve per {per} (detected to resolved)", "time to resolve", h.resolve, 0),
        ("time-to-detect", f"Time to detect per {per} (started to detected)", "time to detect", h.detect, 1),
        ("time-to-mitigate", f"Time to mitigate per {per} (detected to mitigated)", "time to mitigate", h.mitigate, 2),
    ):
        cut = trimmed(spreads)
        periods = h.periods[cut]
        rows = spreads[cut]
        if not periods:
            continue
        out.append(
            Chart(
                ident,
                caption,
                charts.range_chart(
                    f"{ident}-chart", caption, periods,
                    [(s.p25, s.median, s.p75) if s else None for s in rows], what=what, colour=colour,
                ),
                [per.capitalize(), "Incidents", "25th percentile", "Median", "75th percentile", "Mean"],
                [[p, s.count, s.p25, s.median, s.p75, s.mean] if s else [p, 0, None, None, None, None] for p, s in zip(periods, rows)],
                note=SPREAD_NOTE,
            )
        )
    cut = trimmed(h.near_misses)
    if h.periods[cut]:
        out.append(
            Chart(
                "near-misses",
                f"Near misses per {per}",
                charts.bar_chart("near-misses-chart", f"Near misses per {per}", h.periods[cut], h.near_misses[cut], y_title="near misses", colour=3),
                [per.capitalize(), "Near misses", "All incidents"],
                [[p, n, c] for p, n, c in zip(h.periods[cut], h.near_misses[cut], h.counts[cut])],
            )
        )
    out.append(
        Chart(
            "duration-distribution",
            "Duration distribution (detected to resolved)",
            charts.hbar_chart("duration-distribution-chart", "Duration distribution", [b for b, _ in h.duration_bins], [n for _, n in h.duration_bins]),
            ["Duration", "Incidents"],
            [[b, n] for b, n in h.duration_bins],
        )
    )
    return out
