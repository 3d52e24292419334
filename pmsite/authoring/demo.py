"""A synthetic, realistic corpus of post-mortems, deterministic for a seed.

Used by ``pmsite demo-corpus`` and the benchmark. Distributions follow what
real post-mortems look like: most incidents are minor, detection is mostly
automated, timelines have 6-14 events over minutes to hours, most action
items are done a few weeks after the incident, a few are overdue.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pmsite.settings import Settings

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

SERVICES = [
    "api-gateway", "auth", "billing", "checkout", "search", "catalog", "payments", "orders-db", "mobile-api",
    "notifications", "cdn", "dns", "kafka", "job-runner", "inventory", "recommendations", "reporting",
    "identity", "storage", "k8s-platform", "ci-pipeline", "feature-flags", "cache", "email", "webhooks",
    "analytics", "ledger", "pricing", "shipping", "support-portal", "data-warehouse", "vpn", "load-balancer",
    "metrics", "logging", "secrets", "scheduler", "image-resizer", "graphql", "partner-api",
]
TEAMS = ["platform", "payments", "growth", "data", "mobile", "sre", "security", "core-services", "infra", "commerce"]
TAGS = [
    "deployment", "database-migration", "config-change", "certificate", "capacity", "third-party", "dns",
    "cache", "network", "memory-leak", "rate-limit", "feature-flag", "retry-storm", "timeout", "disk-full",
    "failover", "kubernetes", "autoscaling", "backup", "security",
]
CAUSES = {
    "code-defect": "A change in {svc} shipped a defect in the {part} path that only appears with production data.",
    "configuration-error": "A configuration change to {svc} set the {part} limit to a value the service could not run with.",
    "capacity-insufficient": "{svc} ran with a fixed pool sized for normal load; the {part} queue grew faster than it drained.",
    "dependency-failure": "An upstream dependency of {svc} degraded and {svc} had no timeout on the {part} call.",
    "process-gap": "The release process for {svc} had no step that checks the {part} before rollout.",
    "operational-error": "A maintenance command against {svc} affected more {part} nodes than the runbook intended.",
    "design-flaw": "{svc} keeps {part} state on a single node, so losing that node stops every request.",
    "monitoring-gap": "No alert covered the {part} error rate of {svc}, so the problem grew unseen.",
}
CATEGORY_WEIGHTS = [22, 20, 14, 14, 10, 8, 7, 5]
PARTS = ["write", "read", "session", "retry", "connection-pool", "index", "token", "batch", "cache-fill", "webhook"]
FACTORS = {
    "people": ["On-call rotation had a new member without a shadow shift", "Only one engineer knew the {svc} failover steps"],
    "process": ["The runbook for {svc} was out of date", "Change review does not cover configuration files", "No canary stage for {svc}"],
    "technology": ["{svc} has no circuit breaker", "Retries without backoff amplified the load", "Dashboards for {svc} lacked saturation metrics"],
    "environment": ["Traffic peak from a marketing campaign", "A cloud provider zone was degraded", "Staging data differs from production"],
}
KINDS = ["escalation", "decision", "communication", "other", "mitigation"]
ACTIONS = [
    "Add a timeout of {n} seconds and a circuit breaker to the {part} call in {svc}",
    "Alert when the {part} error rate of {svc} exceeds {n}% for five minutes",
    "Add a canary stage that holds {svc} releases for {n} minutes on error-rate regressions",
    "Autoscale {svc} workers on queue depth with a ceiling of {n} instances",
    "Update the {svc} failover runbook and rehearse it in the next game day",
    "Validate {part} configuration values of {svc} in CI against their safe ranges",
    "Copy anonymised production data into the {svc} staging database weekly",
    "Document ownership of the {part} path of {svc} in the service catalog",
]
PRIORITY_WEIGHTS = [("critical", 10), ("high", 35), ("medium", 40), ("low", 15)]


@dataclass(frozen=True)
class Repeatable:
    """What a later incident repeats of an earlier one: the failure, where it happened."""

    id: str
    service: str
    category: str
    part: str


def _choice_weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _z(ts: dt.datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_document(rng: random.Random, index: int, start: dt.datetime, earlier: list[Repeatable], settings: Settings,
                  repeats: Repeatable | None = None) -> tuple[dict, Repeatable]:
    """One post-mortem, and what a later one may repeat of it; ``earlier``: the published ones before it,
    oldest first. ``repeats``: the earlier incident whose failure this one repeats (the same first
    service, root-cause category and failing part), named in ``related`` as an author who knows the
    failure came back names it. ``rng`` is drawn from the same way either way, so the rest of the
    corpus does not depend on which incidents repeat."""
    svc_count = rng.choices([1, 2, 3], weights=[55, 35, 10])[0]
    services = rng.sample(SERVICES, svc_count)
    if repeats is not None:
        services = [repeats.service, *(s for s in services if s != repeats.service)][:svc_count]
    svc = services[0]
    severity = rng.choices(list(settings.severities)[:4], weights=[5, 20, 45, 30])[0]
    ttd = rng.choice([30, 60, 105, 180, 300, 600, 1200, 3600])
    duration = int(rng.lognormvariate(7.6, 1.0))  # median about 33 minutes
    duration = max(120, min(duration, 3 * 86400))
    detected = start + dt.timedelta(seconds=ttd)
    resolved = detected + dt.timedelta(seconds=duration)
    mitigated = detected + dt.timedelta(seconds=int(duration * rng.uniform(0.3, 0.9)))
    published = resolved.date() + dt.timedelta(days=rng.choice([1, 2, 2, 3, 4, 5]))
    doc_id = f"INC-{start.year}-{index:05d}"
    categories = list(CAUSES)
    cats = [rng.choices(categories, weights=CATEGORY_WEIGHTS)[0]]
    if rng.random() < 0.3:
        other = rng.choices(categories, weights=CATEGORY_WEIGHTS)[0]
        if other not in cats:
            cats.append(other)
    if repeats is not None:  # as many root causes as drawn (each draws its whys), the repeated one first
        cats = [repeats.category, *(c for c in cats if c != repeats.category)][: len(cats)]
    part = rng.choice(PARTS)
    if repeats is not None:
        part = repeats.part
    events: list[dict[str, Any]] = [
        {"at": _z(start), "event": f"A change to `{svc}` started rolling out", "actor": "Deployment pipeline", "kind": "trigger",
         "evidence": f"https://deploys.example.com/{svc}/runs/{rng.randint(1000, 99999)}"},
        {"at": _z(detected), "event": f"Error-rate alert fired for **{svc}**", "actor": "Monitoring", "kind": "detection",
         "evidence": [f"https://grafana.example.com/d/{svc}?from={int(start.timestamp())}", f"Pager incident {rng.randint(1000, 9999)}"]},
    ]
    extra = rng.randint(3, 10)
    for k in range(extra):
        at = detected + dt.timedelta(seconds=int(duration * (k + 1) / (extra + 2)))
        kind = rng.choice(KINDS)
        events.append({"at": _z(at), "event": f"On-call engineer {['checked', 'rolled back', 'paged', 'scaled', 'posted an update on'][k % 5]} {svc} ({kind})",
                       "actor": rng.choice(["On-call engineer", "Incident commander", "Communications lead", "Database team"]), "kind": kind})
        if rng.random() < 0.4:
            events[-1]["evidence"] = f"https://chat.example.com/archives/{doc_id.lower()}/p{rng.randint(100000, 999999)}"
    events.append({"at": _z(mitigated), "event": "Impact reduced after rolling back", "actor": "On-call engineer", "kind": "mitigation"})
    events.append({"at": _z(resolved), "event": f"{svc} error rate back to baseline; incident resolved", "actor": "Incident commander", "kind": "resolution",
                   "evidence": f"https://status.example.com/incidents/{doc_id.lower()}"})
    rng.shuffle(events)
    root_causes = []
    for cat in cats:
        root_causes.append({
            "description": CAUSES[cat].format(svc=svc, part=part),
            "category": cat,
            "five_whys": [
                f"Why did {svc} fail? The {part} path returned errors under production load.",
                f"Why did the {part} path return errors? {CAUSES[cat].format(svc=svc, part=part)}",
                "Why was that not caught before release? No test or check covers this case.",
                "Why is there no such check? The release checklist predates this failure mode.",
            ][: rng.choice([3, 4])],
        })
    factors = []
    for branch in rng.sample(list(FACTORS), rng.randint(1, 3)):
        factors.append({"description": rng.choice(FACTORS[branch]).format(svc=svc), "category": branch})
    actions = []
    for n in range(rng.randint(2, 6)):
        priority = _choice_weighted(rng, PRIORITY_WEIGHTS)
        window = settings.priority_windows.get(priority, 30)
        earliest = min(window, (published - resolved.date()).days + 1)
        due = resolved.date() + dt.timedelta(days=rng.randint(earliest, window))
        status = rng.choices(["done", "open", "in-progress", "wont-do"], weights=[60, 20, 15, 5])[0]
        item = {
            "id": f"A{n + 1}",
            "description": rng.choice(ACTIONS).format(svc=svc, part=part, n=rng.choice([2, 5, 10, 30])),
            "owner": f"{rng.choice(TEAMS).capitalize()} team",
            "priority": priority,
            "due": due.isoformat(),
            "status": status,
            "success_criteria": f"A game day that reproduces the {part} failure in {svc} shows no user-facing errors",
            "prevents_recurrence": rng.random() < 0.5,
            "improves_detection": rng.random() < 0.3,
            "improves_response": rng.random() < 0.3,
            "ticket": f"https://tracker.example.com/browse/REL-{rng.randint(100, 99999)}",
        }
        if status in ("done", "wont-do"):
            item["completed_on"] = (due - dt.timedelta(days=rng.randint(-10, 5))).isoformat()
        actions.append(item)
    status = "published"
    roll = rng.random()
    if roll < 0.02:
        status = "draft"
    elif roll < 0.04:
        status = "in-review"
    pct = rng.choice([None, 1, 5, 12.5, 30, 100])
    doc: dict[str, Any] = {
        "id": doc_id,
        "title": f"{svc} {rng.choice(['errors', 'latency', 'outage', 'degradation', 'data delay'])} after {rng.choice(['a deploy', 'a config change', 'a traffic spike', 'a dependency failure', 'maintenance'])}",
        "status": status,
        "severity": severity,
        "near_miss": rng.random() < 0.06,
        "summary": f"{svc} returned errors for {duration // 60} minutes after {part} problems; about {pct or 2}% of requests failed.",
        "started_at": _z(start),
        "detected_at": _z(detected),
        "mitigated_at": _z(mitigated),
        "resolved_at": _z(resolved),
        "detection": rng.choices(list(settings.detection_methods), weights=[70, 12, 8, 4, 4, 2][: len(settings.detection_methods)])[0],
        "services": services,
        "teams": rng.sample(TEAMS, rng.randint(1, 2)),
        "tags": rng.sample(TAGS, rng.randint(0, 3)),
        "authors": [f"{rng.choice(TEAMS).capitalize()} team"],
        "review_meeting_on": (resolved.date() + dt.timedelta(days=1)).isoformat(),
        "published_on": published.isoformat(),
        "impact": {
            "description": f"Requests to `{svc}` failed or were slow; clients retried. See the [status page](https://status.example.com/{doc_id.lower()}).",
            "slo_violations": [f"{svc} availability 99.9% (monthly)"] if severity in (1, 2) else [],
            "business_metrics": [f"about {rng.randint(10, 5000)} orders delayed"] if rng.random() < 0.4 else [],
        },
        "timeline": events,
        "root_causes": root_causes,
        "contributing_factors": factors,
        "went_well": ["The alert fired and paged the right rotation.", "Rollback was automated and took under five minutes."][: rng.randint(1, 2)],
        "went_poorly": [f"The {svc} dashboard did not show the {part} saturation."],
        "action_items": actions,
        "related": [],
        "links": [{"title": "Incident channel export", "url": f"https://chat.example.com/archives/{doc_id.lower()}"}],
    }
    if pct is not None:
        doc["impact"]["users_affected_pct"] = pct
        doc["impact"]["users_affected"] = int(pct * 12000)
    if earlier and rng.random() < 0.15:  # the draws that once chose a random id here: kept, so the corpus stays the same
        rng.choice(earlier[-200:])
    if repeats is not None:
        doc["related"] = [repeats.id]
    return doc, Repeatable(doc_id, svc, cats[0], part)


def generate(count: int, seed: int, folder: Path, settings: Settings | None = None) -> list[Path]:
    """Write ``count`` documents into ``folder`` (one sub-folder per year). Same seed, same bytes."""
    settings = settings or Settings()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    span_days = max(365, count // 2)  # about two incidents a day at scale
    first = dt.datetime(2026, 6, 30, tzinfo=dt.UTC) - dt.timedelta(days=span_days)
    starts = sorted(first + dt.timedelta(seconds=rng.randint(0, span_days * 86400)) for _ in range(count))
    earlier: list[Repeatable] = []
    written = []
    chooser = random.Random(f"{seed}: which incidents repeat an earlier one")  # apart from rng: it leaves the rest as it was
    for index, start in enumerate(starts, start=1):
        start = start.replace(microsecond=0)
        repeats = chooser.choice(earlier[-200:]) if earlier and chooser.random() < 0.15 else None
        doc, repeatable = make_document(rng, index, start, earlier, settings, repeats)
        if doc["status"] == "published":
            earlier.append(repeatable)
        path = folder / str(start.year) / f"{start.date().isoformat()}-{doc['id'].lower()}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
        written.append(path)
    return written
