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

from pmsite.site.charts.bars import bar_chart, hbar_chart, stacked_bars
from pmsite.site.charts.drawing import (
    CHAR_W,
    LAYOUTS,
    NARROW,
    PALETTE,
    SEVERITY_COLOURS,
    WIDE,
    Layout,
    label_every,
    period_noun,
    responsive,
    ticks,
    time_unit,
)
from pmsite.site.charts.groups import grouped_bars, hbar_groups
from pmsite.site.charts.ranges import range_chart

__all__ = [
    "CHAR_W", "LAYOUTS", "NARROW", "PALETTE", "SEVERITY_COLOURS", "WIDE", "Layout", "bar_chart", "grouped_bars", "hbar_chart",
    "hbar_groups", "label_every", "period_noun", "range_chart", "responsive", "stacked_bars", "ticks", "time_unit",
]
