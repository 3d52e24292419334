"""Same content, same configuration and reference date: byte-identical sites."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

from conftest import ROOT, mkdocs_build


def tree(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


def copy_sample(target: Path, *, reverse_mtimes: bool) -> Path:
    shutil.copytree(ROOT / "content", target / "content")
    shutil.copytree(ROOT / "theme_overrides", target / "theme_overrides")
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    (target / "content" / "incidents" / "more").mkdir()
    for path in (ROOT / "tests" / "fixtures" / "real").glob("*.yaml"):
        shutil.copy(path, target / "content" / "incidents" / "more" / path.name)
    files = sorted((target / "content").rglob("*"))
    now = time.time()
    for n, path in enumerate(reversed(files) if reverse_mtimes else files):
        os.utime(path, (now - n * 1000, now - n * 1000))
    return target


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    env = {"PMSITE_REFERENCE_DATE": "2024-07-01"}
    first = mkdocs_build(copy_sample(tmp_path / "one", reverse_mtimes=False), env=env)
    time.sleep(1.1)  # a different wall clock second for anything that would read it
    second = mkdocs_build(copy_sample(tmp_path / "two-in-another-folder", reverse_mtimes=True), env={**env, "PYTHONHASHSEED": "123"})
    assert first.ok and second.ok, first.log + second.log
    a, b = tree(first.site), tree(second.site)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    assert "sitemap.xml.gz" in a
    assert "<lastmod>2024-07-01</lastmod>" in (first.site / "sitemap.xml").read_text()  # dated by the reference date
