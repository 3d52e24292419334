"""Shared fixtures: valid documents to mutate, and real MkDocs builds in a temporary folder."""

from __future__ import annotations

import copy
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

TESTS = Path(__file__).resolve().parent  # the suite's home: helpers, fixtures, hostile and malformed files
ROOT = TESTS.parent
# One folder per layer of pmsite (format, reading, analysis, site, authoring, tracking, frontends) and one for
# the browser. A test module imports another by its name, as pytest's default import mode names it (the
# builders' tests run the browser and sample checks on each builder's output): every folder is on the path.
sys.path.extend(str(folder) for folder in sorted(TESTS.iterdir()) if any(folder.glob("test_*.py")))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

BASE_DOC: dict[str, Any] = {
    "id": "INC-2024-0315",
    "title": "Mobile API outage after the v2.8.0 migration",
    "status": "published",
    "severity": 1,
    "near_miss": False,
    "summary": "A schema migration in v2.8.0 failed on production data and every mobile API request failed for 23 minutes.\n",
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
        {
            "at": "2024-03-15T14:37:00Z",
            "event": "Deployment pipeline started rolling out v2.8.0",
            "actor": "Automated deployment system",
            "kind": "trigger",
            "evidence": ["https://deploys.example.com/runs/8812"],
        },
        {
            "at": "2024-03-15T14:38:45Z",
            "event": "Error-rate alert fired for mobile-api",
            "actor": "Monitoring",
            "kind": "detection",
            "evidence": "PagerDuty incident 4521",
        },
        {"at": "2024-03-15T15:00:00Z", "event": "Error rate back to baseline", "actor": "On-call engineer", "kind": "resolution"},
    ],
    "root_causes": [
        {
            "description": "The migration added a NOT NULL column without a default to a table with 15 million rows.\n",
            "category": "code-defect",
            "five_whys": [
                "Why did the service crash? The code referenced a column that did not exist.",
                "Why did the column not exist? The migration that adds it failed.",
                "Why did the migration fail? NOT NULL without a default on a table with rows.",
            ],
        }
    ],
    "contributing_factors": [{"description": "Staging data refresh copies only the schema", "category": "process"}],
    "went_well": ["The error-rate alert fired within two minutes."],
    "went_poorly": ["Rollback took ten minutes because the runbook was out of date."],
    "action_items": [
        {
            "id": "A1",
            "description": "Require explicit defaults for new NOT NULL columns in migration tooling",
            "owner": "Platform team",
            "priority": "critical",
            "due": "2024-03-22",
            "status": "done",
            "completed_on": "2024-03-21",
            "success_criteria": "A migration adding NOT NULL without a default fails CI",
            "prevents_recurrence": True,
            "ticket": "https://github.com/example/platform/issues/812",
        }
    ],
    "related": [],
    "links": [{"title": "Incident channel export", "url": "https://chat.example.com/archives/inc-4521"}],
}


def valid_doc(**changes: Any) -> dict[str, Any]:
    """A complete, checklist-clean document; keyword arguments replace top-level fields."""
    doc = copy.deepcopy(BASE_DOC)
    doc.update(changes)
    return doc


def dump(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000)


@dataclass
class Build:
    ok: bool
    log: str
    site: Path
    root: Path

    def page(self, url: str) -> str:
        path = self.site / url.strip("/") / "index.html" if not url.endswith((".html", ".xml", ".json", ".ics")) else self.site / url
        return path.read_text(encoding="utf-8")


MKDOCS_YML = """\
site_name: Test knowledge base
site_url: https://kb.example.com/
repo_url: https://git.example.com/org/kb
edit_uri: edit/main/content/
docs_dir: content
theme:
  name: material
  custom_dir: overrides
  font: false
plugins:
  - tags
  - pmsite:
      reference_date: 2024-07-01
{extra}
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
"""


def write_site(root: Path, docs: dict[str, Any], *, extra: str = "", pages: dict[str, str] | None = None) -> Path:
    """Lay out a tiny site: mkdocs.yml, content/index.md and the given incident files."""
    (root / "content" / "incidents").mkdir(parents=True, exist_ok=True)
    (root / "overrides").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(extra=extra), encoding="utf-8")
    (root / "content" / "index.md").write_text("# Home\n\nWelcome.\n", encoding="utf-8")
    for rel, text in (pages or {}).items():
        target = root / "content" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for name, doc in docs.items():
        target = root / "content" / "incidents" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(doc, bytes):
            target.write_bytes(doc)
        else:
            target.write_text(doc if isinstance(doc, str) else dump(doc), encoding="utf-8")
    return root


IN_PROCESS = bool(os.environ.get("PMSITE_TESTS_IN_PROCESS"))  # scripts/mutation: mutants live in this process
PMSITE = str(Path(sys.executable).parent / "pmsite")


def mkdocs_build(root: Path, *, strict: bool = True, env: dict[str, str] | None = None) -> Build:
    """Run the real ``mkdocs build`` in a subprocess, as a user would.

    Under mutation testing (``scripts/mutation`` sets ``PMSITE_TESTS_IN_PROCESS``) the build runs
    in this process instead: a subprocess would import the unmutated package and see no mutant.
    """
    if IN_PROCESS and strict and not env:
        return build_in_process(root)
    cmd = [str(Path(sys.executable).parent / "mkdocs"), "build", "--clean"]
    if strict:
        cmd.append("--strict")
    full_env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {}))
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=full_env, timeout=600)
    return Build(proc.returncode == 0, proc.stdout + proc.stderr, root / "site", root)


def shared(scope: str) -> Any:
    """A build fixture's scope: ``scope``, except while mutmut maps each test to the functions it runs.

    mutmut credits a shared fixture's work to the first test that uses it, and later runs only
    the credited tests against a mutant of a function: while it maps (``MUTANT_UNDER_TEST=stats``)
    every test builds its own site, so each is credited with what its site ran.
    """

    def decide(fixture_name: str, config: pytest.Config) -> str:
        return "function" if IN_PROCESS and os.environ.get("MUTANT_UNDER_TEST") == "stats" else scope

    return decide


def run_pmsite(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, as an author or CI runs it (no PMSITE_ variables but ``env``,
    no colour); never a traceback. Under mutation testing it runs in this process."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PMSITE_")}
    full_env.update(NO_COLOR="1", NO_MKDOCS_2_WARNING="1", **(env or {}))
    if IN_PROCESS:
        proc = _pmsite_in_process(list(args), cwd, full_env)
    else:
        proc = subprocess.run([PMSITE, *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                              env=full_env, stdin=subprocess.DEVNULL)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def _pmsite_in_process(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``pmsite ARGS`` run by ``pmsite.cli.main`` in this process, for the mutation run."""
    import contextlib
    import io

    from pmsite.frontends.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["pmsite", *args], code, out.getvalue(), err.getvalue())


def build_in_process(root: Path, *, strict: bool = True, caplog: pytest.LogCaptureFixture | None = None) -> Build:
    """Build with MkDocs' own API in this process: faster, same plugin, same output."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    lines: list[str] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: lines.append(f"{record.levelname:<8}-  {record.getMessage()}")  # type: ignore[method-assign]
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        try:
            build(load_config(str(root / "mkdocs.yml"), strict=strict))
            ok = True
        except (Abort, ConfigurationError):  # what the mkdocs command reports as an abort
            ok = False
    finally:
        os.chdir(cwd)
        mkdocs_log.removeHandler(handler)
    log = caplog.text if caplog is not None else "\n".join(lines)
    return Build(ok, log, root / "site", root)


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    return tmp_path / "kb"


@pytest.fixture(scope=shared("session"))
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The repository's own sample knowledge base, built once with --strict."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "theme_overrides", root / "theme_overrides")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    result = mkdocs_build(root, strict=True, env={"PMSITE_REFERENCE_DATE": "2024-07-01"})
    assert result.ok, result.log
    return result


READER_REFERENCE_DATE = "2026-07-01"


@pytest.fixture(scope=shared("session"))
def reader_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The sample knowledge base with the real public post-mortems and 150 demo incidents, built --strict.

    What a new reader meets: long real timelines and action lists, a catalog of more than one
    page, nine years of history and factors that recur.
    """
    from pmsite.authoring.demo import generate

    root = tmp_path_factory.mktemp("reader")
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "theme_overrides", root / "theme_overrides")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "tests" / "fixtures" / "real", root / "content" / "incidents" / "real", ignore=shutil.ignore_patterns("*.md"))
    generate(150, 7, root / "content" / "incidents" / "demo")
    result = mkdocs_build(root, strict=True, env={"PMSITE_REFERENCE_DATE": READER_REFERENCE_DATE})
    assert result.ok, result.log
    return result


logging.getLogger("mkdocs").setLevel(logging.INFO)


# --- a skipped test fails the run -----------------------------------------------------------------
# A missing dependency (playwright, Chromium, Java) must not turn a suite into "skipped" with exit
# status 0: every skip is counted here (on the controller too, under xdist) and fails the session.

_SKIPPED: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _SKIPPED and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if _SKIPPED:
        terminalreporter.write_line(
            f"pmsite: {len(_SKIPPED)} test(s) skipped, which fails the run (install what they need): "
            + ", ".join(sorted(set(_SKIPPED))[:10]),
            red=True,
        )
