"""The incident page's phase bar: started, detected, mitigated, resolved, drawn to scale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pmsite.analysis.incidents import Incident


@dataclass
class Phase:
    """One stretch of the response, drawn to scale in the phase bar."""

    key: str
    name: str
    seconds: float
    share: float  # of the bar's width, in percent, with a floor so a short stretch stays visible
    start: Any
    end: Any



@dataclass
class Phases:
    stretches: list[Phase]
    total_seconds: float
    duration_start: float  # where "detected to resolved" begins on the bar, in percent
    duration_share: float



MIN_SHARE = 6.0  # percent: a one-minute detection in a day-long incident still gets a visible stretch



def phases(inc: Incident) -> Phases | None:
    """Started → detected → mitigated → resolved as shares of the impact window (to scale, with a floor)."""
    doc = inc.doc
    points = [("started", doc.started_at), ("detected", doc.detected_at)]
    if doc.mitigated_at:
        points.append(("mitigated", doc.mitigated_at))
    if doc.resolved_at:
        points.append(("resolved", doc.resolved_at))
    if len(points) < 2:
        return None
    names = {
        ("started", "detected"): ("detect", "Time to detect"),
        ("detected", "mitigated"): ("mitigate", "Time to mitigate"),
        ("mitigated", "resolved"): ("recover", "Mitigated to resolved"),
        ("detected", "resolved"): ("recover", "Detected to resolved"),
    }
    raw = []
    for (a, t0), (b, t1) in zip(points, points[1:]):
        key, name = names[(a, b)]
        raw.append((key, name, max(0.0, (t1 - t0).total_seconds()), t0, t1))
    total = sum(s for _, _, s, _, _ in raw)
    shares = [max(MIN_SHARE, 100 * s / total) if total else 100 / len(raw) for _, _, s, _, _ in raw]
    scale = 100 / sum(shares)
    shares = [round(s * scale, 2) for s in shares]
    stretches = [Phase(k, n, s, share, t0, t1) for (k, n, s, t0, t1), share in zip(raw, shares)]
    after_detection = shares[1:] if doc.resolved_at else []
    return Phases(stretches, total, round(shares[0], 2), round(sum(after_detection), 2))
