"""A draft's identity (``pmsite new`` and ``pmsite draft``): the id made unique, the file, never overwritten.

Only the incidents folders are read for the ids already taken (item 4 of issue 24): a tree
beside them is never walked, and a file below them that cannot be read (a loop of symbolic
links, a FIFO, a link to a folder) is skipped with a note instead of ending in a traceback or
waiting forever. Both commands share one rule, so they agree on the next id.
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import TESTS, run_pmsite
from drafting import kb

TIMELINE = TESTS / "fixtures" / "importers" / "csv" / "timeline.csv"  # starts 2024-09-03


def test_draft_output_elsewhere_reads_only_the_incidents_folder(tmp_path: Path) -> None:
    root = kb(tmp_path)
    (root / "content" / "incidents" / "a.yaml").write_text("id: INC-2024-0903\n", encoding="utf-8")
    other = root / "other"
    other.mkdir()
    (other / "loop1.yaml").symlink_to("loop2.yaml")
    (other / "loop2.yaml").symlink_to("loop1.yaml")
    (other / "up").symlink_to("..")
    (other / "taken.yaml").write_text("id: INC-2024-0903-2\n", encoding="utf-8")
    proc = run_pmsite("draft", "--from", "csv", str(TIMELINE), "-o", "draft.yaml", cwd=root)
    assert (proc.returncode, proc.stdout) == (0, "created draft.yaml\n"), proc.stderr
    assert "id: INC-2024-0903-2 " in (root / "draft.yaml").read_text(encoding="utf-8")  # other/ was not read
    assert "other" not in proc.stderr


def test_unreadable_files_in_the_incidents_folder_are_skipped_with_a_note(tmp_path: Path) -> None:
    incidents = kb(tmp_path) / "content" / "incidents"
    os.mkfifo(incidents / "a-fifo.yaml")
    (incidents / "b-loop.yaml").symlink_to("c-loop.yaml")
    (incidents / "c-loop.yaml").symlink_to("b-loop.yaml")
    (incidents / "sub").mkdir()
    (incidents / "d-folder.yaml").symlink_to(incidents / "sub")
    (incidents / "e-broken.yaml").write_text("id: INC-2024-0903\ntitle: [unclosed\n", encoding="utf-8")
    skipped = [
        "content/incidents/a-fifo.yaml: expected a regular file, got a FIFO (named pipe)",
        "content/incidents/b-loop.yaml: expected a readable file, got a symbolic link that leads nowhere or in a loop",
        "content/incidents/c-loop.yaml: expected a readable file, got a symbolic link that leads nowhere or in a loop",
        "content/incidents/d-folder.yaml: expected a regular file, got a symbolic link to a folder",
    ]
    notes = "".join(f"note: not read for the ids already taken: {s}\n" for s in skipped)
    drafted = run_pmsite("draft", "--from", "csv", str(TIMELINE), cwd=tmp_path)
    assert drafted.returncode == 0, drafted.stderr
    assert drafted.stderr.startswith(notes)
    assert "id: INC-2024-0903-2 " in (incidents / "2024-09-03-timeline.yaml").read_text(encoding="utf-8")
    new = run_pmsite("new", "--title", "Rate limiter", "--date", "2024-09-03", cwd=tmp_path)
    assert new.returncode == 0, new.stderr
    assert new.stderr.startswith(notes)
    assert "id: INC-2024-0903-3 " in (incidents / "2024-09-03-rate-limiter.yaml").read_text(encoding="utf-8")


def test_new_and_draft_never_overwrite_and_agree_on_the_next_id(tmp_path: Path) -> None:
    root = kb(tmp_path)
    assert run_pmsite("new", "--title", "timeline", "--date", "2024-09-03", cwd=root).returncode == 0
    again = run_pmsite("draft", "--from", "csv", str(TIMELINE), cwd=root)
    assert (again.returncode, again.stderr) == (
        1, "pmsite: error: content/incidents/2024-09-03-timeline.yaml already exists; pmsite draft never overwrites a file\n")
    other = run_pmsite("draft", "--from", "csv", str(TIMELINE), "--dir", "content/incidents/2024", cwd=root)
    assert other.returncode == 0, other.stderr
    assert "id: INC-2024-0903-2 " in (root / "content/incidents/2024/2024-09-03-timeline.yaml").read_text(encoding="utf-8")
    taken = run_pmsite("new", "--title", "x", "--id", "inc-2024-0903-2", cwd=root)
    assert (taken.returncode, taken.stderr) == (
        1, "pmsite: error: the id 'inc-2024-0903-2' is already used in the knowledge base; choose another --id\n")
