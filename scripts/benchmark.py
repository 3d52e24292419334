#!/usr/bin/env python3
"""Benchmark: pmsite against plain Material on the same incidents.

For each N it generates a demo corpus (``pmsite demo-corpus``), builds it
with the pmsite plugin, and builds the same incidents written out as
Markdown pages with plain MkDocs + Material (only index pages in the
navigation: the fair, best plain setup). Builds alternate, several runs
each; it prints wall and CPU seconds, peak memory, site size, mean incident
page size, search payload and the pmsite/plain ratio, then times
``pmsite validate`` against the bare libyaml parse of the same files.

    .venv/bin/python scripts/benchmark.py                 # N = 1,000 and 10,000, 3 runs
    .venv/bin/python scripts/benchmark.py --counts 500 --runs 1
    .venv/bin/python scripts/benchmark.py --smoke         # CI: N = 60, 1 run, checks it works
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORK = ROOT / ".bench"
SEED = 20240315
REFERENCE_DATE = "2026-07-01"

NAV = """\
nav:
  - Home: index.md
  - Incidents: incidents/index.md
  - Open actions: actions/index.md
  - Patterns: patterns/index.md
  - History: history/index.md
"""
COMMON = """\
site_name: Benchmark knowledge base
site_url: https://kb.example.com/
docs_dir: content
theme:
  name: material
  font: false
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
"""


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    ok: bool
    log: str


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run a command; wall time, CPU time and peak RSS of that child alone (wait4)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {})))
    assert proc.stdout is not None
    out = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode == 0, out)


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def mean_incident_page(site: Path) -> float:
    pages = [p for p in (site / "incidents").glob("*/index.html")]
    return statistics.mean(p.stat().st_size for p in pages) if pages else 0.0


def search_payload(site: Path) -> int:
    index = site / "search" / "search_index.json"
    return index.stat().st_size if index.exists() else 0


# --- the plain site: the same incidents as hand-written Markdown -------------


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def incident_markdown(doc: dict) -> str:
    """What an author would write by hand for the same incident: tables, lists and links."""
    lines = [f"# {doc['title']}", ""]
    lines += ["| Field | Value |", "|---|---|"]
    for key in ("id", "status", "severity", "near_miss", "started_at", "detected_at", "mitigated_at", "resolved_at",
                "detection", "review_meeting_on", "published_on"):
        if key in doc:
            lines.append(f"| {key} | {_cell(doc[key])} |")
    lines.append(f"| services | {', '.join(doc['services'])} |")
    lines.append(f"| teams | {', '.join(doc.get('teams', []))} |")
    lines.append(f"| authors | {', '.join(doc['authors'])} |")
    lines += ["", "## Summary", "", doc["summary"], "", "## Impact", "", doc["impact"]["description"], ""]
    for item in doc["impact"].get("slo_violations", []) + doc["impact"].get("business_metrics", []):
        lines.append(f"- {item}")
    lines += ["", "## Timeline", "", "| Time | Kind | Event | Actor | Evidence |", "|---|---|---|---|---|"]
    for e in sorted(doc["timeline"], key=lambda e: e["at"]):
        ev = e.get("evidence", [])
        ev = [ev] if isinstance(ev, str) else ev
        shown = ", ".join(f"[{x}]({x})" if x.startswith("http") else x for x in ev)
        lines.append(f"| {e['at']} | {e.get('kind', '')} | {_cell(e['event'])} | {e.get('actor', '')} | {shown} |")
    lines += ["", "## Root causes", ""]
    for i, rc in enumerate(doc["root_causes"], 1):
        lines += [f"### Root cause {i}: {rc['category']}", "", rc["description"], ""]
        lines += [f"{n}. {why}" for n, why in enumerate(rc.get("five_whys", []), 1)] + [""]
    lines += ["## Contributing factors", ""] + [f"- **{f['category']}**: {f['description']}" for f in doc.get("contributing_factors", [])]
    lines += ["", "## What went well", ""] + [f"- {x}" for x in doc.get("went_well", [])]
    lines += ["", "## What went poorly", ""] + [f"- {x}" for x in doc.get("went_poorly", [])]
    lines += ["", "## Action items", "", "| Id | Action | Owner | Priority | Due | Status | Ticket |", "|---|---|---|---|---|---|---|"]
    for a in doc["action_items"]:
        ticket = f"[ticket]({a['ticket']})" if a.get("ticket") else ""
        lines.append(f"| {a.get('id', '')} | {_cell(a['description'])} | {a['owner']} | {a['priority']} | {a['due']} | {a['status']} | {ticket} |")
    lines += ["", "## Links", ""] + [f"- [{link['title']}]({link['url']})" for link in doc.get("links", [])]
    return "\n".join(lines) + "\n"


def prepare(count: int) -> tuple[Path, Path, Path]:
    """Generate (or reuse) the corpus and lay out both sites."""
    corpus = WORK / f"corpus-{count}"
    if not (corpus / ".complete").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        subprocess.run([str(BIN / "pmsite"), "demo-corpus", "--count", str(count), "--seed", str(SEED), str(corpus)], check=True)
        (corpus / ".complete").write_text("ok")
    pm = WORK / f"pmsite-{count}"
    plain = WORK / f"plain-{count}"
    for site in (pm, plain):
        shutil.rmtree(site, ignore_errors=True)
        (site / "content").mkdir(parents=True)
    (pm / "content" / "incidents").symlink_to(corpus.resolve(), target_is_directory=True)
    home = "# Knowledge base\n\nSee the [incidents](incidents/index.md).\n"
    (pm / "content" / "index.md").write_text(home)
    (pm / "mkdocs.yml").write_text(COMMON + NAV + f"plugins:\n  - search\n  - pmsite:\n      reference_date: {REFERENCE_DATE}\n")
    (plain / "content" / "index.md").write_text(home)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    listing = ["# Incidents", ""]
    for path in sorted(corpus.rglob("*.yaml")):
        doc = yaml.load(path.read_text(), Loader=loader)
        if doc["status"] != "published":
            continue
        slug = doc["id"].lower()
        (plain / "content" / "incidents").mkdir(exist_ok=True)
        (plain / "content" / "incidents" / f"{slug}.md").write_text(incident_markdown(doc))
        listing.append(f"- [{doc['id']}: {_cell(doc['title'])}]({slug}.md)")
    (plain / "content" / "incidents" / "index.md").write_text("\n".join(listing) + "\n")
    for page in ("actions", "patterns", "history"):
        (plain / "content" / page).mkdir()
        (plain / "content" / page / "index.md").write_text(f"# {page.title()}\n\nWritten by hand in a plain site.\n")
    (plain / "mkdocs.yml").write_text(COMMON + NAV + "plugins:\n  - search\n")
    return corpus, pm, plain


def bench(count: int, runs: int, with_extras: bool = True) -> dict[str, object]:
    corpus, pm, plain = prepare(count)
    results: dict[str, list[Run]] = {"pmsite": [], "plain": []}
    for _ in range(runs):
        for name, site in (("pmsite", pm), ("plain", plain)):
            run = timed([str(BIN / "mkdocs"), "build", "--clean", "--quiet"], site)
            if not run.ok:
                raise SystemExit(f"{name} build of {count} failed:\n{run.log[-3000:]}")
            results[name].append(run)
    row: dict[str, object] = {"count": count}
    for name, site in (("pmsite", pm), ("plain", plain)):
        rs = results[name]
        row[name] = {
            "wall_s": round(statistics.median(r.wall for r in rs), 2),
            "cpu_s": round(statistics.median(r.cpu for r in rs), 2),
            "peak_rss_mb": round(max(r.rss_mb for r in rs), 1),
            "site_mb": round(size_of(site / "site") / 1e6, 1),
            "mean_incident_page_kb": round(mean_incident_page(site / "site") / 1e3, 1),
            "search_payload_mb": round(search_payload(site / "site") / 1e6, 2),
        }
    row["ratio_wall"] = round(row["pmsite"]["wall_s"] / row["plain"]["wall_s"], 2)  # type: ignore[index]
    files = sorted(str(p) for p in corpus.rglob("*.yaml"))
    parse_script = (
        "import sys, yaml\nL = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)\n"
        "for f in sys.argv[1:]:\n    yaml.load(open(f, 'rb'), Loader=L)\n"
    )
    bare = [timed([sys.executable, "-c", parse_script, *files], ROOT) for _ in range(runs)]
    validate = [timed([str(BIN / "pmsite"), "validate", "--no-checklist", str(corpus)], ROOT) for _ in range(runs)]
    row["bare_parse_s"] = round(statistics.median(r.wall for r in bare), 2)
    row["validate_s"] = round(statistics.median(r.wall for r in validate), 2)
    row["validate_ratio"] = round(row["validate_s"] / row["bare_parse_s"], 2)  # type: ignore[operator]
    if with_extras:
        row["search"] = search_in_browser(pm)
        if count <= 2000:
            row["serve_edit_s"] = serve_edit_seconds(pm, corpus)
    return row


def serve_edit_seconds(site: Path, corpus: Path) -> float:
    """Time from saving one file to the rebuilt site, with ``mkdocs serve`` already running."""
    import socket
    import threading

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True).start()  # type: ignore[union-attr]

    def wait_for(text: str, after: int) -> None:
        deadline = time.monotonic() + 900
        while not any(text in line for line in lines[after:]):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit(f"mkdocs serve: {text!r} never came:\n" + "".join(lines[-20:]))
            time.sleep(0.02)

    try:
        wait_for("Serving on", 0)
        target = sorted(corpus.rglob("*.yaml"))[len(list(corpus.rglob("*.yaml"))) // 2]
        original = target.read_text()
        mark = len(lines)
        started = time.perf_counter()
        target.write_text(original.replace("title: ", "title: Edited ", 1))
        wait_for("Reloading browsers", mark)
        elapsed = time.perf_counter() - started
        target.write_text(original)
        return round(elapsed, 2)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def search_in_browser(site: Path) -> dict[str, float]:
    """Bytes the browser downloads before the first search result, and the time from typing to it."""
    sys.path.insert(0, str(ROOT / "tests"))
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM, CHROMIUM_ARGS, serve

    with serve(site / "site") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        received = {"bytes": 0}

        def on_response(response) -> None:  # type: ignore[no-untyped-def]
            with contextlib.suppress(Exception):  # redirects and aborted requests have no body
                received["bytes"] += len(response.body())

        page.on("response", on_response)
        started = time.perf_counter()
        page.goto(base, wait_until="load")
        page.locator(".md-search__input").click()
        typed = time.perf_counter()
        page.keyboard.type("staging", delay=0)
        page.wait_for_selector(".md-search-result__item", timeout=120_000)
        first = time.perf_counter()
        # warm: the index is built; time one more query from the first key to the first result
        page.locator(".md-search__input").fill("")
        page.keyboard.type("runbook", delay=0)
        warm_start = time.perf_counter()
        page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.includes('matching')", timeout=60_000)
        warm = time.perf_counter() - warm_start
        browser.close()
    return {"downloaded_mb": round(received["bytes"] / 1e6, 2), "cold_first_result_s": round(first - typed, 2),
            "page_load_to_first_result_s": round(first - started, 2), "warm_first_result_s": round(warm, 2)}


def table(rows: list[dict]) -> str:
    head = "| N | build | wall s | CPU s | peak MB | site MB | incident page KB | search MB | pmsite/plain |"
    out = [head, "|" + "---|" * 9]
    for row in rows:
        for name in ("pmsite", "plain"):
            r = row[name]
            ratio = f"{row['ratio_wall']}" if name == "pmsite" else ""
            out.append(f"| {row['count']:,} | {name} | {r['wall_s']} | {r['cpu_s']} | {r['peak_rss_mb']} | {r['site_mb']} | "
                       f"{r['mean_incident_page_kb']} | {r['search_payload_mb']} | {ratio} |")
    out += ["", "| N | bare libyaml parse s | pmsite validate s | ratio |", "|---|---|---|---|"]
    for row in rows:
        out.append(f"| {row['count']:,} | {row['bare_parse_s']} | {row['validate_s']} | {row['validate_ratio']} |")
    extras = [row for row in rows if "search" in row]
    if extras:
        out += ["", "| N | search download MB | typing to first result s (cold) | page load to first result s | warm query s | serve: save to rebuilt s |",
                "|---|---|---|---|---|---|"]
        for row in extras:
            s = row["search"]
            out.append(f"| {row['count']:,} | {s['downloaded_mb']} | {s['cold_first_result_s']} | {s['page_load_to_first_result_s']} | "
                       f"{s['warm_first_result_s']} | {row.get('serve_edit_s', '—')} |")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="a quick check that everything runs (CI)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--no-extras", action="store_true", help="skip the browser search and mkdocs serve measurements")
    args = parser.parse_args()
    counts, runs = ([60], 1) if args.smoke else (args.counts, args.runs)
    rows = [bench(n, runs, with_extras=not args.no_extras) for n in counts]
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
