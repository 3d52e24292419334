"""``pmsite draft``: drafts from PagerDuty, Opsgenie, a Slack export and a CSV timeline.

The fixtures (``tests/fixtures/importers/``) follow each tool's published API shapes:
PagerDuty's ``GET /incidents/{id}`` and paginated ``GET /incidents/{id}/log_entries``
rendered in a ``+02:00`` time zone, Opsgenie's ``GET /v2/alerts/{id}`` and its paged
``/logs``, a Slack workspace export with ``channels.json``, ``users.json`` and one file
of messages per day. They name people on purpose ("Earline Greenholt", "Jane Doe", ...):
none of them may reach a draft. Every expected value below is written by hand from the
fixtures. Each importer runs through the real console script, then ``pmsite validate``,
then the loader the CLI and the build use.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from pmsite.format.document import Document
from pmsite.settings import Settings

from conftest import run_pmsite
from drafting import draft_file, kb

FIX = Path(__file__).resolve().parent / "fixtures" / "importers"
PD, OG, SLACK, CSV = FIX / "pagerduty", FIX / "opsgenie", FIX / "slack" / "export", FIX / "csv"
MAPPING = FIX / "mapping.yaml"

# Everyone the fixtures name, in every form they take; none may appear in a draft (compared in lower case).
PEOPLE = {
    "pagerduty": ["Earline", "Greenholt", "Lee Turner", "Turner", "lee.turner", "Jane Doe"],
    "opsgenie": ["Morgan", "morgan.lee", "Sam Rivera", "Rivera", "sam.rivera", "@example.com"],
    "slack": ["Jane", "Doe", "jane.doe", "Rahul", "Mehta", "rahul.mehta", "@example.com"],
    "csv": ["Priya", "Raman"],
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_pmsite(*args, cwd=cwd)


def draft(root: Path, *args: str, settings: Settings | None = None) -> tuple[Path, str, Document]:
    """``pmsite draft ARGS`` in ``root``, then ``pmsite validate --strict`` and the loader on the new file."""
    path, doc, _ = draft_file(root, *args, settings=settings)
    assert doc.status == "draft"
    return path, path.read_text(encoding="utf-8"), doc


def timeline(doc: Document) -> list[tuple[str, str, str | None, str | None, list[str]]]:
    return [(e.at.isoformat(), e.event, e.kind, e.actor, e.evidence) for e in doc.timeline]


def times(doc: Document) -> tuple[str | None, ...]:
    return tuple(t.isoformat() if t else None for t in (doc.started_at, doc.detected_at, doc.mitigated_at, doc.resolved_at))


def no_people(text: str, source: str) -> None:
    found = [name for name in PEOPLE[source] if name.lower() in text.lower()]
    assert found == [], found


def line(text: str, start: str) -> str:
    return next(ln for ln in text.splitlines() if ln.startswith(start))


def copy(src: Path, dst: Path, change: Any = None) -> Path:
    """A fixture copied into the test's folder, optionally with its JSON changed."""
    if change is None:
        shutil.copyfile(src, dst)
    else:
        data = json.loads(src.read_text(encoding="utf-8"))
        change(data)
        dst.write_text(json.dumps(data), encoding="utf-8")
    return dst


# --- PagerDuty ----------------------------------------------------------------------------------

PD_TIMELINE = [
    ("2024-06-11T16:38:45+02:00", "Incident triggered: checkout-api 5xx ratio > 5% for 2 minutes", "detection",
     "Alerting integration", ["https://example.pagerduty.com/incidents/Q2PXW7LR9ZB1KM/log_entries/R1TRIGGERED0001"]),
    ("2024-06-11T16:41:12+02:00", "Incident acknowledged", "escalation", "Incident commander",
     ["https://example.pagerduty.com/incidents/Q2PXW7LR9ZB1KM/log_entries/R3ACKED00000003"]),
    ("2024-06-11T16:46:00+02:00", "Incident escalated", "escalation", "Paging system",
     ["https://example.pagerduty.com/incidents/Q2PXW7LR9ZB1KM/log_entries/R8ESCALATED0008"]),
    ("2024-06-11T16:47:30+02:00",
     "Rolled back deploy 8812 of checkout-api; Incident commander is watching the error rate <b>now</b>",
     "mitigation", "Incident commander", []),
    ("2024-06-11T16:51:30+02:00", "Incident assigned", "escalation", "Incident commander",
     ["https://example.pagerduty.com/incidents/Q2PXW7LR9ZB1KM/log_entries/R5ASSIGN0000005"]),
    ("2024-06-11T17:05:00+02:00",
     "Error rate back to normal after the rollback. Incident commander confirmed with [e-mail address removed]",
     "resolution", None, ["https://example.pagerduty.com/incidents/Q2PXW7LR9ZB1KM/log_entries/R6NOTE000000006"]),
    ("2024-06-11T17:20:03+02:00", "Incident resolved", "resolution", "Incident commander",
     ["https://example.pagerduty.com/incidents/Q2PXW7LR9ZB1KM/log_entries/R7RESOLVED00007"]),
]


def test_pagerduty_incident_and_two_log_pages(tmp_path: Path) -> None:
    root = kb(tmp_path)
    (root / "schema").mkdir()
    (root / "schema" / "postmortem.schema.json").write_text("{}", encoding="utf-8")
    path, text, doc = draft(root, "--from", "pagerduty", str(PD / "incident.json"), str(PD / "log_entries_page1.json"),
                            str(PD / "log_entries_page2.json"), "--mapping", str(MAPPING))
    assert path == root / "content" / "incidents" / "2024-06-11-checkout-api-error-rate-above-5.yaml"
    assert text.startswith("# yaml-language-server: $schema=../../schema/postmortem.schema.json\n")
    assert (doc.id, doc.title, doc.severity, doc.detection) == (
        "INC-2024-0611", "Checkout API error rate above 5%", 1, "automated-alert")
    assert (doc.services, doc.teams) == (["checkout"], ["payments-platform"])
    assert times(doc) == ("2024-06-11T16:38:45+02:00", "2024-06-11T16:38:45+02:00",
                          "2024-06-11T16:47:30+02:00", "2024-06-11T17:20:03+02:00")
    # sorted across both pages (the escalation is last on page 2); the notification entry is left out
    assert timeline(doc) == PD_TIMELINE
    assert [(link.title, link.url) for link in doc.links] == [
        ("PagerDuty incident #4521", "https://example.pagerduty.com/incidents/Q2PXW7LR9ZB1KM")]
    assert line(text, "started_at:") == "started_at: 2024-06-11T16:38:45+02:00  # the record's first event; impact may have begun earlier"
    assert line(text, "severity:").endswith("# PagerDuty priority \"P1\", from mapping.yaml")
    assert line(text, "services:").endswith('# from PagerDuty service "Checkout API"')
    no_people(text, "pagerduty")
    assert "\x07" not in text and "Notified" not in text


def test_pagerduty_pages_in_one_file_and_the_default_mapping(tmp_path: Path) -> None:
    _, text, doc = draft(kb(tmp_path), "--from", "pagerduty", str(PD / "incident.json"), str(PD / "log_entries_pages.json"))
    # without a mapping file: P1 -> 1 by default, service and team names become slugs, people are left out
    assert (doc.severity, doc.services, doc.teams) == (1, ["checkout-api"], ["payments-platform"])
    assert line(text, "severity:").endswith("# PagerDuty priority \"P1\", by the default mapping")
    assert [(at, event, kind) for at, event, kind, _, _ in timeline(doc)] == [
        (at, event.replace("Incident commander", "a responder"), kind) for at, event, kind, _, _ in PD_TIMELINE]
    assert [e.actor for e in doc.timeline] == ["Alerting integration", None, "PagerDuty", None, None, None, None]
    no_people(text, "pagerduty")


def test_pagerduty_without_a_log_file(tmp_path: Path) -> None:
    _, text, doc = draft(kb(tmp_path), "--from", "pagerduty", str(PD / "incident_minimal.json"))
    # no priority (null): urgency low -> 4; no alerts: the detection method is left to the author
    assert (doc.id, doc.title, doc.severity, doc.services, doc.teams, doc.detection) == (
        "INC-2024-1202", "Search indexer queue backlog", 4, ["search-indexer"], [], "unknown")
    assert times(doc) == ("2024-12-02T09:15:00-05:00", "2024-12-02T09:15:00-05:00", None, "2024-12-02T10:02:30-05:00")
    assert timeline(doc) == [
        ("2024-12-02T09:15:00-05:00", "Incident triggered: Search indexer queue backlog", "detection", None, []),
        ("2024-12-02T10:02:30-05:00", "Incident resolved", "resolution", None, []),
    ]
    assert line(text, "severity:").endswith("# PagerDuty urgency \"low\", by the default mapping")
    assert line(text, "detection:").startswith("detection: unknown                # TODO: how it was noticed:")
    assert line(text, "# mitigated_at:").endswith("# TODO: when impact was first reduced, if it was")
    no_people(text, "pagerduty")


def test_pagerduty_empty_log(tmp_path: Path) -> None:
    _, _, doc = draft(kb(tmp_path), "--from", "pagerduty", str(PD / "incident_minimal.json"),
                      str(PD / "log_entries_empty.json"), "--mapping", str(MAPPING))
    assert [(e.at.isoformat(), e.event) for e in doc.timeline] == [
        ("2024-12-02T09:15:00-05:00", "Incident triggered: Search indexer queue backlog"),
        ("2024-12-02T10:02:30-05:00", "Incident resolved"),
    ]
    assert doc.services == ["search"]


def test_pagerduty_missing_page_is_noted(tmp_path: Path) -> None:
    root = kb(tmp_path)
    proc = run("draft", "--from", "pagerduty", str(PD / "incident.json"), str(PD / "log_entries_page1.json"), cwd=root)
    assert proc.returncode == 0, proc.stderr
    note = ("the PagerDuty log entries from offset 4 on were not given (a page says more: true); "
            "fetch ?offset=4 and pass that page too")
    assert f"note: {note}\n" in proc.stderr
    text = (root / proc.stdout.split()[1]).read_text(encoding="utf-8")
    assert f"# TODO: {note}\n" in text


# --- Opsgenie -----------------------------------------------------------------------------------


def test_opsgenie_alert_and_two_log_pages(tmp_path: Path) -> None:
    _, text, doc = draft(kb(tmp_path), "--from", "opsgenie", str(OG / "alert.json"), str(OG / "logs_page1.json"),
                         str(OG / "logs_page2.json"), "--mapping", str(MAPPING))
    assert (doc.id, doc.title, doc.severity, doc.services, doc.teams, doc.detection) == (
        "INC-2024-1105", "payments-api p99 latency above 2s", 2, ["payments", "payments-api"], [], "automated-alert")
    # resolved_at: createdAt 08:14:03.512 + closeTime 2887492 ms = 09:02:11.004, to the second
    assert times(doc) == ("2024-11-05T08:14:03+00:00", "2024-11-05T08:14:03+00:00",
                          "2024-11-05T08:31:40+00:00", "2024-11-05T09:02:11+00:00")
    assert timeline(doc) == [
        ("2024-11-05T08:14:03+00:00", "Alert created via Prometheus EU[Prometheus]", "detection", "Alerting integration", []),
        ("2024-11-05T08:14:05+00:00", "Sent SMS notification to On-call engineer", None, "On-call engineer", []),
        ("2024-11-05T08:17:11+00:00", "Alert acknowledged via web", "escalation", "On-call engineer", []),
        ("2024-11-05T08:31:40+00:00", "[On-call engineer] added note: restarted the payments workers; latency recovering",
         "mitigation", "On-call engineer", []),
        ("2024-11-05T09:02:11+00:00", "Alert closed via web", "resolution", None, []),
    ]
    assert line(text, "started_at:").startswith("started_at: 2024-11-05T08:14:03Z ")
    assert line(text, "teams:").endswith("# TODO: the teams involved in the response")
    no_people(text, "opsgenie")


@pytest.mark.parametrize("logs", [[], ["logs_empty.json"]], ids=["no-log-file", "empty-log"])
def test_opsgenie_alert_alone(tmp_path: Path, logs: list[str]) -> None:
    _, text, doc = draft(kb(tmp_path), "--from", "opsgenie", str(OG / "alert.json"), *(str(OG / n) for n in logs),
                         "--mapping", str(MAPPING))
    # the report: ackTime 187488 ms and closeTime 2887492 ms after createdAt
    assert timeline(doc) == [
        ("2024-11-05T08:14:03+00:00", "Alert created: payments-api p99 latency above 2s", "detection",
         "Alerting integration", []),
        ("2024-11-05T08:17:11+00:00", "Alert acknowledged", "escalation", "On-call engineer", []),
        ("2024-11-05T09:02:11+00:00", "Alert closed", "resolution", None, []),
    ]
    assert doc.mitigated_at is None and doc.resolved_at is not None
    no_people(text, "opsgenie")


def test_opsgenie_last_page_missing_is_noted(tmp_path: Path) -> None:
    proc = run("draft", "--from", "opsgenie", str(OG / "alert.json"), str(OG / "logs_page1.json"), cwd=kb(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert ("note: every Opsgenie log page given points to a next one (paging.next); fetch the last page and "
            "pass it too\n") in proc.stderr


# --- Slack ---------------------------------------------------------------------------------------

SLACK_TIMELINE = [
    ("2024-03-15T23:38:30+00:00", "Triggered #4521: checkout-api 5xx ratio > 5%", "detection", "Paging system", []),
    ("2024-03-15T23:40:12+00:00", "I'm looking. a responder can you check the <checkout> dashboard? "
     "Checkout dashboard (https://grafana.example.com/d/checkout)", None, "Incident commander", []),
    ("2024-03-15T23:52:05+00:00", "Rolled back deploy 8812. Incident commander, error rate is dropping ok",
     "mitigation", None, []),
    ("2024-03-16T00:05:40+00:00", "Resolved: error rate back to normal for 10 minutes. Thanks a responder!",
     "resolution", "Incident commander", []),
    ("2024-03-16T00:07:00+00:00", "A file was shared in the channel", None, None, []),
]


def test_slack_export_channel(tmp_path: Path) -> None:
    path, text, doc = draft(kb(tmp_path), "--from", "slack", str(SLACK), "--channel", "#inc-2024-0315-checkout",
                            "--mapping", str(MAPPING))
    assert path.name == "2024-03-15-slack-inc-2024-0315-checkout.yaml"
    # joins and leaves are left out, the other channel too; mentions become roles; &lt; is "<" as typed;
    # the bell and the right-to-left override are stripped
    assert timeline(doc) == SLACK_TIMELINE
    assert times(doc) == ("2024-03-15T23:38:30+00:00", "2024-03-15T23:38:30+00:00",
                          "2024-03-15T23:52:05+00:00", "2024-03-16T00:05:40+00:00")
    assert (doc.id, doc.title, doc.severity, doc.services, doc.detection) == (
        "INC-2024-0315", "TODO: what happened to which service", 4, ["TODO-service"], "unknown")
    assert "game day" not in text and "\u202e" not in text and "\x07" not in text
    no_people(text, "slack")


def test_slack_export_zip_with_arguments_for_what_it_lacks(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in sorted(SLACK.rglob("*")):
            if file.is_file():
                zf.write(file, f"Acme Slack export/{file.relative_to(SLACK).as_posix()}")
    _, text, doc = draft(kb(tmp_path), "--from", "slack", str(archive), "--channel", "inc-2024-0315-checkout",
                         "--mapping", str(MAPPING), "--title", "Checkout errors after deploy 8812",
                         "--severity", "2", "--service", "checkout")
    assert timeline(doc) == SLACK_TIMELINE
    assert (doc.title, doc.severity, doc.services) == ("Checkout errors after deploy 8812", 2, ["checkout"])
    for field in ("title:", "severity:", "services:"):
        assert line(text, field).endswith(f"# given with --{field[:-1].removesuffix('s')}")


def test_slack_unknown_or_missing_channel_is_a_usage_error(tmp_path: Path) -> None:
    unknown = run("draft", "--from", "slack", str(SLACK), "--channel", "inc-nope", cwd=kb(tmp_path))
    assert unknown.returncode == 2
    assert unknown.stderr.endswith('no channel "inc-nope" in the export; its channels: general, inc-2024-0315-checkout\n')
    missing = run("draft", "--from", "slack", str(SLACK), cwd=tmp_path)
    assert missing.returncode == 2 and "--from slack needs --channel NAME" in missing.stderr


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_timeline(tmp_path: Path) -> None:
    path, text, doc = draft(kb(tmp_path), "--from", "csv", str(CSV / "timeline.csv"), "--mapping", str(MAPPING))
    assert path.name == "2024-09-03-timeline.yaml"
    # sorted by instant across offsets: 10:02+05:30 = 04:32Z, 21:45-07:00 on the 2nd = 04:45Z on the 3rd
    assert timeline(doc) == [
        ("2024-09-03T10:02:00+05:30", "Config change to the rate limiter pushed by the deploy pipeline", "trigger",
         "Deploy pipeline", ["https://deploys.example.com/runs/311"]),
        ("2024-09-03T04:40:00+00:00", "Alert fired: API gateway 429 responses above 10%", "detection", None,
         ["https://grafana.example.com/d/gateway"]),
        ("2024-09-02T21:45:00-07:00", "On-call engineer paged the gateway team", "escalation", "On-call engineer", []),
        ("2024-09-03T05:02:00+00:00", "Rate limiter config rolled back", "mitigation", "On-call engineer",
         ["https://deploys.example.com/runs/312", "https://deploys.example.com/runs/313"]),
        ("2024-09-03T05:20:00+00:00", 'Error rate back to normal; <b>status page</b> updated, "all good"', "resolution",
         "Incident commander", ["Status page post 2024-09-03"]),
    ]
    assert times(doc) == ("2024-09-03T10:02:00+05:30", "2024-09-03T04:40:00+00:00",
                          "2024-09-03T05:02:00+00:00", "2024-09-03T05:20:00+00:00")
    assert line(text, "  - at: 2024-09-03T04:40:00Z").endswith("# TODO: actor left out: not in the actors mapping of the mapping file")
    no_people(text, "csv")


def test_offsets_are_kept_and_events_ordered_by_instant(tmp_path: Path) -> None:
    # as text, the -12:00 row sorts first; as instants it is last (00:30Z on January 1st)
    (tmp_path / "t.csv").write_text("timestamp,event\n"
                                    "2023-12-31T12:30:00-12:00,Resolved after the failover\n"
                                    "2024-01-01T13:00:00+14:00,Certificate rotation job started\n"
                                    "2024-01-01T05:30:00+05:45,Alert fired: TLS handshake errors\n", encoding="utf-8")
    path, text, doc = draft(kb(tmp_path), "--from", "csv", "t.csv")
    assert [(e.at.isoformat(), e.kind) for e in doc.timeline] == [
        ("2024-01-01T13:00:00+14:00", None), ("2024-01-01T05:30:00+05:45", "detection"),
        ("2023-12-31T12:30:00-12:00", "resolution")]
    assert (path.name, doc.id) == ("2024-01-01-t.yaml", "INC-2024-0101")  # the start's own date
    assert [line(text, f).split("  #")[0] for f in ("started_at:", "detected_at:", "resolved_at:")] == [
        "started_at: 2024-01-01T13:00:00+14:00", "detected_at: 2024-01-01T05:30:00+05:45",
        "resolved_at: 2023-12-31T12:30:00-12:00"]


def test_csv_evidence_that_would_not_validate_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("timestamp,event,evidence\n"
                                    "2024-09-03T04:40:00Z,Alert fired,javascript:alert(1)\n"
                                    "2024-09-03T04:41:00Z,Dashboard checked,ticket:4521 see https://x.example/1\n",
                                    encoding="utf-8")
    _, text, doc = draft(kb(tmp_path), "--from", "csv", "t.csv")
    assert [e.evidence for e in doc.timeline] == [[], ["ticket:4521 see https://x.example/1"]]
    assert line(text, "  - at: 2024-09-03T04:40:00Z").endswith(
        "# TODO: evidence left out: only http(s) links and plain text are kept")
    assert "javascript" not in text


@pytest.mark.parametrize(("content", "message"), [
    ("timestamp,event\n2024-09-03T04:40:00,Alert fired\n",
     "t.csv:2: timestamp: expected a timestamp with an offset (Z or +hh:mm), got \"2024-09-03T04:40:00\" without one"),
    ("timestamp,event,actor,evidence\n", "t.csv: no events, only a header row; a draft needs at least one"),
    ("timestamp,event,evidance\n2024-09-03T04:40:00Z,x,y\n",
     "t.csv:1: column 3 \"evidance\": unknown column; did you mean 'evidence'?"),
    ("timestamp,event\n2024-09-03T04:40:00Z,\n", "t.csv:2: event: expected a text, got an empty cell"),
    ("", "t.csv: empty file; expected a header row: timestamp, event, actor, evidence, kind"),
    ("timestamp,event\n1969-12-31T23:59:59Z,Alert fired\n",
     "t.csv:2: timestamp: expected a time between 1970-01-01 and 2100-12-31, got \"1969-12-31T23:59:59Z\""),
    ("timestamp,event\n2101-01-01T00:00:00Z,Alert fired\n",
     "t.csv:2: timestamp: expected a time between 1970-01-01 and 2100-12-31, got \"2101-01-01T00:00:00Z\""),
], ids=["no-offset", "header-only", "unknown-column", "empty-event", "empty-file", "before-1970", "after-2100"])
def test_csv_problems_are_located(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "t.csv").write_text(content, encoding="utf-8")
    proc = run("draft", "--from", "csv", "t.csv", cwd=kb(tmp_path))
    assert (proc.returncode, proc.stderr) == (1, f"pmsite: error: {message}\n")
    assert list((tmp_path / "content" / "incidents").iterdir()) == []


# --- mapping ------------------------------------------------------------------------------------


def test_unmapped_severity_names_the_value_where_and_the_key(tmp_path: Path) -> None:
    copy(PD / "incident.json", tmp_path / "incident.json", lambda d: d["incident"]["priority"].update(summary="SEV-0"))
    proc = run("draft", "--from", "pagerduty", "incident.json", "--mapping", str(MAPPING), cwd=kb(tmp_path))
    assert proc.returncode == 1
    assert proc.stderr == (
        f"pmsite: error: incident.json: incident.priority.summary: PagerDuty priority \"SEV-0\" has no severity level in "
        f"{MAPPING} (this site's levels: 1, 2, 3, 4); add it to the mapping file under severity: pagerduty_priority:, "
        f"e.g. \"SEV-0\": 4\n")
    assert list((tmp_path / "content" / "incidents").iterdir()) == []


def test_unmapped_service_names_the_value_where_and_the_key(tmp_path: Path) -> None:
    (tmp_path / "mapping.yaml").write_text("services:\n  Search Indexer: search\n", encoding="utf-8")
    proc = run("draft", "--from", "pagerduty", str(PD / "incident.json"), "--mapping", "mapping.yaml", cwd=kb(tmp_path))
    assert proc.returncode == 1
    assert proc.stderr == (
        f"pmsite: error: {PD / 'incident.json'}: incident.service.summary: PagerDuty service \"Checkout API\" is not in "
        f"the services of mapping.yaml; add it to the mapping file under services:, e.g. \"Checkout API\": checkout-api\n")


def test_the_sites_own_severity_levels(tmp_path: Path) -> None:
    root = kb(tmp_path)
    (root / "mkdocs.yml").write_text("site_name: Handbook\ndocs_dir: content\nplugins:\n  - pmsite:\n"
                                     "      severities: {P1: Outage, P2: Degradation}\n", encoding="utf-8")
    levels = Settings.from_mapping({"severities": {"P1": "Outage", "P2": "Degradation"}})
    _, text, doc = draft(root, "--from", "pagerduty", str(PD / "incident.json"), settings=levels)
    assert doc.severity == "P1"  # one of this site's levels
    assert line(text, "severity:") == 'severity: "P1"                    # PagerDuty priority "P1": the same level here'
    copy(PD / "incident.json", tmp_path / "p3.json", lambda d: d["incident"]["priority"].update(summary="P3"))
    proc = run("draft", "--from", "pagerduty", "p3.json", cwd=root)
    assert proc.returncode == 1
    assert 'PagerDuty priority "P3" has no severity level in the default mapping (this site\'s levels: P1, P2)' in proc.stderr


@pytest.mark.parametrize(("content", "message"), [
    ("severty: {}\n", "m.yaml: severty: unknown section; did you mean 'severity'?"),
    ("severity:\n  pagerduty_priority: {P1: 9}\n",
     "m.yaml: severity.pagerduty_priority.P1: expected a severity level of this site (1, 2, 3, 4), got 9"),
    ("actors:\n  U1: [a, b]\n", "m.yaml: actors.U1: expected a role or a system on one line (or null to leave it out), got a list"),
    ("kinds:\n  rolled back: fixed\n", "m.yaml: kinds.rolled back: expected a timeline kind (trigger, detection, escalation, "
                                        "decision, mitigation, resolution, communication, other), got \"fixed\""),
    ("services: [\n", "m.yaml:2:1: expected a valid YAML mapping file: expected the node content, but found '<stream end>'"),
], ids=["unknown-section", "not-a-level", "actor-list", "unknown-kind", "bad-yaml"])
def test_mapping_file_problems_are_usage_errors(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "m.yaml").write_text(content, encoding="utf-8")
    proc = run("draft", "--from", "csv", str(CSV / "timeline.csv"), "--mapping", "m.yaml", cwd=kb(tmp_path))
    assert (proc.returncode, proc.stderr) == (2, f"pmsite: error: {message}\n")


# --- files --------------------------------------------------------------------------------------


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    root = kb(tmp_path)
    args = ("--from", "csv", str(CSV / "timeline.csv"))
    path, text, _ = draft(root, *args)
    again = run("draft", *args, cwd=root)
    assert (again.returncode, again.stderr) == (
        1, "pmsite: error: content/incidents/2024-09-03-timeline.yaml already exists; pmsite draft never overwrites a file\n")
    (root / "mine.yaml").write_text("# my notes\n", encoding="utf-8")
    other = run("draft", *args, "--output", "mine.yaml", cwd=root)
    assert (other.returncode, other.stderr) == (
        1, "pmsite: error: mine.yaml already exists; pmsite draft never overwrites a file\n")
    assert path.read_text(encoding="utf-8") == text
    assert (root / "mine.yaml").read_text(encoding="utf-8") == "# my notes\n"
    # another output file gets the next free id
    _, _, doc = draft(root, *args, "--output", "content/incidents/second.yaml")
    assert doc.id == "INC-2024-0903-2"


def test_malformed_json_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "incident.json").write_text('{\n  "incident": {\n    "id": "PT4KHLK",,\n  }\n}\n', encoding="utf-8")
    proc = run("draft", "--from", "pagerduty", "incident.json", cwd=kb(tmp_path))
    assert (proc.returncode, proc.stderr) == (
        1, "pmsite: error: incident.json:3:21: expected valid JSON: Expecting property name enclosed in double quotes\n")
    (tmp_path / "log.json").write_bytes(b'{"log_entries": ["\xff"]}')
    proc = run("draft", "--from", "pagerduty", str(PD / "incident.json"), "log.json", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (1, "pmsite: error: log.json:1:19: expected UTF-8 text, got the byte 0xff\n")
    (tmp_path / "alert.json").write_text('{"data": []}', encoding="utf-8")
    proc = run("draft", "--from", "opsgenie", "alert.json", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (1, "pmsite: error: alert.json: expected the JSON of Opsgenie's "
                                                 "GET /v2/alerts/{id}: an object with a \"data\" object, got an object\n")


def test_missing_inputs_and_bad_arguments_are_usage_errors(tmp_path: Path) -> None:
    root = kb(tmp_path)
    missing = run("draft", "--from", "pagerduty", "nope.json", cwd=root)
    assert (missing.returncode, missing.stderr) == (2, "pmsite: error: no such file: nope.json\n")
    missing_log = run("draft", "--from", "pagerduty", str(PD / "incident.json"), "nope-log.json", cwd=root)
    assert (missing_log.returncode, missing_log.stderr) == (2, "pmsite: error: no such file: nope-log.json\n")
    assert run("draft", "--from", "jira", "x.json", cwd=root).returncode == 2
    assert run("draft", str(CSV / "timeline.csv"), cwd=root).returncode == 2  # no --from
    assert run("draft", "--from", "csv", str(CSV / "timeline.csv"), "--severity", "9", cwd=root).returncode == 2
    assert run("draft", "--from", "csv", str(CSV / "timeline.csv"), "--channel", "x", cwd=root).returncode == 2
    assert run("draft", "--from", "csv", str(CSV / "timeline.csv"), "--mapping", "none.yaml", cwd=root).returncode == 2
    assert list((root / "content" / "incidents").iterdir()) == []


# --- what every draft guarantees ----------------------------------------------------------------

SOURCES = {
    "pagerduty": ["--from", "pagerduty", str(PD / "incident.json"), str(PD / "log_entries_pages.json")],
    "opsgenie": ["--from", "opsgenie", str(OG / "alert.json"), str(OG / "logs_page1.json"), str(OG / "logs_page2.json")],
    "slack": ["--from", "slack", str(SLACK), "--channel", "inc-2024-0315-checkout"],
    "csv": ["--from", "csv", str(CSV / "timeline.csv")],
}
ALWAYS_TODO = ("summary:", "tags:", "authors:", "  description:", "root_causes:", "contributing_factors:",
               "went_well:", "went_poorly:", "action_items:")
# what each record cannot fill
TODO = {
    "pagerduty": (),
    "opsgenie": ("teams:",),
    "slack": ("title:", "severity:", "detection:", "services:", "teams:"),
    "csv": ("title:", "severity:", "detection:", "services:", "teams:"),
}


@pytest.mark.parametrize("source", list(SOURCES))
def test_every_unfilled_field_carries_a_todo_and_no_name_gets_in(tmp_path: Path, source: str) -> None:
    _, text, doc = draft(kb(tmp_path), *SOURCES[source])
    assert text.startswith("# yaml-language-server: $schema=https://pmsite.invalid/schema/postmortem-v1.json\n")
    for field in (*ALWAYS_TODO, *TODO[source]):
        assert "# TODO: " in line(text, field), field
    for field in {"title:", "severity:", "detection:", "services:", "teams:", "started_at:", "detected_at:"} - set(TODO[source]):
        assert "TODO" not in line(text, field), field
    assert doc.timeline == sorted(doc.timeline, key=lambda e: e.at) and doc.timeline
    no_people(text, source)


def test_untrusted_text_is_kept_as_text_without_control_characters(tmp_path: Path) -> None:
    hostile = ("**Rolled back** <script>alert(1)</script> [x](javascript:alert(1))\u2028next line\x1b[31m "
               "\u202eevil\ud800 \U0001f525 \"quoted\" \\ back\ttab")

    incident = copy(PD / "incident.json", tmp_path / "incident.json",
                    lambda d: d["incident"].update(title="Title\nwith a line break and \x00 a NUL"))
    log = tmp_path / "log.json"
    log.write_text(json.dumps({"log_entries": [{"id": "N1", "type": "annotate_log_entry",
                                                "created_at": "2024-06-11T16:50:00+02:00",
                                                "channel": {"type": "note", "summary": hostile}}],
                               "limit": 25, "offset": 0, "more": False, "total": None}), encoding="utf-8")
    _, text, doc = draft(kb(tmp_path), "--from", "pagerduty", str(incident), str(log))
    assert doc.title == "Title with a line break and a NUL"
    assert timeline(doc)[0][1] == ("**Rolled back** <script>alert(1)</script> [x](javascript:alert(1))\nnext line "
                                   "evil \U0001f525 \"quoted\" \\ back tab")  # the colour code is removed whole
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f\u202e\u2028]", text)


@pytest.mark.parametrize(("value", "message"), [
    ("4133980800", 'ts: expected a time between 1970-01-01 and 2100-12-31, got "4133980800"'),  # 2101-01-01T00:00:00Z
    (4133980800, "ts: expected a time between 1970-01-01 and 2100-12-31, got 4133980800"),
])
def test_slack_times_after_the_format_range_are_located(value: object, message: str) -> None:
    from pmsite.authoring.importers.errors import DraftError
    from pmsite.authoring.importers.times import from_epoch

    with pytest.raises(DraftError) as caught:
        from_epoch(value, "ts")
    assert str(caught.value) == message


def test_the_last_second_of_the_format_range_is_a_slack_time() -> None:
    from pmsite.authoring.importers.times import from_epoch

    assert from_epoch("4133980799", "ts").isoformat() == "2100-12-31T23:59:59+00:00"
