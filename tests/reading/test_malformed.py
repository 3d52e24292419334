"""Hostile and malformed files: each fails with a located error, never a crash or a traceback.

Each small case is a file in tests/malformed/ whose first line says the error it expects.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from pmsite.reading.corpus import load_corpus
from pmsite.reading.documents import load_file
from pmsite.reading.files import discover
from pmsite.settings import Settings

from conftest import ROOT, dump, mkdocs_build, valid_doc, write_site
from work import growth

MALFORMED = ROOT / "tests" / "malformed"
CASES = sorted(MALFORMED.glob("*.yaml"))


def expectation(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    if first.startswith("# expect: "):
        return first[len("# expect: ") :]
    assert path.stat().st_size == 0, f"{path.name} needs an '# expect:' first line"
    return "1:1: expected a post-mortem mapping, got an empty file"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_each_malformed_file_gets_its_located_error(path: Path) -> None:
    loaded = load_file(path, Settings(), display=f"incidents/{path.name}")
    lines = [p.format() for p in loaded.problems]
    assert f"incidents/{path.name}:{expectation(path)}" in lines
    assert loaded.document is None


def test_the_build_reports_every_malformed_file_at_once_without_traceback(site_root: Path) -> None:
    files = {p.name: p.read_bytes() for p in CASES}
    files["good.yaml"] = dump(valid_doc())
    write_site(site_root, files)
    result = mkdocs_build(site_root)
    assert not result.ok
    assert "Traceback" not in result.log
    for path in CASES:
        assert f"pmsite: content/incidents/{path.name}:{expectation(path)}" in result.log
    errors = [line for line in result.log.splitlines() if line.startswith("ERROR") and "content/incidents/" in line]
    assert f"errors in {len(CASES)} files: fix them and build again" in result.log
    assert len(errors) >= len(CASES)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + dump(valid_doc()).encode("utf-8"))
    loaded = load_file(path, Settings())
    assert loaded.problems == []
    assert loaded.document is not None and loaded.document.id == "INC-2024-0315"


def bomb(levels: int) -> str:
    """A billion-laughs file: each level refers nine times to the one before (9**levels values expanded)."""
    lines = ["id: INC-BOMB-1", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_fails_fast_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb(9))
    tracemalloc.start()
    loaded = load_file(path, Settings(), display="bomb.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [p.format() for p in loaded.problems] == [
        "bomb.yaml:3:10: a1[0]: expected plain values, got an alias (anchors and aliases are not allowed)"
    ]
    assert peak < 5 * 1024 * 1024, peak


def test_an_alias_bomb_twice_as_deep_costs_no_more_work(tmp_path: Path) -> None:
    """The bomb is refused at its first alias: nine more levels make the file about twice as long and would
    expand to 9**9 times the values, yet the work grows by less than the length (1.27 times here)."""
    def load(levels: int) -> Callable[[], object]:
        path = tmp_path / f"bomb{levels}.yaml"
        path.write_text(bomb(levels))
        return lambda: load_file(path, Settings(), display="bomb.yaml")

    assert growth(load, 9) < 1.5


def test_oversized_file_is_refused_without_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The proof that nothing was read: the one function that reads a file's bytes fails if called."""
    import pmsite.reading.files as load

    path = tmp_path / "huge.yaml"
    path.write_text("id: INC-HUGE-1\nsummary: |\n" + ("  " + "x" * 98 + "\n") * 100_000)
    real_read = load.read_bounded

    def must_not_read(fd: int, most: int) -> bytes:
        raise AssertionError("the oversized file was read")

    monkeypatch.setattr(load, "read_bounded", must_not_read)
    loaded = load_file(path, Settings(), display="huge.yaml")
    assert [p.format() for p in loaded.problems] == [
        "huge.yaml:1:1: expected a file of at most 1,048,576 bytes, got 10,100,026 bytes"
    ]
    # with a larger limit the same file is read, and its one field is then too long
    monkeypatch.setattr(load, "read_bounded", real_read)
    bigger = load_file(path, Settings(max_file_bytes=20_000_000), display="huge.yaml")
    assert "huge.yaml:2:10: summary: expected at most 20,000 characters, got 9,900,000" in [p.format() for p in bigger.problems]


def test_a_file_is_read_with_a_bound_even_when_its_size_says_otherwise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that grows after fstat (or a file system that reports no size) is still read only up to the limit."""
    import os

    import pmsite.reading.files as load

    path = tmp_path / "grows.yaml"
    path.write_bytes(b"id: x\n" * 400_000)  # 2.4 MB
    real_fstat = os.fstat
    asked: list[int] = []
    real_read = load.read_bounded

    def small_fstat(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10, *st[7:10]))

    def counting_read(fd: int, most: int) -> bytes:
        asked.append(most)
        data = real_read(fd, most)
        asked.append(len(data))
        return data

    monkeypatch.setattr(load.os, "fstat", small_fstat)
    monkeypatch.setattr(load, "read_bounded", counting_read)
    loaded = load_file(path, Settings(), display="grows.yaml")
    assert [p.format() for p in loaded.problems] == ["grows.yaml:1:1: expected a file of at most 1,048,576 bytes, got more"]
    assert asked == [1_048_577, 1_048_577]  # one byte past the limit is enough to know


def test_ids_that_differ_only_in_case_would_share_a_url(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "a.yaml").write_text(dump(valid_doc(id="INC-CASE-1")))
    (folder / "b.yaml").write_text(dump(valid_doc(id="inc-case-1")))
    corpus = load_corpus(discover(folder), Settings(), base=tmp_path)
    assert [p.format() for p in corpus.errors] == [
        "incidents/a.yaml:1:5: id: expected a unique id, got 'INC-CASE-1': incidents/b.yaml has an id that differs only in letter case ('inc-case-1')",
        "incidents/b.yaml:1:5: id: expected a unique id, got 'inc-case-1': incidents/a.yaml has an id that differs only in letter case ('INC-CASE-1')",
    ]


def test_files_starting_with_underscore_and_other_extensions_are_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "incidents" / "2024"
    folder.mkdir(parents=True)
    (folder / "_template.yaml").write_text("not: valid")
    (folder / "notes.txt").write_text("x")
    (folder / "real.yml").write_text(dump(valid_doc()))
    assert [p.name for p in discover(tmp_path / "incidents")] == ["real.yml"]
