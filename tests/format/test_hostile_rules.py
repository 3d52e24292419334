"""Issue 12, classes 8, 9 and 10: configuration errors, the format's contract, and boundaries.

Every expected value is a literal: a change of a rule (12 months to 120, ``<``
to ``<=``, a weighted sum for the related ranking) fails a test here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from test_cli import MKDOCS_YML, kb, run

from pmsite.analysis.checklist import findings
from pmsite.analysis.knowledge_base import build_knowledge_base
from pmsite.analysis.patterns import densest_window
from pmsite.format.document import Document
from pmsite.settings import Settings
from pmsite.site.guide import checklist_table, field_table

from conftest import ROOT, mkdocs_build, valid_doc, write_site

HOSTILE = ROOT / "tests" / "hostile"


def document(settings: Settings | None = None, **changes: Any) -> Document:
    return Document.model_validate(valid_doc(**changes), context={"settings": settings or Settings()})


# --- class 8: configuration -------------------------------------------------------------------------------

BAD_OPTIONS = [
    ("related_limit: '5'", "related_limit: expected a whole number from 0 to 100, got '5'"),
    ("related_limit: true", "related_limit: expected a whole number from 0 to 100, got True"),
    ("pattern_window_months: 0", "pattern_window_months: expected a whole number from 1 to 1,200, got 0"),
    ("max_file_bytes: -1", "max_file_bytes: expected a whole number from 1,024 to 67,108,864, got -1"),
    ("reference_date: 2024-02-30", "reference_date: expected a date that exists, got '2024-02-30'"),
    ("reference_date: 9999-01-01", "reference_date: expected a date between 1970-01-01 and 2100-12-31, got 9999-01-01"),
    ("severities: {1: \"a\\nb\"}", "severities: expected the label of severity 1 as one line of text without control characters, got 'a\\nb'"),
    ("priorities: [high, high]", "priorities: expected distinct priorities, got ['high', 'high']"),
    ("priority_windows: {high: '28'}", "priority_windows: expected a number of days from 0 to 36,500 for 'high', got '28'"),
]


@pytest.mark.parametrize(("option", "message"), BAD_OPTIONS, ids=[o.split(":")[0] + str(n) for n, (o, _) in enumerate(BAD_OPTIONS)])
def test_a_bad_option_is_a_clean_usage_error_in_every_command(tmp_path: Path, option: str, message: str) -> None:
    root = kb(tmp_path, {"a.yaml": valid_doc()}, config=MKDOCS_YML + f"      {option}\n")
    for command in (["validate"], ["actions"], ["schema"]):
        proc = run(*command, cwd=root)
        assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"pmsite: error: mkdocs.yml: pmsite option {message}\n"), command


def test_the_committed_bad_configuration(tmp_path: Path) -> None:
    root = kb(tmp_path, {"a.yaml": valid_doc()}, config=(HOSTILE / "mkdocs-related-limit-string.yml").read_text())
    proc = run("validate", cwd=root)
    assert (proc.returncode, proc.stderr) == (2, "pmsite: error: mkdocs.yml: pmsite option related_limit: expected a whole number from 0 to 100, got '5'\n")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PMSITE_REFERENCE_DATE", "yesterday", "reference_date: environment variable PMSITE_REFERENCE_DATE: expected a date (YYYY-MM-DD), got 'yesterday'"),
        ("PMSITE_REFERENCE_DATE", "9999-12-31", "reference_date: environment variable PMSITE_REFERENCE_DATE: expected a date between 1970-01-01 and 2100-12-31, got '9999-12-31'"),
        ("PMSITE_PUBLISH_DRAFTS", "maybe", "publish_drafts: environment variable PMSITE_PUBLISH_DRAFTS: expected 1, true, yes or on (or 0, false, no, off), got 'maybe'"),
    ],
)
def test_a_bad_environment_override_is_a_clean_error_with_or_without_mkdocs_yml(tmp_path: Path, variable: str, value: str, message: str) -> None:
    with_config = kb(tmp_path / "a", {"a.yaml": valid_doc()})
    without = kb(tmp_path / "b", {"a.yaml": valid_doc()}, config=None)
    for root, where in ((with_config, "mkdocs.yml"), (without, "the environment")):
        for command in ("validate", "actions"):
            proc = run(command, cwd=root, env={variable: value})
            assert (proc.returncode, proc.stderr) == (2, f"pmsite: error: {where}: pmsite option {message}\n"), (root, command)


def test_the_environment_overrides_apply_in_the_cli(tmp_path: Path) -> None:
    doc = valid_doc()
    doc["action_items"][0].update(status="open", due="2024-07-01")
    del doc["action_items"][0]["completed_on"]
    root = kb(tmp_path, {"a.yaml": doc})
    rows = json.loads(run("actions", "--format", "json", cwd=root, env={"PMSITE_REFERENCE_DATE": "2024-07-11"}).stdout)
    assert [r["days_overdue"] for r in rows] == [10]
    rows = json.loads(run("actions", "--format", "json", "--reference-date", "2024-07-02", cwd=root, env={"PMSITE_REFERENCE_DATE": "2024-07-11"}).stdout)
    assert [r["days_overdue"] for r in rows] == [1]  # the command line wins


def test_an_unknown_option_is_a_warning_as_in_mkdocs(tmp_path: Path) -> None:
    root = kb(tmp_path, {"a.yaml": valid_doc()}, config=MKDOCS_YML + "      relatd_limit: 3\n")
    proc = run("validate", cwd=root)
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        0, "OK: 1 file, no problems\n", "pmsite: warning: mkdocs.yml: pmsite option relatd_limit: Unrecognised configuration name: relatd_limit\n")


def test_mkdocs_build_gives_the_same_clean_errors(tmp_path: Path) -> None:
    root = write_site(tmp_path / "a", {"x.yaml": valid_doc()}, extra="      related_limit: '5'")
    result = mkdocs_build(root)
    assert not result.ok and "Traceback" not in result.log
    assert "Plugin 'pmsite' option 'related_limit': expected a whole number from 0 to 100, got '5'" in result.log
    root = write_site(tmp_path / "b", {"x.yaml": valid_doc()})
    result = mkdocs_build(root, env={"PMSITE_REFERENCE_DATE": "2024-13-01"})
    assert not result.ok and "Traceback" not in result.log
    assert ("option 'reference_date': environment variable PMSITE_REFERENCE_DATE: expected a date that exists, "
            "got '2024-13-01'") in result.log


def test_configured_names_reach_the_guide_as_text() -> None:
    settings = Settings(severities={1: "<script>alert(1)</script>", "P|2": "a `b` *c* [d](javascript:x) & e"},
                        priorities=("<b>now</b>",), priority_windows={"<b>now</b>": 3})
    table = field_table(settings)
    assert (
        "<code>1</code> (&lt;script&gt;alert(1)&lt;/script&gt;), "
        "<code>P&#124;2</code> (a &#96;b&#96; &#42;c&#42; &#91;d&#93;(javascript:x) &amp; e)"
    ) in table
    html = markdown.markdown("# Guide\n\n" + table + "\n" + checklist_table(settings), extensions=["tables"])
    soup = BeautifulSoup(html, "lxml")
    assert soup.find_all("script") == [] and soup.find_all("a") == [] and soup.find_all("em") == [] and soup.find_all("b") == []
    text = " ".join(soup.get_text(" ").split())
    assert "1 (<script>alert(1)</script>), P|2 (a `b` *c* [d](javascript:x) & e)" in text
    assert "<b>now</b> (3 days)" in text
    assert "Due dates within the priority's target window from resolution: <b>now</b> 3 days." in text


# --- class 9: the contract -------------------------------------------------------------------------------


def ranked(settings: Settings, docs: list[dict[str, Any]]) -> dict[str, list[str]]:
    models = [Document.model_validate(d, context={"settings": settings}) for d in docs]
    kb_ = build_knowledge_base([(m, f"{m.id}.yaml") for m in models], settings)
    return {inc.id: [r.incident.id for r in inc.related] for inc in kb_.incidents}


def ranking_docs() -> list[dict[str, Any]]:
    """tests/hostile/related-ranking.yaml: who shares what with INC-A, as data."""
    spec = yaml.safe_load((HOSTILE / "related-ranking.yaml").read_text(encoding="utf-8"))
    docs = []
    for ident, fields in spec["incidents"].items():
        doc = valid_doc(id=ident, services=fields["services"], tags=fields.get("tags", []), started_at=fields["started_at"],
                        detected_at=fields["started_at"], mitigated_at=None, resolved_at=fields["resolved_at"])
        del doc["mitigated_at"]
        doc["root_causes"] = [dict(doc["root_causes"][0], category=c) for c in fields["categories"]]
        docs.append(doc)
    return docs


def test_a_shared_root_cause_category_ranks_first() -> None:
    related = ranked(Settings(reference_date=dt.date(2024, 7, 1)), ranking_docs())
    # INC-CAT shares only the category; INC-SVC shares three services and two tags but no category;
    # INC-CAT-SVC shares both; INC-TAG one tag; INC-NEAR and INC-FAR one service each, at different distances.
    assert related["INC-A"] == ["INC-CAT-SVC", "INC-CAT", "INC-SVC", "INC-NEAR", "INC-FAR"]


@pytest.mark.parametrize(("limit", "expected"), [(0, []), (1, ["INC-CAT-SVC"]), (5, ["INC-CAT-SVC", "INC-CAT", "INC-SVC", "INC-NEAR", "INC-FAR"]),
                                                 (6, ["INC-CAT-SVC", "INC-CAT", "INC-SVC", "INC-NEAR", "INC-FAR", "INC-TAG"])])
def test_related_limit_is_exact(limit: int, expected: list[str]) -> None:
    assert ranked(Settings(reference_date=dt.date(2024, 7, 1), related_limit=limit), ranking_docs())["INC-A"] == expected


def test_explicit_related_come_first_and_count_toward_the_limit() -> None:
    docs = ranking_docs()
    docs[0]["related"] = ["INC-TAG"]
    assert ranked(Settings(reference_date=dt.date(2024, 7, 1), related_limit=2), docs)["INC-A"] == ["INC-TAG", "INC-CAT-SVC"]


@pytest.mark.parametrize("severity", [1, 2, 3, 4])
@pytest.mark.parametrize(("published_on", "warned"), [("2024-03-22", False), ("2024-03-23", True)])
def test_pm110_applies_to_every_severity_at_its_exact_deadline(severity: int, published_on: str, warned: bool) -> None:
    # resolved 2024-03-15: published 7 days later is on time, 8 days later is late
    found = [f.message for f in findings(document(severity=severity, published_on=published_on), Settings()) if f.code == "PM110"]
    assert found == (["published 8 days after resolution; the deadline is 7 days"] if warned else [])


# --- class 10: boundaries -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("due", "warned"), [("2024-03-18", True), ("2024-03-19", False)])
def test_pm107_due_on_the_publication_day_is_flagged_the_day_after_is_not(due: str, warned: bool) -> None:
    doc = valid_doc()
    doc["action_items"][0].update(status="open", due=due)
    del doc["action_items"][0]["completed_on"]
    model = Document.model_validate(doc, context={"settings": Settings()})
    found = [f.message for f in findings(model, Settings()) if f.code == "PM107"]
    assert found == ([f"open action A1 was due {due} on or before publication (2024-03-18): set a realistic future date"] if warned else [])


def boundaries() -> list[tuple[dt.date, dt.date, bool, int]]:
    spec = yaml.safe_load((HOSTILE / "boundaries.yaml").read_text(encoding="utf-8"))  # YAML dates: dt.date values
    return [(c["reference_date"], c["due"], c["overdue"], c["days_late"]) for c in spec["overdue"]]


@pytest.mark.parametrize(("today", "due", "overdue", "days_late"), boundaries())
def test_overdue_starts_the_day_after_the_due_date(today: dt.date, due: dt.date, overdue: bool, days_late: int) -> None:
    doc = valid_doc()
    doc["action_items"][0].update(status="in-progress", due=due.isoformat())
    del doc["action_items"][0]["completed_on"]
    settings = Settings(reference_date=today)
    action = build_knowledge_base([(Document.model_validate(doc, context={"settings": settings}), "x.yaml")], settings).incidents[0].actions[0]
    assert (action.overdue, action.days_late) == (overdue, days_late)


@pytest.mark.parametrize(
    ("dates", "count"),
    [
        (["2023-01-15", "2024-01-14"], 2),  # inside twelve months
        (["2023-01-15", "2024-01-15"], 1),  # exactly twelve months later: the window's end is excluded
        (["2023-01-31", "2024-01-30", "2024-01-31"], 2),
        (["2023-01-15", "2023-06-01", "2023-12-31", "2024-01-14"], 4),
    ],
)
def test_the_pattern_window_is_twelve_months_end_excluded(dates: list[str], count: int) -> None:
    assert densest_window([dt.date.fromisoformat(d) for d in dates], Settings().pattern_window_months)[0] == count
    assert Settings().pattern_window_months == 12


def test_timestamps_keep_their_time_of_day_in_every_output() -> None:
    from pmsite.site import outputs

    settings = Settings(reference_date=dt.date(2024, 7, 1))
    kb_ = build_knowledge_base([(document(settings), "x.yaml")], settings)
    record = json.loads(outputs.incidents_json(kb_))["incidents"][0]
    assert [e["at"] for e in record["timeline"]] == ["2024-03-15T14:37:00Z", "2024-03-15T14:38:45Z", "2024-03-15T15:00:00Z"]
    assert record["metrics"]["time_to_mitigate_seconds"] == 795 and record["metrics"]["impact_window_seconds"] == 1380
