"""Similar past incidents in review: ``pmsite validate FILE`` lists the published incidents most like each
file it is given, why, whether ``related`` names them, and their open action items.

The small knowledge base below is worked by hand. INC-T (in review, so not part of the knowledge
base) is about a capacity problem in checkout, tagged ``cache``, and says "Cache eviction storm.";
it names INC-A in ``related``. The five published incidents:

    INC-A  capacity-insufficient  checkout  -      "Certificate expired."
    INC-B  capacity-insufficient  checkout  -      "Cache eviction."       (an open action, due 2024-06-01)
    INC-C  capacity-insufficient  search    -      "Cache eviction storm."
    INC-D  code-defect            checkout  cache  "Disk full."
    INC-E  code-defect            search    -      "Cache eviction storm."
    INC-F  a draft worded and classified exactly as INC-T: not published, never listed

Terms (Snowball stems): cach, evict, storm, certif, expir, disk, full. Across the five published
(N = 5), ``df`` is 3 for cach and evict (B, C, E), 2 for storm (C, E), 1 for the others, so
``idf = 1 + floor(log2(6 / (df + 1)))`` is 1, 2 and 2. INC-T weighs (cach 1, evict 1, storm 2),
length sqrt(6); INC-B (cach 1, evict 1), length sqrt(2): cosine 2 / sqrt(12) = 0.577; INC-C is
worded as INC-T: cosine 1. The order (categories, then services, then tags + 4 x cosine):

    INC-B  1 category, 1 service, 0 + 4 x 0.577 = 2.31
    INC-A  1 category, 1 service, 0
    INC-C  1 category, 0 services, 0 + 4 x 1 = 4
    INC-D  0 categories, 1 service, 1 tag + 0 = 1
    INC-E  shares nothing: not listed, however alike its words
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from test_cli import MKDOCS_YML, kb, run

from pmsite.analysis.related import Profile, similar_to
from pmsite.frontends.cli.similar import CACHE_PATH, ProfileCache
from pmsite.frontends.siteconfig import read_site_config
from pmsite.reading.corpus import load_corpus
from pmsite.reading.files import discover
from pmsite.settings import Settings

from conftest import ROOT, valid_doc


def incident(ident: str, day: int, category: str, services: list[str], tags: list[str], cause: str, **changes: Any) -> dict[str, Any]:
    """A published incident of June 2024 (day ``day``) whose only words are ``cause``."""
    doc = valid_doc(id=ident, title=f"Incident {ident[-1]}", services=services, tags=tags,
                    started_at=f"2024-06-{day:02d}T10:00:00Z", detected_at=f"2024-06-{day:02d}T10:05:00Z",
                    mitigated_at=f"2024-06-{day:02d}T10:20:00Z", resolved_at=f"2024-06-{day:02d}T10:30:00Z",
                    review_meeting_on=f"2024-06-{day + 1:02d}", published_on=f"2024-06-{day + 2:02d}",
                    timeline=[{"at": f"2024-06-{day:02d}T10:00:00Z", "event": "Change rolled out", "kind": "trigger"}],
                    root_causes=[{"description": cause, "category": category}], contributing_factors=[], **changes)
    doc["action_items"][0].update(due=f"2024-06-{day + 5:02d}", completed_on=f"2024-06-{day + 4:02d}")
    return doc


def knowledge_base(root: Path) -> Path:
    b = incident("INC-B", 2, "capacity-insufficient", ["checkout"], [], "Cache eviction.")
    b["action_items"].append({"id": "A2", "description": "Rate-limit cache evictions", "owner": "Platform team", "priority": "high",
                              "due": "2024-06-01", "status": "open", "success_criteria": "No eviction storm in a load test"})
    return kb(root, {
        "t.yaml": incident("INC-T", 20, "capacity-insufficient", ["checkout"], ["cache"], "Cache eviction storm.", status="in-review",
                           related=["INC-A"]),
        "a.yaml": incident("INC-A", 1, "capacity-insufficient", ["checkout"], [], "Certificate expired."),
        "b.yaml": b,
        "c.yaml": incident("INC-C", 3, "capacity-insufficient", ["search"], [], "Cache eviction storm."),
        "d.yaml": incident("INC-D", 4, "code-defect", ["checkout"], ["cache"], "Disk full."),
        "e.yaml": incident("INC-E", 5, "code-defect", ["search"], [], "Cache eviction storm."),
        "f.yaml": incident("INC-F", 6, "capacity-insufficient", ["checkout"], ["cache"], "Cache eviction storm.", status="draft"),
    }, config=MKDOCS_YML.replace("plugins:", "site_url: https://kb.example.com/\nplugins:"))


EXPECTED_HUMAN = """\

Similar published incidents for content/incidents/t.yaml (INC-T):
  1. INC-B (2024-06-02, SEV1 · Critical): Incident B
     why: same root cause: capacity-insufficient; same service: checkout; similar wording (0.58): cache, eviction
     named in related: no
     open action items: 1
       A2 overdue by 30 days (due 2024-06-01), Platform team: Rate-limit cache evictions
     https://kb.example.com/incidents/inc-b/
  2. INC-A (2024-06-01, SEV1 · Critical): Incident A
     why: same root cause: capacity-insufficient; same service: checkout
     named in related: yes
     open action items: none
     https://kb.example.com/incidents/inc-a/
  3. INC-C (2024-06-03, SEV1 · Critical): Incident C
     why: same root cause: capacity-insufficient; similar wording (1.00): storm, cache, eviction
     named in related: no
     open action items: none
     https://kb.example.com/incidents/inc-c/
  4. INC-D (2024-06-04, SEV1 · Critical): Incident D
     why: same service: checkout; same tag: cache
     named in related: no
     open action items: none
     https://kb.example.com/incidents/inc-d/

OK: 1 file, no problems
"""


def test_the_most_similar_incidents_come_in_the_related_order_with_why(tmp_path: Path) -> None:
    root = knowledge_base(tmp_path)
    proc = run("validate", "--no-checklist", "content/incidents/t.yaml", cwd=root)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == EXPECTED_HUMAN


def test_json_gives_the_same_review_as_data(tmp_path: Path) -> None:
    root = knowledge_base(tmp_path)
    payload = json.loads(run("validate", "--no-checklist", "--format", "json", "content/incidents/t.yaml", cwd=root).stdout)
    [review] = payload["similar"]
    assert (review["file"], review["id"]) == ("content/incidents/t.yaml", "INC-T")
    assert [(s["id"], s["similarity"], s["named_in_related"]) for s in review["similar"]] == [
        ("INC-B", 0.577, False), ("INC-A", 0.0, True), ("INC-C", 1.0, False), ("INC-D", 0.0, False)]
    b = review["similar"][0]
    assert b["reasons"] == ["same root cause: capacity-insufficient", "same service: checkout", "similar wording: cache, eviction"]
    assert b["open_action_items"] == [{"id": "A2", "status": "open", "due": "2024-06-01", "overdue": True, "days_overdue": 30,
                                       "owner": "Platform team", "description": "Rate-limit cache evictions"}]


def test_markdown_is_a_job_summary(tmp_path: Path) -> None:
    root = knowledge_base(tmp_path)
    out = run("validate", "--no-checklist", "--format", "markdown", "content/incidents/t.yaml", cwd=root).stdout.splitlines()
    assert out[:9] == [
        "### pmsite validate", "", "**OK: 1 file, no problems**", "", "### Similar past incidents", "",
        "#### INC-T (content/incidents/t.yaml)", "", "| | Incident | Why similar | In `related` | Open action items |"]
    assert out[10] == ("| 1 | [INC-B](https://kb.example.com/incidents/inc-b/) Incident B<br>2024-06-02, SEV1 · Critical | "
                       "same root cause: capacity-insufficient<br>same service: checkout<br>similar wording (0.58): cache, eviction | no | "
                       "A2 overdue by 30 days (due 2024-06-01), Platform team: Rate-limit cache evictions |")
    assert out[11].startswith("| 2 | [INC-A](https://kb.example.com/incidents/inc-a/) Incident A") and out[11].endswith("| yes | none |")


def test_github_notes_them_on_the_related_line(tmp_path: Path) -> None:
    root = knowledge_base(tmp_path)
    related_line = (root / "content/incidents/t.yaml").read_text().splitlines().index("related:") + 1
    proc = run("validate", "--no-checklist", "--format", "github", "content/incidents/t.yaml", cwd=root)
    [notice] = proc.stdout.splitlines()
    head, message = notice.split("::", 2)[1:]
    assert head == f"notice file=content/incidents/t.yaml,line={related_line},title=pmsite%3A 4 similar published incidents"
    assert message.split("%0A")[:4] == [
        "1. INC-B (2024-06-02): Incident B [not in related]",
        "   why: same root cause: capacity-insufficient; same service: checkout; similar wording (0.58): cache, eviction",
        "   open action items: 1: A2 overdue by 30 days (due 2024-06-01), Platform team: Rate-limit cache evictions",
        "   https://kb.example.com/incidents/inc-b/",
    ]


def test_no_listing_for_a_folder_or_with_no_similar(tmp_path: Path) -> None:
    root = knowledge_base(tmp_path)
    assert run("validate", "--no-checklist", "content/incidents", cwd=root).stdout == "OK: 7 files, no problems\n"
    assert (root / CACHE_PATH).is_file()  # checking the whole folder keeps the profiles for the next review
    (root / CACHE_PATH).unlink()
    proc = run("validate", "--no-checklist", "--no-similar", "content/incidents/t.yaml", cwd=root)
    assert proc.stdout == "OK: 1 file, no problems\n"
    assert not (root / CACHE_PATH).exists()


def test_the_cache_reads_again_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = knowledge_base(tmp_path)
    monkeypatch.chdir(root)
    config = read_site_config(root / "mkdocs.yml")

    def refreshed() -> int:
        cache = ProfileCache(config)
        cache.refresh([])
        cache.save()
        return cache.read_again

    assert refreshed() == 7  # no cache yet: every file is read
    assert refreshed() == 0
    c = root / "content/incidents/c.yaml"
    os.utime(c, ns=(1, 1))  # new times, same bytes: known by its digest
    assert refreshed() == 0
    c.write_text(c.read_text().replace("Cache eviction storm.", "Certificate expired."))
    assert refreshed() == 1
    stored = json.loads((root / CACHE_PATH).read_text())
    stored["files"]["a.yaml"]["terms"] = {"cach": "many"}  # not what pmsite writes: that file is read again
    (root / CACHE_PATH).write_text(json.dumps(stored))
    assert refreshed() == 1
    (root / CACHE_PATH).write_text("{not json")
    assert refreshed() == 7
    # The review follows the edit: INC-C says "Certificate expired." now. df: cach 2 (B, E), evict 2, storm 1,
    # so every term of INC-T weighs 2: (2, 2, 2), length sqrt(12); INC-B (2, 2), length sqrt(8): 8 / sqrt(96) = 0.816.
    payload = json.loads(run("validate", "--no-checklist", "--format", "json", "content/incidents/t.yaml", cwd=root).stdout)
    assert [(s["id"], s["similarity"]) for s in payload["similar"][0]["similar"]] == [
        ("INC-B", 0.816), ("INC-A", 0.0), ("INC-C", 0.0), ("INC-D", 0.0)]


@pytest.mark.parametrize(("source", "first"), [
    ("ATLASSIAN-2022-0405", "GITLAB-2017-0131"),  # names GitLab: first
    ("GITHUB-2018-1021", "FACEBOOK-2021-1004"),  # names Facebook: first
    ("ROBLOX-2021-1028", "FACEBOOK-2021-1004"),  # names Facebook: first
    # names Cloudflare, which comes third: Roblox shares three root-cause categories, Cloudflare two
    ("FACEBOOK-2021-1004", "ROBLOX-2021-1028"),
])
def test_on_the_real_post_mortems_the_named_incident_comes_first_but_once(source: str, first: str) -> None:
    settings = Settings()
    docs = {i.document.id: i.document for i in load_corpus(discover(ROOT / "tests/fixtures/real"), settings).documents if i.document}
    profiles = [Profile.of(d) for d in docs.values()]
    order = [m.profile.id for m in similar_to(Profile.of(docs[source]), profiles, 6)]
    assert order[0] == first
    if source == "FACEBOOK-2021-1004":
        assert order.index("CLOUDFLARE-2019-0702") == 2


def test_the_workflow_step_puts_the_changed_files_review_in_the_job_summary(tmp_path: Path) -> None:
    """The pull-request step of .github/workflows/postmortems.yml, run as Actions runs it (``bash -e``) in a
    repository whose last commit adds INC-T and a template kept aside (``_template.yaml``)."""
    import subprocess
    import sys

    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/postmortems.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["validate"]["steps"]
    checkout = steps[0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 2
    [step] = [s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", "")]
    assert step["if"] == "${{ !cancelled() && github.event_name == 'pull_request' }}"
    root = knowledge_base(tmp_path)
    target = root / "content/incidents/t.yaml"
    body = target.read_text()
    target.unlink()
    env = {**os.environ, "GIT_AUTHOR_NAME": "ci", "GIT_AUTHOR_EMAIL": "ci@example.com", "GIT_COMMITTER_NAME": "ci",
           "GIT_COMMITTER_EMAIL": "ci@example.com", "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    target.write_text(body)
    (root / "content/incidents/_template.yaml").write_text("id: TEMPLATE\n")
    git("add", ".")
    git("commit", "-q", "-m", "a pull request adds INC-T")
    summary = tmp_path / "summary.md"
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=root, env={**env, "GITHUB_STEP_SUMMARY": str(summary)},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = summary.read_text()
    assert "#### INC-T (content/incidents/t.yaml)" in text and text.count("#### ") == 1
    assert "| 1 | [INC-B](https://kb.example.com/incidents/inc-b/) Incident B<br>2024-06-02, SEV1 · Critical |" in text
    assert "- **warning**: content/incidents/t.yaml:1:1: PM105 no contributing factors" in text  # its checklist too


def test_candidates_come_from_the_sites_windows() -> None:
    # INC-OLD is worded as the target and shares its category and service, but eight incidents sharing the same
    # category and service (and nothing else) started between them: with the site's window of 2 (related_limit 1)
    # it is not a candidate; compared with every incident, it is the first.
    def profile(ident: str, day: int, words: dict[str, int]) -> Profile:
        return Profile(ident, frozenset({"code-defect"}), frozenset({"api"}), frozenset(), float(day * 86400), words)

    target = profile("INC-NEW", 100, {"cach": 1, "evict": 1})
    kb = [profile("INC-OLD", 1, {"cach": 1, "evict": 1}), *(profile(f"INC-{n}", 90 + n, {"disk": 1}) for n in range(8))]
    assert [m.profile.id for m in similar_to(target, kb, 1)] == ["INC-OLD"]
    assert [m.profile.id for m in similar_to(target, kb, 1, window=2)] == ["INC-7"]  # the nearest in time of the window


def test_a_cache_behind_a_link_is_neither_read_nor_written(tmp_path: Path) -> None:
    # a checkout may hold anything: .cache pointing elsewhere must not make pmsite read or write there
    root = knowledge_base(tmp_path / "kb")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "pmsite").mkdir(parents=True)
    (root / ".cache").symlink_to(elsewhere, target_is_directory=True)
    proc = run("validate", "--no-checklist", "content/incidents/t.yaml", cwd=root)
    assert proc.stdout == EXPECTED_HUMAN  # the review works, without the cache
    assert list((elsewhere / "pmsite").iterdir()) == []
