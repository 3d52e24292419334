"""The real ``pmsite`` console script, run in a subprocess: exit codes and exact output."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pmsite.load import discover, load_corpus
from pmsite.settings import Settings

from conftest import ROOT, dump, valid_doc

PMSITE = str(Path(sys.executable).parent / "pmsite")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([PMSITE, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, NO_COLOR="1", **(env or {})))
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def kb(tmp_path: Path, docs: dict[str, object]) -> Path:
    folder = tmp_path / "content" / "incidents"
    folder.mkdir(parents=True)
    for name, doc in docs.items():
        (folder / name).write_text(doc if isinstance(doc, str) else dump(doc), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ndocs_dir: content\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - search\n  - pmsite:\n      reference_date: 2024-07-01\n"
    )
    return tmp_path


def test_version(tmp_path: Path) -> None:
    from pmsite import __version__

    proc = run("--version", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == f"pmsite {__version__}"


def test_validate_clean_corpus(tmp_path: Path) -> None:
    root = kb(tmp_path, {"a.yaml": valid_doc()})
    proc = run("validate", cwd=root)
    assert (proc.returncode, proc.stdout) == (0, "OK: 1 file, no problems\n")


def test_validate_the_repository_sample() -> None:
    proc = run("validate", "--strict", cwd=ROOT)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (valid_doc(serverity=2), "content/incidents/x.yaml:83:1: serverity: unknown field; did you mean 'severity'?"),
        (valid_doc(severity=7), "content/incidents/x.yaml:4:11: severity: expected a severity level (1, 2, 3, 4), got 7"),
        (valid_doc(started_at="2024-03-15T14:37:00"), "content/incidents/x.yaml:9:13: started_at: expected a timestamp with an offset (Z or +hh:mm), got 2024-03-15T14:37:00 without one"),
        (valid_doc(detected_at="2024-03-15T14:00:00Z"), "content/incidents/x.yaml:10:14: detected_at: expected a time at or after started_at (2024-03-15T14:37:00+00:00)"),
        (valid_doc(related=["INC-NOPE"]), "content/incidents/x.yaml:80:3: related[0]: expected the id of an incident in the knowledge base, got 'INC-NOPE'"),
    ],
)
def test_validate_errors_match_the_build(tmp_path: Path, doc: dict, expected: str) -> None:
    root = kb(tmp_path, {"x.yaml": doc})
    proc = run("validate", "--no-checklist", cwd=root)
    assert proc.returncode == 1
    assert f"error: {expected}" in proc.stdout.splitlines()
    # the engine gives the same line the MkDocs build logs after "pmsite: "
    corpus = load_corpus(discover(root / "content" / "incidents"), Settings(), base=root)
    assert expected in [p.format() for p in corpus.errors]


def test_missing_field_and_wrong_types(tmp_path: Path) -> None:
    doc = valid_doc()
    del doc["title"]
    doc["action_items"][0]["ticket"] = "javascript:alert(1)"
    del doc["action_items"][0]["completed_on"]
    root = kb(tmp_path, {"x.yaml": doc, "y.yaml": dump(valid_doc())})
    proc = run("validate", "--no-checklist", cwd=root)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert "error: content/incidents/x.yaml:1:1: title: required field is missing" in lines
    assert any("action_items[0].ticket: expected an http(s) URL, got 'javascript:alert(1)'" in line for line in lines)
    assert lines[-1] == "2 errors, 0 warnings in 1 file (checked 2 files)"


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    root = kb(tmp_path, {"a.yaml": valid_doc(), "b.yaml": valid_doc()})
    proc = run("validate", cwd=root)
    assert "error: content/incidents/b.yaml:1:5: id: expected a unique id, got 'INC-2024-0315': content/incidents/a.yaml has the same id" in proc.stdout


def test_github_format_is_workflow_commands(tmp_path: Path) -> None:
    root = kb(tmp_path, {"x, y.yaml": valid_doc(detection="a,b: c")})
    proc = run("validate", "--format", "github", "--no-checklist", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "::error file=content/incidents/x%2C y.yaml,line=13,col=12,title=pmsite%3A detection::detection: expected a detection method "
        "(automated-alert, customer-report, internal-report, manual-check, third-party, unknown), got 'a,b: c'"
    ]


def test_json_format(tmp_path: Path) -> None:
    root = kb(tmp_path, {"x.yaml": valid_doc(severity=9)})
    proc = run("validate", "--format", "json", cwd=root)
    data = json.loads(proc.stdout)
    assert data["files_checked"] == 1 and [e["field"] for e in data["errors"]] == ["severity"]
    assert data["errors"][0] | {} == {**data["errors"][0], "line": 4, "column": 11, "level": "error"}


BLAMING = valid_doc(
    summary="The outage was caused by human error: the engineer was careless and should have known the flag was live.",
    went_poorly=["The operator failed to notice the alert."],
)
BLAMING["action_items"] = [
    {"description": "Improve monitoring", "owner": "SRE", "priority": "high", "due": "2024-04-01", "status": "open"},
    {"description": "Add more tests", "owner": "SRE", "priority": "low", "due": "2024-05-01", "status": "open", "success_criteria": "Tests exist"},
]
BLAMELESS = valid_doc(
    summary="A feature flag that was believed inactive was live; the flag console showed no state, so the change looked safe.",
    went_poorly=["The alert fired but was routed to a muted channel."],
)
BLAMELESS["action_items"] = [
    {"description": "Show each flag's live state and traffic share in the flag console", "owner": "SRE", "priority": "high",
     "due": "2024-04-01", "status": "open", "success_criteria": "The console shows state for 100% of flags"},
    {"description": "Route checkout alerts to the paging channel and test the route weekly", "owner": "SRE", "priority": "high",
     "due": "2024-04-05", "status": "open", "success_criteria": "A weekly synthetic alert pages the on-call engineer"},
]


def test_blaming_document_gets_specific_warnings_and_the_rewrite_none(tmp_path: Path) -> None:
    root = kb(tmp_path / "a", {"x.yaml": BLAMING})
    proc = run("validate", "--format", "json", cwd=root)
    codes = sorted({w["code"] for w in json.loads(proc.stdout)["warnings"]})
    assert codes == ["PM101", "PM106", "PM108"]
    messages = [w["message"] for w in json.loads(proc.stdout)["warnings"] if w["code"] == "PM101"]
    assert {m.split("'")[1] for m in messages} == {"human error", "careless", "should have known", "failed to notice"}
    assert proc.returncode == 0 and run("validate", "--strict", cwd=root).returncode == 1
    clean = kb(tmp_path / "b", {"x.yaml": BLAMELESS})
    proc = run("validate", "--strict", cwd=clean)
    assert (proc.returncode, proc.stdout) == (0, "OK: 1 file, no problems\n")


def test_silencing_one_code_in_one_document(tmp_path: Path) -> None:
    doc = dict(BLAMING, checklist_ignore=["PM108"])
    proc = run("validate", "--format", "json", cwd=kb(tmp_path, {"x.yaml": doc}))
    assert sorted({w["code"] for w in json.loads(proc.stdout)["warnings"]}) == ["PM101", "PM106"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("validate", "no/such/path", cwd=tmp_path).returncode == 2
    assert run("validate", "--format", "xml", cwd=tmp_path).returncode == 2
    assert run("frobnicate", cwd=tmp_path).returncode == 2


def test_schema_is_committed_and_current(tmp_path: Path) -> None:
    proc = run("schema", cwd=tmp_path)
    assert proc.returncode == 0
    committed = (ROOT / "schema" / "postmortem.schema.json").read_text()
    assert proc.stdout == committed, "schema/ is stale: run `pmsite schema --output schema/postmortem.schema.json`"
    schema = json.loads(proc.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema)
    import yaml

    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for path in sorted((ROOT / "content" / "incidents").glob("*.yaml")):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        assert list(validator.iter_errors(data)) == [], path.name
    bad = json.loads(json.dumps(valid_doc(serverity=1, severity=9), default=str))
    assert {e.validator for e in validator.iter_errors(bad)} >= {"additionalProperties", "enum"}


def test_new_scaffolds_a_valid_draft_and_never_overwrites(tmp_path: Path) -> None:
    root = kb(tmp_path, {"a.yaml": valid_doc(id="INC-2026-1120")})
    args = ("new", "--title", "Checkout latency after cache eviction", "--severity", "2", "--service", "checkout", "--date", "2026-11-20")
    proc = run(*args, cwd=root)
    assert proc.returncode == 0, proc.stderr
    path = root / "content" / "incidents" / "2026-11-20-checkout-latency-after-cache-eviction.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "id: INC-2026-1120-2" in text  # unique: INC-2026-1120 was taken
    assert run("validate", str(path), cwd=root).stdout == "OK: 1 file, no problems\n"
    again = run(*args, cwd=root)
    assert again.returncode == 1 and "never overwrites" in again.stderr
    assert run("new", "--severity", "2", cwd=root).returncode == 2  # no --title and not a terminal


def action_doc(ident: str, owner: str, priority: str, due: str, status: str, service: str) -> dict:
    doc = valid_doc(id=ident, services=[service])
    item = {"id": "A1", "description": f"Concrete change for {ident}", "owner": owner, "priority": priority, "due": due,
            "status": status, "success_criteria": "Measured"}
    if status in ("done", "wont-do"):
        item["completed_on"] = due
    doc["action_items"] = [item]
    return doc


def test_actions_weekly_review(tmp_path: Path) -> None:
    root = kb(tmp_path, {
        "a.yaml": action_doc("INC-A", "SRE", "high", "2024-06-01", "open", "dns"),
        "b.yaml": action_doc("INC-B", "Payments", "critical", "2024-08-01", "in-progress", "billing"),
        "c.yaml": action_doc("INC-C", "SRE", "low", "2024-05-01", "done", "dns"),
    })
    proc = run("actions", "--format", "json", "--reference-date", "2024-07-01", cwd=root)
    rows = json.loads(proc.stdout)
    assert [(r["incident"], r["days_overdue"]) for r in rows] == [("INC-B", 0), ("INC-A", 30)]
    assert [r["incident"] for r in json.loads(run("actions", "--format", "json", "--owner", "sre", cwd=root).stdout)] == ["INC-A"]
    assert [r["incident"] for r in json.loads(run("actions", "--format", "json", "--service", "billing", cwd=root).stdout)] == ["INC-B"]
    assert [r["incident"] for r in json.loads(run("actions", "--format", "json", "--all", "--priority", "low", cwd=root).stdout)] == ["INC-C"]
    overdue = json.loads(run("actions", "--format", "json", "--overdue", "--reference-date", "2024-07-01", cwd=root).stdout)
    assert [r["incident"] for r in overdue] == ["INC-A"]
    table = list(csv.DictReader(io.StringIO(run("actions", "--format", "csv", cwd=root).stdout)))
    assert [r["incident"] for r in table] == ["INC-B", "INC-A"]
    markdown = run("actions", "--format", "markdown", cwd=root).stdout.splitlines()
    assert markdown[0].startswith("| incident | action |") and len(markdown) == 4
    text = run("actions", "--reference-date", "2024-07-01", cwd=root).stdout
    assert text.splitlines()[-1] == "2 action items, 1 overdue (as of 2024-07-01)"


def test_demo_corpus_is_deterministic_and_valid(tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert run("demo-corpus", "--count", "25", "--seed", "7", str(tmp_path / name), cwd=tmp_path).returncode == 0
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*.yaml")}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*.yaml")}
    assert one == two and len(one) == 25
    proc = run("validate", "--strict", str(tmp_path / "one"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout


def test_pre_commit_hook_and_workflow_are_present() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "pmsite-validate" and hooks[0]["entry"].startswith("pmsite validate")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "postmortems.yml").read_text())
    steps = " ".join(str(s.get("run", "")) for s in workflow["jobs"]["validate"]["steps"])
    assert "pmsite validate --format github" in steps and "mkdocs build --strict" in steps
