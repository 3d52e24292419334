"""The real ``pmsite`` console script, run in a subprocess: exit codes and exact output.

Every case writes a small knowledge base into ``tmp_path``: ``mkdocs.yml`` (with
the tags MkDocs configurations use, ``!ENV`` and ``!!python/name``) and YAML
files built from the complete example of the format (``valid_doc``).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import PMSITE, ROOT, run_pmsite

MKDOCS = str(Path(sys.executable).parent / "mkdocs")

# The complete example of docs/postmortem-format.md, plus a resolution event so it passes the checklist.
EXAMPLE: dict[str, Any] = {
    "id": "INC-2024-0315",
    "title": "Mobile API outage after the v2.8.0 migration",
    "status": "published",
    "severity": 1,
    "near_miss": False,
    "summary": "A schema migration in v2.8.0 failed on production data and every mobile\nAPI request failed for 23 minutes.\n",
    "started_at": "2024-03-15T14:37:00Z",
    "detected_at": "2024-03-15T14:38:45Z",
    "mitigated_at": "2024-03-15T14:52:00Z",
    "resolved_at": "2024-03-15T15:00:00Z",
    "detection": "automated-alert",
    "services": ["mobile-api", "orders-db"],
    "teams": ["platform"],
    "tags": ["deployment", "database-migration"],
    "authors": ["Platform team"],
    "review_meeting_on": "2024-03-17",
    "published_on": "2024-03-18",
    "impact": {
        "users_affected_pct": 100,
        "users_affected": 1200000,
        "description": "All mobile clients received HTTP 500 for every request.\n",
        "slo_violations": ["mobile-api availability 99.9% (monthly)"],
        "business_metrics": ["about 4,100 orders not placed"],
    },
    "timeline": [
        {"at": "2024-03-15T14:37:00Z", "event": "Deployment pipeline started rolling out v2.8.0",
         "actor": "Automated deployment system", "kind": "trigger", "evidence": ["https://deploys.example.com/runs/8812"]},
        {"at": "2024-03-15T14:38:45Z", "event": "Error-rate alert fired for mobile-api", "actor": "Monitoring",
         "kind": "detection", "evidence": "PagerDuty incident 4521"},
        {"at": "2024-03-15T15:00:00Z", "event": "Error rate back to baseline after the rollback",
         "actor": "On-call engineer", "kind": "resolution"},
    ],
    "root_causes": [{
        "description": "The migration added a NOT NULL column without a default to a table\n"
                       "with 15 million rows, so it failed and the code crashed on the\nmissing column.\n",
        "category": "code-defect",
        "five_whys": [
            "Why did the service crash? The code referenced a column that did not exist.",
            "Why did the column not exist? The migration that adds it failed.",
            "Why did the migration fail? NOT NULL without a default on a table with rows.",
            "Why did staging not catch it? The staging table had no rows.",
            "Why was staging empty? The staging refresh copies schema, not data.",
        ],
    }],
    "contributing_factors": [{"description": "Staging data refresh copies only the schema", "category": "process"}],
    "went_well": ["The error-rate alert fired within two minutes."],
    "went_poorly": ["Rollback took ten minutes because the runbook was out of date."],
    "action_items": [{
        "id": "A1",
        "description": "Require explicit defaults for new NOT NULL columns in migration tooling",
        "owner": "Platform team",
        "priority": "critical",
        "due": "2024-03-22",
        "status": "done",
        "completed_on": "2024-03-21",
        "success_criteria": "A migration adding NOT NULL without a default fails CI",
        "prevents_recurrence": True,
        "improves_detection": False,
        "improves_response": False,
        "ticket": "https://github.com/example/platform/issues/812",
    }],
    "related": [],
    "links": [{"title": "Incident channel export", "url": "https://chat.example.com/archives/inc-4521"}],
}


def valid_doc(**changes: Any) -> dict[str, Any]:
    """A complete, checklist-clean document; keyword arguments replace top-level fields."""
    doc = copy.deepcopy(EXAMPLE)
    doc.update(copy.deepcopy(changes))
    return doc


class _Dumper(yaml.SafeDumper):
    """yaml.safe_dump, with multi-line strings as literal blocks like an author writes them."""


_Dumper.add_representer(
    str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="|" if "\n" in v else None)
)


def dump(doc: Any) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


MKDOCS_YML = """\
site_name: !ENV [PMSITE_TEST_SITE_NAME, Test knowledge base]
docs_dir: content
theme:
  name: material
  font: false
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
plugins:
  - pmsite:
      reference_date: 2024-07-01
"""


def kb(root: Path, docs: dict[str, Any], *, config: str | None = MKDOCS_YML) -> Path:
    """A knowledge base in ``root``: mkdocs.yml and ``content/incidents/<name>`` for each document."""
    folder = root / "content" / "incidents"
    folder.mkdir(parents=True, exist_ok=True)
    (root / "content" / "index.md").write_text("# Home\n", encoding="utf-8")
    for name, doc in docs.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(doc if isinstance(doc, str) else dump(doc), encoding="utf-8")
    if config is not None:
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_pmsite(*args, cwd=cwd, env=env)


# --- basics -----------------------------------------------------------------------------------


def test_console_script_is_installed() -> None:
    assert Path(PMSITE).is_file(), "pip install -e . should create the pmsite console script"


def test_version(tmp_path: Path) -> None:
    from pmsite import __version__

    proc = run("--version", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, f"pmsite {__version__}\n")


def test_validate_clean_corpus(tmp_path: Path) -> None:
    root = kb(tmp_path, {"a.yaml": valid_doc(), "2024/b.yml": valid_doc(id="INC-2024-0401"), "_template.yaml": "x: ["})
    proc = run("validate", cwd=root)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "OK: 2 files, no problems\n", "")


def test_validate_the_repository_sample() -> None:
    proc = run("validate", "--strict", cwd=ROOT)
    assert proc.returncode == 0, proc.stdout


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = run("validate", "no/such/path.yaml", cwd=tmp_path)
    assert missing.returncode == 2 and "no such file or folder: no/such/path.yaml" in missing.stderr
    assert run("validate", cwd=tmp_path).returncode == 2  # no content/incidents here
    assert run("validate", "--format", "xml", cwd=tmp_path).returncode == 2
    assert run("frobnicate", cwd=tmp_path).returncode == 2
    assert run(cwd=tmp_path).returncode == 2
    assert run("validate", "--config-file", "nope.yml", cwd=tmp_path).returncode == 2
    assert run("actions", "--reference-date", "2024-02-30", cwd=tmp_path).returncode == 2
    (tmp_path / "mkdocs.yml").write_text("plugins: [\n")
    broken = run("validate", cwd=tmp_path)
    assert broken.returncode == 2 and "mkdocs.yml: not valid YAML" in broken.stderr


def test_configuration_from_mkdocs_yml(tmp_path: Path) -> None:
    config = """\
site_name: !ENV [NOT_SET_ANYWHERE, Handbook]
docs_dir: docs
plugins:
  - search
  - pmsite:
      incidents_dir: reviews
      severities: {P1: Outage, P2: Degradation}
      publication_deadline_days: !ENV [PMSITE_TEST_DEADLINE, 7]
      checklist: false
"""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "mkdocs.yml").write_text(config)
    folder = tmp_path / "site" / "docs" / "reviews"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text(dump(valid_doc(severity="P2", timeline=EXAMPLE["timeline"][:1])))
    (folder / "b.yaml").write_text(dump(valid_doc(id="INC-B", severity=1)))
    # --config-file before or after the command; the plugin's checklist: false silences PM102/PM103
    for args in (["--config-file", "site/mkdocs.yml", "validate"], ["validate", "-f", "site/mkdocs.yml"]):
        proc = run(*args, cwd=tmp_path)
        assert proc.returncode == 1
        assert proc.stdout.splitlines() == [
            "error: site/docs/reviews/b.yaml:4:11: severity: expected a severity level (P1, P2), got 1",
            "1 error, 0 warnings in 1 file (checked 2 files)",
        ]
    # without mkdocs.yml: the defaults, and content/incidents
    kb(tmp_path / "bare", {"a.yaml": valid_doc()}, config=None)
    assert run("validate", cwd=tmp_path / "bare").stdout == "OK: 1 file, no problems\n"


# --- validate: one file per error kind, the exact line the build logs ---------------------------

ERROR_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("missing-field", {"title": None}, "1:1: title: required field is missing"),
    ("wrong-type", {"services": "mobile-api"}, "14:11: services: expected a list, got 'mobile-api'"),
    ("unknown-field", {"serverity": 2}, "87:1: serverity: unknown field; did you mean 'severity'?"),
    ("bad-severity", {"severity": 7}, "4:11: severity: expected a severity level (1, 2, 3, 4), got 7"),
    ("no-offset", {"started_at": "2024-03-15T14:37:00"},
     "9:13: started_at: expected a timestamp with an offset (Z or +hh:mm), got '2024-03-15T14:37:00' without one"),
    ("detected-before-started", {"detected_at": "2024-03-15T14:00:00Z"},
     "10:14: detected_at: expected a time at or after started_at (2024-03-15T14:37:00+00:00)"),
    ("unknown-related", {"related": ["PROBLEM-0101"]},
     "84:3: related[0]: expected the id of an incident in the knowledge base, got 'PROBLEM-0101'"),
    ("done-without-completed-on", {"action_items.0.completed_on": None},
     "71:3: action_items[0].completed_on: required when status is done: expected a date (YYYY-MM-DD)"),
    ("javascript-ticket", {"action_items.0.ticket": "javascript:alert(1)"},
     "82:11: action_items[0].ticket: expected an http(s) URL, got 'javascript:alert(1)'"),
]


def _changed(changes: dict[str, Any]) -> dict[str, Any]:
    """valid_doc() with changes; ``a.0.b`` reaches into lists, None deletes."""
    doc = valid_doc()
    for path, value in changes.items():
        *parents, last = path.split(".")
        target: Any = doc
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return doc


def test_each_error_kind_is_one_located_line(tmp_path: Path) -> None:
    """One file per kind of error, in one knowledge base: exactly one line each, in file order."""
    docs = {f"{name}.yaml": _changed({"id": f"INC-{n:02d}", **changes}) for n, (name, changes, _) in enumerate(ERROR_CASES)}
    root = kb(tmp_path, {**docs, "valid.yaml": valid_doc(id="INC-OK")})
    proc = run("validate", "--no-checklist", cwd=root)
    assert proc.returncode == 1
    expected = sorted(f"error: content/incidents/{name}.yaml:{line}" for name, _, line in ERROR_CASES)
    assert proc.stdout.splitlines() == [
        *expected, f"{len(ERROR_CASES)} errors, 0 warnings in {len(ERROR_CASES)} files (checked {len(ERROR_CASES) + 1} files)"
    ]
    for name, _, line in ERROR_CASES[:1]:  # and alone, the file fails on its own
        alone = run("validate", f"content/incidents/{name}.yaml", cwd=root)
        assert (alone.returncode, alone.stdout.splitlines()[0]) == (1, f"error: content/incidents/{name}.yaml:{line}")


def test_duplicate_id_across_two_files(tmp_path: Path) -> None:
    root = kb(tmp_path, {"a.yaml": valid_doc(), "b.yaml": valid_doc(title="Another incident")})
    proc = run("validate", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "error: content/incidents/a.yaml:1:5: id: expected a unique id, got 'INC-2024-0315': "
        "content/incidents/b.yaml has the same id",
        "error: content/incidents/b.yaml:1:5: id: expected a unique id, got 'INC-2024-0315': "
        "content/incidents/a.yaml has the same id",
        "2 errors, 0 warnings in 2 files (checked 2 files)",
    ]


def test_yaml_that_does_not_parse_and_a_list_at_the_top(tmp_path: Path) -> None:
    root = kb(tmp_path, {"a.yaml": "id: [unclosed\n", "b.yaml": "- just\n- a list\n"})
    proc = run("validate", cwd=root)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == ("error: content/incidents/a.yaml:1:5: expected valid YAML: did not find expected ',' or ']' "
                        "(while parsing a flow sequence that starts here; the parser stopped at line 2, column 1)")
    assert lines[1] == "error: content/incidents/b.yaml:1:1: expected a mapping of fields at the top level, got a list"


def test_validate_prints_the_lines_the_mkdocs_build_logs(tmp_path: Path) -> None:
    root = kb(tmp_path, {
        "a.yaml": _changed({"severity": 7, "action_items.0.ticket": "javascript:alert(1)"}),
        "b.yaml": _changed({"id": "INC-B", "related": ["INC-NOPE"], "serverity": 1}),
    })
    cli = [line.removeprefix("error: ") for line in run("validate", cwd=root).stdout.splitlines()[:-1]]
    build = subprocess.run([MKDOCS, "build", "--strict"], cwd=root, capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert build.returncode != 0
    logged = [m.group(1) for m in re.finditer(r"^ERROR\s+-\s+pmsite: (\S+\.yaml:\d+:\d+: .*)$", build.stderr + build.stdout, re.M)]
    assert len(cli) == 3 and sorted(logged) == sorted(cli)


def test_files_passed_by_pre_commit_are_checked_against_the_whole_knowledge_base(tmp_path: Path) -> None:
    root = kb(tmp_path, {
        "a.yaml": valid_doc(id="INC-A"),
        "b.yaml": valid_doc(id="INC-B", related=["INC-A"]),
        "c.yaml": valid_doc(id="INC-C"),
        "d.yaml": valid_doc(id="INC-A", title="Copied from a.yaml"),
    })
    # (--no-similar: the files' similar published incidents are tests/analysis/test_similar.py's subject)
    proc = run("validate", "--no-similar", "content/incidents/b.yaml", "content/incidents/c.yaml", cwd=root)
    assert (proc.returncode, proc.stdout) == (0, "OK: 2 files, no problems\n")  # INC-A exists in a file not passed
    # a duplicate id is reported on the file passed, whichever of the two sorts first
    proc = run("validate", "content/incidents/d.yaml", cwd=root)
    assert proc.returncode == 1 and proc.stdout.splitlines()[0] == (
        "error: content/incidents/d.yaml:1:5: id: expected a unique id, got 'INC-A': content/incidents/a.yaml has the same id"
    )
    proc = run("validate", "content/incidents/a.yaml", cwd=root)
    assert proc.returncode == 1 and proc.stdout.splitlines()[0] == (
        "error: content/incidents/a.yaml:1:5: id: expected a unique id, got 'INC-A': content/incidents/d.yaml has the same id"
    )
    # files outside the incidents folder are checked on their own
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "e.yaml").write_text(dump(valid_doc(id="INC-A")), encoding="utf-8")
    assert run("validate", "elsewhere", cwd=root).stdout == "OK: 1 file, no problems\n"


# --- output formats ---------------------------------------------------------------------------


def test_github_format_is_exact_workflow_commands(tmp_path: Path) -> None:
    blaming = valid_doc(id="INC-W", went_poorly=["It was human error."])
    root = kb(tmp_path, {"x, y: z.yaml": valid_doc(detection="50% a,b: c"), "w.yaml": blaming})
    proc = run("validate", "--format", "github", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "::warning file=content/incidents/w.yaml,line=69,col=3,title=pmsite PM101%3A went_poorly[0]::went_poorly[0]: "
        "blaming phrase 'human error': describe the gap in the system or process that allowed the action",
        "::error file=content/incidents/x%2C y%3A z.yaml,line=1,col=1,title=pmsite%3A file::expected file and folder "
        "names of letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters, "
        "got 'x, y: z.yaml'",
        "::error file=content/incidents/x%2C y%3A z.yaml,line=13,col=12,title=pmsite%3A detection::detection: "
        "expected a detection method (automated-alert, customer-report, internal-report, manual-check, third-party, "
        "unknown), got '50%25 a,b: c'",
    ]
    assert proc.stderr == "pmsite: 2 errors, 1 warning in 2 files (checked 2 files)\n"


def test_github_escaping_rules() -> None:
    from pmsite.frontends.cli.reporting import github_escape_data, github_escape_property, github_line
    from pmsite.problems import Problem

    assert github_escape_data("100%\r\nx: a,b") == "100%25%0D%0Ax: a,b"
    assert github_escape_property("100%\r\nx: a,b") == "100%25%0D%0Ax%3A a%2Cb"
    line = github_line(Problem("a:b.yaml", 3, 4, "", "line one\nline two", "error"))
    # an author's newline is shown as an escape: one problem is one line, and never a second command
    assert line == "::error file=a%3Ab.yaml,line=3,col=4,title=pmsite%3A file::line one\\x0aline two"
    forged = github_line(Problem("x\r\n::error file=y.yaml::forged.yaml", 1, 1, "a\x1b[31m\n::warning::b", "m\u202e", "error"))
    assert forged == ("::error file=x\\x0d\\x0a%3A%3Aerror file=y.yaml%3A%3Aforged.yaml,line=1,col=1,"
                      "title=pmsite%3A a\\x1b[31m\\x0a%3A%3Awarning%3A%3Ab::a\\x1b[31m\\x0a::warning::b: m\\u202e")
    assert "\n" not in forged and "\r" not in forged and "\x1b" not in forged


def test_json_format(tmp_path: Path) -> None:
    root = kb(tmp_path, {"x.yaml": valid_doc(severity=9), "y.yaml": valid_doc(id="INC-Y", went_well=[])})
    proc = run("validate", "--format", "json", cwd=root)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["files_checked"] == 2
    assert data["errors"] == [{"file": "content/incidents/x.yaml", "line": 4, "column": 11, "field": "severity",
                               "message": "expected a severity level (1, 2, 3, 4), got 9", "level": "error", "code": ""}]
    assert data["warnings"] == []


def test_strict_turns_a_warning_into_failure(tmp_path: Path) -> None:
    root = kb(tmp_path, {"x.yaml": valid_doc(timeline=EXAMPLE["timeline"][:2])})  # no resolution event
    proc = run("validate", cwd=root)
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == [
        "warning: content/incidents/x.yaml:36:1: PM103 timeline: no event of kind 'resolution': add when the incident was resolved",
        "0 errors, 1 warning in 1 file (checked 1 file)",
    ]
    assert run("validate", "--strict", cwd=root).returncode == 1
    assert run("validate", "--strict", "--no-checklist", cwd=root).returncode == 0


def test_drafts_are_not_held_to_the_checklist(tmp_path: Path) -> None:
    draft = valid_doc(status="draft", timeline=EXAMPLE["timeline"][:1], root_causes=[], action_items=[])
    del draft["resolved_at"], draft["published_on"]
    proc = run("validate", "--strict", cwd=kb(tmp_path, {"x.yaml": draft}))
    assert (proc.returncode, proc.stdout) == (0, "OK: 1 file, no problems\n")


BLAMING = valid_doc(
    summary="The outage was caused by human error: the engineer was careless and should have known the flag was live.\n",
    action_items=[{"description": "Improve monitoring", "owner": "SRE", "priority": "high", "due": "2024-04-01",
                   "status": "open"}],
)
BLAMELESS = valid_doc(
    summary="A feature flag believed inactive was live; the flag console showed no state, so the change looked safe.\n",
    action_items=[{"description": "Show each flag's live state and traffic share in the flag console", "owner": "SRE",
                   "priority": "high", "due": "2024-04-01", "status": "open",
                   "success_criteria": "The console shows the state of 100% of flags"}],
)


def test_blaming_document_gets_warnings_and_the_blameless_rewrite_none(tmp_path: Path) -> None:
    proc = run("validate", "--format", "json", cwd=kb(tmp_path / "a", {"x.yaml": BLAMING}))
    assert proc.returncode == 0
    warnings = json.loads(proc.stdout)["warnings"]
    assert sorted({w["code"] for w in warnings}) == ["PM101", "PM106", "PM108"]
    phrases = sorted(re.search(r"'([^']+)'", w["message"]).group(1) for w in warnings if w["code"] == "PM101")  # type: ignore[union-attr]
    assert phrases == ["careless", "human error", "should have known"]
    assert {(w["code"], w["field"]) for w in warnings if w["code"] != "PM101"} == {
        ("PM106", "action_items[0]"), ("PM108", "action_items[0].description")}
    assert run("validate", "--strict", cwd=tmp_path / "a").returncode == 1

    proc = run("validate", "--strict", cwd=kb(tmp_path / "b", {"x.yaml": BLAMELESS}))
    assert (proc.returncode, proc.stdout) == (0, "OK: 1 file, no problems\n")


def test_checklist_ignore_silences_one_code_in_one_document(tmp_path: Path) -> None:
    proc = run("validate", "--format", "json", cwd=kb(tmp_path, {"x.yaml": dict(BLAMING, checklist_ignore=["PM108"])}))
    assert sorted({w["code"] for w in json.loads(proc.stdout)["warnings"]}) == ["PM101", "PM106"]


# --- schema -----------------------------------------------------------------------------------


def _as_json(doc: Any) -> Any:
    """What an editor sees: YAML dates and times as ISO strings."""
    return json.loads(json.dumps(doc, default=lambda v: v.isoformat()))


def test_schema_is_committed_and_current(tmp_path: Path) -> None:
    committed = (ROOT / "schema" / "postmortem.schema.json").read_text(encoding="utf-8")
    proc = run("schema", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == committed, "schema/ is stale: run `pmsite schema --output schema/postmortem.schema.json`"
    assert run("schema", cwd=ROOT).stdout == committed  # the repository's own mkdocs.yml keeps the defaults
    assert run("schema", "--output", "out.json", cwd=tmp_path).returncode == 0
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == committed
    assert run("schema", "--output", "no/such/dir/out.json", cwd=tmp_path).returncode == 2


def test_schema_content() -> None:
    schema = json.loads((ROOT / "schema" / "postmortem.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://pmsite.invalid/schema/postmortem-v1.json"
    assert schema["title"] and schema["description"]
    props, defs = schema["properties"], schema["$defs"]
    assert props["severity"]["enum"] == [1, 2, 3, 4]
    assert props["status"]["enum"] == ["draft", "in-review", "published"]
    assert "unknown" in props["detection"]["enum"]
    assert defs["RootCause"]["properties"]["category"]["enum"][0] == "code-defect"
    assert defs["ContributingFactor"]["properties"]["category"]["enum"] == ["people", "process", "technology", "environment"]
    assert defs["ActionItem"]["properties"]["priority"]["enum"] == ["critical", "high", "medium", "low"]
    assert defs["ActionItem"]["properties"]["status"]["enum"] == ["open", "in-progress", "done", "wont-do"]
    assert props["started_at"]["format"] == "date-time"
    assert {"format": "date", "pattern": "^\\s*\\d{4}-\\d{2}-\\d{2}\\s*$", "type": "string"} in props["published_on"]["anyOf"]
    assert props["started_at"]["pattern"] == "^\\s*\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2})\\s*$"
    assert defs["ActionItem"]["properties"]["due"]["format"] == "date"
    url = "^\\s*[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+\\S*\\s*$"  # the model's http(s) URL rule
    assert {"type": "string", "format": "uri", "pattern": url} in defs["ActionItem"]["properties"]["ticket"]["anyOf"]
    assert defs["Link"]["properties"]["url"]["pattern"] == url
    assert set(schema["required"]) >= {"id", "title", "status", "severity", "summary", "impact", "timeline"}


def test_schema_follows_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - pmsite:\n      severities: {SEV1: Critical, SEV2: Major}\n      priorities: [now, later]\n"
    )
    schema = json.loads(run("schema", cwd=tmp_path).stdout)
    assert schema["properties"]["severity"]["enum"] == ["SEV1", "SEV2"]
    assert schema["$defs"]["ActionItem"]["properties"]["priority"]["enum"] == ["now", "later"]


def test_schema_is_valid_draft_2020_12_and_agrees_with_the_model() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "schema" / "postmortem.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    def errors(doc: Any) -> set[str]:
        """The keywords that failed, looking inside anyOf (an optional field's branches)."""
        found: set[str] = set()
        pending = list(validator.iter_errors(_as_json(doc)))
        while pending:
            error = pending.pop()
            if error.context:
                pending.extend(e for e in error.context if e.validator != "type")
            else:
                found.add(str(error.validator))
        return found

    assert errors(valid_doc()) == set()
    for path in sorted((ROOT / "content" / "incidents").rglob("*.yaml")):
        assert errors(yaml.safe_load(path.read_text(encoding="utf-8"))) == set(), path.name
    draft = valid_doc(status="draft", root_causes=[], action_items=[])
    del draft["resolved_at"], draft["published_on"]
    assert errors(draft) == set()
    assert errors(valid_doc(serverity=1)) == {"additionalProperties"}
    assert errors(valid_doc(severity=9)) == {"enum"}
    assert errors(valid_doc(services=[])) == {"minItems"}
    assert errors(valid_doc(root_causes=[])) == {"minItems"}  # only a draft may have none
    assert errors(_changed({"published_on": None})) == {"required"}
    assert errors(_changed({"action_items.0.completed_on": None})) == {"required"}
    assert errors(_changed({"action_items.0.ticket": "javascript:alert(1)"})) == {"pattern"}
    assert errors(valid_doc(related=["not an id"])) == {"pattern"}


# --- new --------------------------------------------------------------------------------------


def test_new_scaffolds_a_valid_draft_and_never_overwrites(tmp_path: Path) -> None:
    root = kb(tmp_path, {"a.yaml": valid_doc(id="INC-2026-1120")})
    (root / "schema").mkdir()
    (root / "schema" / "postmortem.schema.json").write_text("{}")
    args = ("new", "--title", "Checkout: latency after \"cache\" eviction", "--severity", "2",
            "--service", "checkout", "--service", "edge cache", "--date", "2026-11-20")
    proc = run(*args, cwd=root)
    assert proc.returncode == 0, proc.stderr
    path = root / "content" / "incidents" / "2026-11-20-checkout-latency-after-cache-eviction.yaml"
    assert proc.stdout == f"created {path.relative_to(root).as_posix()}\n"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schema/postmortem.schema.json"
    data = yaml.safe_load(text)
    assert data["id"] == "INC-2026-1120-2"  # INC-2026-1120 was taken
    assert (data["title"], data["severity"], data["services"], data["status"]) == (
        "Checkout: latency after \"cache\" eviction", 2, ["checkout", "edge cache"], "draft")
    assert str(data["started_at"]).startswith("2026-11-20") and str(data["detected_at"]).startswith("2026-11-20")
    for section in ("impact", "timeline", "root_causes", "contributing_factors", "went_well", "went_poorly",
                    "action_items", "related", "links", "# mitigated_at", "# resolved_at", "# published_on", "five_whys",
                    "success_criteria", "never a person's name"):
        assert section in text, section
    assert run("validate", "--strict", "--no-similar", path.relative_to(root).as_posix(), cwd=root).stdout == "OK: 1 file, no problems\n"

    again = run(*args, cwd=root)
    assert again.returncode == 1 and "already exists; pmsite new never overwrites a file" in again.stderr
    assert path.read_text(encoding="utf-8") == text


def test_new_ids_dirs_and_usage_errors(tmp_path: Path) -> None:
    root = kb(tmp_path, {"a.yaml": valid_doc(id="INC-2024-0502")}, config=None)
    proc = run("new", "--title", "Queue backlog", "--dir", "content/incidents/2024", "--date", "2024-05-02", cwd=root)
    assert proc.returncode == 0, proc.stderr
    made = root / "content" / "incidents" / "2024" / "2024-05-02-queue-backlog.yaml"
    text = made.read_text(encoding="utf-8")
    assert "id: INC-2024-0502-2 " in text  # ids of the whole knowledge base count, not only --dir's
    assert text.startswith("# yaml-language-server: $schema=https://pmsite.invalid/schema/postmortem-v1.json\n")
    assert "severity: 4 " in text  # the lowest level when not given
    assert run("validate", cwd=root).stdout == "OK: 2 files, no problems\n"

    taken = run("new", "--title", "Other", "--id", "inc-2024-0502", cwd=root)
    assert taken.returncode == 1 and "already used" in taken.stderr
    assert run("new", "--severity", "2", cwd=root).returncode == 2  # no --title, and not a terminal
    assert run("new", "--title", "x", "--severity", "9", cwd=root).returncode == 2
    assert run("new", "--title", "x", "--id", "no spaces", cwd=root).returncode == 2
    assert run("new", "--title", "x", "--date", "2024-13-01", cwd=root).returncode == 2


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_new_asks_on_a_terminal(tmp_path: Path) -> None:
    import pty

    kb(tmp_path, {}, config=None)
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([PMSITE, "new", "--date", "2024-06-01"], cwd=tmp_path, stdin=terminal, stdout=terminal,
                            stderr=subprocess.PIPE, env=dict(os.environ, NO_COLOR="1"))
    os.close(terminal)
    os.write(controller, b"Search index rebuild stalled\n2\nsearch, indexer\n")
    proc.wait(timeout=30)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    prompts = proc.stderr.read() if proc.stderr else b""  # input() writes its prompt to stderr without readline
    assert proc.returncode == 0, prompts
    assert b"Title" in prompts + shown and b"Severity" in prompts + shown and b"services" in prompts + shown
    data = yaml.safe_load((tmp_path / "content" / "incidents" / "2024-06-01-search-index-rebuild-stalled.yaml").read_text())
    assert (data["title"], data["severity"], data["services"]) == ("Search index rebuild stalled", 2, ["search", "indexer"])


# --- actions ----------------------------------------------------------------------------------


def action_doc(ident: str, owner: str, priority: str, due: str, status: str, service: str, description: str = "") -> dict:
    doc = valid_doc(id=ident, services=[service])
    item = {"id": "A1", "description": description or f"Concrete change for {ident}", "owner": owner,
            "priority": priority, "due": due, "status": status, "success_criteria": "Measured"}
    if status in ("done", "wont-do"):
        item["completed_on"] = due
    doc["action_items"] = [item]
    return doc


def actions_kb(tmp_path: Path) -> Path:
    draft = action_doc("INC-D", "SRE", "critical", "2024-01-01", "open", "dns")
    draft.update(status="draft")
    return kb(tmp_path, {
        "a.yaml": action_doc("INC-A", "SRE", "high", "2024-06-01", "open", "dns",
                             "Add a **canary** step | with [rollback](https://x.example/r)\n\nDetails follow."),
        "b.yaml": action_doc("INC-B", "Payments", "critical", "2024-08-01", "in-progress", "billing"),
        "c.yaml": action_doc("INC-C", "SRE", "low", "2024-05-01", "done", "dns"),
        "d.yaml": draft,  # not published: not listed, as on the site
    })


def test_actions_filters_and_overdue_days(tmp_path: Path) -> None:
    root = actions_kb(tmp_path)

    def incidents(*args: str) -> list[str]:
        proc = run("actions", "--format", "json", *args, cwd=root)
        assert proc.returncode == 0 and proc.stderr == ""
        return [r["incident"] for r in json.loads(proc.stdout)]

    rows = json.loads(run("actions", "--format", "json", "--reference-date", "2024-07-01", cwd=root).stdout)
    assert rows[0] == {"incident": "INC-A", "action": "A1", "priority": "high", "due": "2024-06-01", "days_overdue": 30,
                       "status": "open", "owner": "SRE", "description": "Add a canary step | with rollback",
                       "services": ["dns"]}
    assert [(r["incident"], r["days_overdue"]) for r in rows] == [("INC-A", 30), ("INC-B", 0)]  # the review's order: overdue first
    later = json.loads(run("actions", "--format", "json", "--all", "--reference-date", "2024-08-11", cwd=root).stdout)
    assert [(r["incident"], r["days_overdue"]) for r in later] == [("INC-A", 71), ("INC-B", 10), ("INC-C", 0)]  # done: never late
    assert incidents("--owner", "sre") == ["INC-A"]
    assert incidents("--priority", "critical") == ["INC-B"]
    assert incidents("--service", "billing") == ["INC-B"]
    assert incidents("--all", "--owner", "SRE", "--priority", "low") == ["INC-C"]
    assert incidents("--overdue", "--reference-date", "2024-07-01") == ["INC-A"]
    assert run("actions", "--priority", "urgent", cwd=root).returncode == 2


def test_actions_formats(tmp_path: Path) -> None:
    root = actions_kb(tmp_path)
    table = list(csv.DictReader(io.StringIO(run("actions", "--format", "csv", cwd=root).stdout)))
    assert [r["incident"] for r in table] == ["INC-A", "INC-B"]  # the review's order: the overdue item first
    assert list(table[0]) == ["incident", "action", "priority", "due", "days_overdue", "status", "owner", "description", "services"]
    assert table[0]["description"] == "Add a canary step | with rollback" and table[0]["days_overdue"] == "30"

    markdown = run("actions", "--format", "markdown", cwd=root).stdout.splitlines()
    assert markdown[0] == "| incident | action | priority | due | days_overdue | status | owner | description | services |"
    assert len(markdown) == 4 and all(line.count(" | ") == 8 for line in markdown[2:])
    assert "Add a canary step \\| with rollback" in markdown[2]

    text = run("actions", "--reference-date", "2024-07-01", cwd=root).stdout.splitlines()
    assert text[0].split() == ["incident", "action", "priority", "due", "days_overdue", "status", "owner", "description", "services"]
    assert text[1].startswith("INC-A     A1      high      2024-06-01  30")
    assert text[-1] == "2 action items, 1 overdue (as of 2024-07-01)"


def test_actions_with_broken_files_still_lists_the_valid_ones(tmp_path: Path) -> None:
    root = kb(tmp_path, {"a.yaml": action_doc("INC-A", "SRE", "high", "2024-06-01", "open", "dns"),
                         "b.yaml": valid_doc(id="INC-B", severity=9)})
    proc = run("actions", "--format", "json", cwd=root)
    assert proc.returncode == 0
    assert [r["incident"] for r in json.loads(proc.stdout)] == ["INC-A"]
    assert proc.stderr.splitlines() == [
        "error: content/incidents/b.yaml:4:11: severity: expected a severity level (1, 2, 3, 4), got 9",
        "warning: 1 file has errors; run pmsite validate",
    ]


# --- other commands and integrations ----------------------------------------------------------


def test_demo_corpus_is_deterministic_and_valid(tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert run("demo-corpus", "--count", "12", "--seed", "7", name, cwd=tmp_path).returncode == 0
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*.yaml")}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*.yaml")}
    assert one == two and len(one) == 12
    proc = run("validate", "--strict", "one", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout


def test_pre_commit_hook_and_workflow() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "pmsite-validate")
    assert hook["entry"] == "pmsite validate" and hook["language"] == "python" and hook["pass_filenames"] is True
    pattern = re.compile(hook["files"])
    assert pattern.search("content/incidents/2024/a.yaml") and pattern.search("incidents/b.yml")
    assert not pattern.search("mkdocs.yml") and not pattern.search("content/incidents/notes.md")
    assert re.search(hook["exclude"], "content/incidents/_template.yaml")

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "postmortems.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    steps = workflow["jobs"]["validate"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    runs = [s.get("run", "") for s in steps]
    assert uses[0].startswith("actions/checkout@") and any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    assert next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))["with"]["python-version"] == "3.11"
    assert runs.index("pip install .") < runs.index("pmsite validate --format github --strict") < runs.index("mkdocs build --strict")


def test_one_file_is_checked_against_ids_however_the_other_files_write_them(tmp_path: Path) -> None:
    """``pmsite validate FILE`` reads only the ids of the other files (fast at 10,000); every way of
    writing an id must count as the full parse would, and unclear files are parsed in full."""
    flow = json.dumps(valid_doc(id="INC-FLOW"))  # JSON is YAML: a flow mapping with no 'id:' line
    quoted = "id: 'INC-QUOTED'   # a comment\n" + dump(valid_doc()).split("\n", 1)[1]
    broken = dump(valid_doc(id="INC-BROKEN", severity=9))  # invalid, yet its id exists
    case = 'id: "inc-x"\n' + dump(valid_doc()).split("\n", 1)[1]
    root = kb(tmp_path, {
        "x.yaml": valid_doc(id="INC-X", related=["INC-QUOTED", "INC-FLOW", "INC-BROKEN", "INC-NONE"]),
        "2024/flow.yaml": flow,
        "2024/quoted.yaml": quoted,
        "2024/broken.yaml": broken,
        "2025/case.yaml": case,
    })
    related_line = next(i for i, line in enumerate((root / "content/incidents/x.yaml").read_text().splitlines(), 1) if line == "related:")
    proc = run("validate", "--no-checklist", "--no-similar", "content/incidents/x.yaml", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "error: content/incidents/x.yaml:1:5: id: expected a unique id, got 'INC-X': content/incidents/2025/case.yaml "
        "has an id that differs only in letter case ('inc-x')",
        f"error: content/incidents/x.yaml:{related_line + 4}:3: related[3]: expected the id of an incident in the knowledge base, "
        "got 'INC-NONE' (did you mean 'INC-QUOTED'?)",
        "2 errors, 0 warnings in 1 file (checked 1 file)",
    ]
    # the same two lines as when the whole folder is checked
    whole = run("validate", "--no-checklist", "content/incidents", cwd=root).stdout.splitlines()
    assert [line for line in whole if line.startswith("error: content/incidents/x.yaml")] == proc.stdout.splitlines()[:2]
