"""Issue 12, classes 1 and 2: file names are author input, and the incidents folder is untrusted.

Names outside the safe set are refused with a located error; links leave the
folder never; FIFOs, devices and folders behind links are refused before a byte
is read; nothing hangs; no message quotes more than a short excerpt. Expected
lines are written out here, never produced by the code under test.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_cli import kb, run

from pmsite.reading.corpus import load_corpus
from pmsite.reading.documents import load_file
from pmsite.reading.files import discover, read_source
from pmsite.settings import Settings

from conftest import ROOT, dump, mkdocs_build, valid_doc, write_site

LINKS = ROOT / "tests" / "hostile" / "links"
NAME_RULE = "expected file and folder names of letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters"


def corpus_lines(folder: Path, base: Path) -> list[str]:
    corpus = load_corpus(discover(folder), Settings(), base=base, roots=[folder])
    return [p.format() for p in corpus.errors]


# --- class 1: file names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown", "got"),
    [
        ('"><img src=x onerror=alert(1)>.yaml', '"><img src=x onerror=alert(1)>.yaml', "'\"><img src=x onerror=alert(1)>.yaml'"),
        ("a b.yaml", "a b.yaml", "'a b.yaml'"),
        ("café.yaml", "café.yaml", "'café.yaml'"),
        ("-rf.yaml", "-rf.yaml", "'-rf.yaml'"),
        ("x\nERROR - pmsite: forged.yaml", "x\\x0aERROR - pmsite: forged.yaml", "'x\\nERROR - pmsite: forged.yaml'"),
        ("\x1b[31mred.yaml", "\\x1b[31mred.yaml", "'\\x1b[31mred.yaml'"),
        ("a" * 97 + ".yaml", "a" * 97 + ".yaml", "'" + "a" * 57 + "...'"),
    ],
    ids=["html", "space", "non-ascii", "dash-first", "newline", "escape", "101-chars"],  # a dot file is never read: below
)
def test_unsafe_file_names_are_refused_with_a_located_escaped_error(tmp_path: Path, name: str, shown: str, got: str) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / name).write_text(dump(valid_doc()), encoding="utf-8")
    lines = corpus_lines(folder, tmp_path)
    assert lines == [f"incidents/{shown}:1:1: {NAME_RULE}, got {got}"]
    assert all("\n" not in line and "\x1b" not in line for line in lines)


def test_a_folder_name_is_checked_like_a_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    (folder / "<svg onload=alert(1)>").mkdir(parents=True)
    (folder / "<svg onload=alert(1)>" / "ok.yaml").write_text(dump(valid_doc()), encoding="utf-8")
    assert corpus_lines(folder, tmp_path) == [
        f"incidents/<svg onload=alert(1)>/ok.yaml:1:1: {NAME_RULE}, got '<svg onload=alert(1)>'"
    ]


def test_safe_names_in_subfolders_are_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    (folder / "2024" / "Q1").mkdir(parents=True)
    (folder / "2024" / "Q1" / "INC_1.v2.yml").write_text(dump(valid_doc()), encoding="utf-8")
    (folder / "9-lives.yaml").write_text(dump(valid_doc(id="INC-2")), encoding="utf-8")
    assert corpus_lines(folder, tmp_path) == []


def test_the_cli_escapes_a_forged_file_name_in_every_format(tmp_path: Path) -> None:
    name = "x\n::error file=forged.yaml::forged\n\x1b[2J.yaml"
    root = kb(tmp_path, {"a.yaml": valid_doc()})
    (root / "content" / "incidents" / name).write_text(dump(valid_doc(id="INC-B")), encoding="utf-8")
    escaped = "x\\x0a::error file=forged.yaml::forged\\x0a\\x1b[2J.yaml"
    human = run("validate", cwd=root)
    assert human.stdout.splitlines() == [
        f"error: content/incidents/{escaped}:1:1: {NAME_RULE}, got 'x\\n::error file=forged.yaml::forged\\n\\x1b[2J.yaml'",
        "1 error, 0 warnings in 1 file (checked 2 files)",
    ]
    github = run("validate", "--format", "github", cwd=root).stdout.splitlines()
    assert len(github) == 1 and github[0].startswith(
        "::error file=content/incidents/x\\x0a%3A%3Aerror file=forged.yaml%3A%3Aforged\\x0a\\x1b[2J.yaml,line=1,col=1,"
    )
    data = run("validate", "--format", "json", cwd=root).stdout
    assert "\x1b" not in data and "\\u001b" not in data and "x\\\\x0a::error" in data


def test_a_hostile_file_name_fails_the_build_with_an_escaped_line(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {'"><img src=x onerror=alert(1)>.yaml': valid_doc(), "ok.yaml": valid_doc(id="INC-OK")})
    result = mkdocs_build(root)
    assert not result.ok and "Traceback" not in result.log
    assert (
        f"pmsite: content/incidents/\"><img src=x onerror=alert(1)>.yaml:1:1: {NAME_RULE}, "
        "got '\"><img src=x onerror=alert(1)>.yaml'"
    ) in result.log
    assert not (root / "site" / "incidents" / "inc-2024-0315").exists()


# --- class 2: links, FIFOs, devices, loops ----------------------------------------------------------


def test_the_committed_corpus_of_links(tmp_path: Path) -> None:
    """tests/hostile/links: a link out of the folder, a loop, a dangling link, and a link inside it (allowed)."""
    copy = tmp_path / "links"
    shutil.copytree(LINKS, copy, symlinks=True)
    folder = copy / "incidents"
    assert sorted(p.name for p in discover(folder)) == ["dangling-link.yaml", "inside-link.yaml", "loop-link.yaml", "outside-link.yaml"]
    lines = corpus_lines(folder, copy)
    assert lines == [
        "incidents/dangling-link.yaml:1:1: expected a readable file, got a symbolic link that leads nowhere or in a loop",
        "incidents/loop-link.yaml:1:1: expected a readable file, got a symbolic link that leads nowhere or in a loop",
        "incidents/outside-link.yaml:1:1: expected a file inside the incidents folder, got a symbolic link to a file outside it",
    ]
    assert "user1" not in "".join(lines)  # the target's content is never quoted


def test_a_link_to_a_secret_outside_is_never_quoted(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("root:x:0:0:root:/root:/bin/bash\n" * 500)
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "passwd.yaml").symlink_to(tmp_path / "secret")
    lines = corpus_lines(folder, tmp_path)
    assert lines == ["incidents/passwd.yaml:1:1: expected a file inside the incidents folder, got a symbolic link to a file outside it"]
    # and when the folder is the whole tree (the link is inside), a file that is no mapping is quoted by excerpt only
    loaded = load_file(folder / "passwd.yaml", Settings(), display="passwd.yaml", root=tmp_path)
    assert [p.format() for p in loaded.problems] == [
        "passwd.yaml:1:1: expected a mapping of fields at the top level, got a single value "
        "'root:x:0:0:root:/root:/bin/bash root:x:0:0:root:/root:/bi...'"
    ]


def _within(seconds: float, work: Callable[[], Any]) -> Any:
    """Run ``work`` in a thread; fail (instead of hanging the suite) when it does not finish in time."""
    box: list[Any] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            box.append(work())
        except BaseException as exc:  # re-raised in the test's own thread
            errors.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "loading hung"
    if errors:
        raise errors[0]
    return box[0]


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")  # no writer: a blocking open would wait for ever
    (folder / "via-link.yaml").symlink_to("pipe.yaml")
    lines = _within(10, lambda: corpus_lines(folder, tmp_path))
    assert lines == [
        "incidents/pipe.yaml:1:1: expected a regular file, got a FIFO (named pipe)",
        "incidents/via-link.yaml:1:1: expected a regular file, got a symbolic link to a FIFO (named pipe)",
    ]


def test_an_endless_device_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(Exception) as refused:
        _within(10, lambda: read_source(Path("/dev/zero"), 1024, Path("/dev")))
    assert str(refused.value) == "expected a regular file, got a character device"
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "zero.yaml").symlink_to("/dev/zero")
    assert _within(10, lambda: corpus_lines(folder, tmp_path)) == [
        "incidents/zero.yaml:1:1: expected a file inside the incidents folder, got a symbolic link to a file outside it"
    ]


def test_a_folder_loop_neither_traps_the_walk_nor_is_dropped_silently(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    (folder / "2024").mkdir(parents=True)
    (folder / "2024" / "a.yaml").write_text(dump(valid_doc()), encoding="utf-8")
    (folder / "2024" / "again").symlink_to("..")  # incidents/2024/again -> incidents
    (folder / "elsewhere").symlink_to(tmp_path)
    lines = _within(10, lambda: corpus_lines(folder, tmp_path))
    assert lines == [
        "incidents/2024/again:1:1: expected a regular file, got a symbolic link to a folder",
        "incidents/elsewhere:1:1: expected a file inside the incidents folder, got a symbolic link to a file outside it",
    ]


def test_a_link_inside_the_folder_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "_base.yaml").write_text(dump(valid_doc()), encoding="utf-8")  # ignored by name, reachable by link
    (folder / "current.yaml").symlink_to("_base.yaml")
    corpus = load_corpus(discover(folder), Settings(), base=tmp_path, roots=[folder])
    assert corpus.errors == [] and [i.display for i in corpus.documents] == ["incidents/current.yaml"]


def test_the_build_refuses_a_link_out_of_the_docs_folder(tmp_path: Path) -> None:
    root = write_site(tmp_path / "kb", {"ok.yaml": valid_doc()})
    (tmp_path / "secret.txt").write_text("id: INC-SECRET\ntoken: hunter2\n")
    (root / "content" / "incidents" / "leak.yaml").symlink_to(tmp_path / "secret.txt")
    result = mkdocs_build(root)
    assert not result.ok and "Traceback" not in result.log and "hunter2" not in result.log
    assert "pmsite: content/incidents/leak.yaml:1:1: expected a file inside the incidents folder, got a symbolic link to a file outside it" in result.log


def test_editor_and_system_files_beside_post_mortems_are_never_read(tmp_path: Path) -> None:
    """An Emacs lock file and a macOS resource fork end like a post-mortem; MkDocs never publishes dot files, and
    pmsite never reads them: one line says so, and the build passes strictly."""
    from conftest import mkdocs_build, run_pmsite, valid_doc, write_site

    root = write_site(tmp_path, {"a.yaml": valid_doc(), ".#a.yaml": "id: [unclosed\n", "._a.yaml": b"\x00\x05\x16\x07junk"})
    build = mkdocs_build(root)
    assert build.ok, build.log
    assert ("INFO    -  pmsite: not read: 2 editor or system files in the incidents folder (names starting with a dot): "
            "content/incidents/.#a.yaml, content/incidents/._a.yaml") in build.log
    assert not list((root / "site").rglob(".*a.yaml")) and not list((root / "site").rglob("*#a*"))
    proc = run_pmsite("validate", cwd=root)
    assert proc.returncode == 0 and proc.stdout == "OK: 1 file, no problems\n"
    assert proc.stderr == ("note: not read: 2 editor or system files in the incidents folder (names starting with a dot): "
                           "content/incidents/.#a.yaml, content/incidents/._a.yaml\n")
