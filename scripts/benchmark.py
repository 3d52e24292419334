#!/usr/bin/env python3
"""Benchmark: pmsite against plain Material on the same incidents.

For each N, ``pmsite demo-corpus --count N`` writes a corpus (cached in
``.bench/``) and two sites are laid out beside it:

- pmsite: ``plugins: [pmsite]`` only (pmsite brings its own Pagefind search),
  ``content/incidents`` a link to the corpus;
- plain: the same published incidents written out as hand-written Markdown
  pages (tables, lists, links) with plain MkDocs + Material and its own
  ``search`` plugin, only index pages in the navigation: the yardstick.

Figures (medians over ``--runs`` unless said otherwise):

Builds
  wall s, CPU s     ``mkdocs build --clean`` of each site; the order alternates
                    run by run (even runs pmsite first, odd runs plain first).
                    CPU is user + system of the build and every child it waited for.
  peak MB           the largest resident set of any single process of the build
                    (``wait4``), the highest over the runs.
  tree MB           the largest sum of the resident sets of the build's whole
                    process tree at once (sampled every 0.25 s: pmsite runs
                    ``pagefind --service`` beside MkDocs).
  site MB           bytes written to ``site/``.
  vs plain          wall time and peak memory divided by the plain build's.
  growth            with ``--baseline DIR`` (another checkout of pmsite, e.g. ``git archive main pmsite | tar
                    -x -C DIR``): the pmsite site built again with that checkout's package first on
                    PYTHONPATH, in the same alternating order; the wall and CPU time of this checkout's
                    build over the baseline's (medians), e.g. what a round of work costs the build.
  zensical, properdocs
                    ``pmsite build --with zensical|properdocs`` in the pmsite
                    site, ``--builder-runs`` times (default once), after the
                    MkDocs runs (the MkDocs site is first copied to
                    ``.bench/pmsite-N-site``; the browser reads that copy).

Reading pages (headless Chromium, a fresh browser context per page view so
nothing is cached, the built site served from 127.0.0.1)
  HTML KB           the page's own HTML.
  view KB           every response body of the view (page load until the
                    network is idle), before any filter.
  largest           the largest single download of that view.
  FCP, DCL, load    first-contentful-paint; domContentLoadedEventEnd and
                    loadEventEnd of navigation timing (ms from navigation start).
  first filter ms   a select of the filter form is changed (value set, ``change``
                    dispatched, without focusing it first, so the data file is
                    not fetched early) and timed in the page with
                    ``performance.now()``: from the change until the frame after
                    the status line announces the new result (a
                    MutationObserver on ``[data-pm-status]``, then one
                    animation frame). The first filter of a view downloads the
                    list's compact data file; its KB are shown beside it.
  next filter ms    a second filter in the same view (data already loaded).
  catalog: severity 3, then a root-cause category; actions: when = overdue,
  then priority high.

Search (the query: the first six words of four or more letters of a
root-cause description; ``sharing`` is how many incidents have a root-cause
description holding all of those words: the phrases chosen name the fewest
incidents, and any of them first is right)
  cold ms           fresh context, home page loaded; from the first keydown
                    (a capture listener on ``document``) of ``/`` + the query
                    typed at full speed to the first result of the whole query
                    in the page: pmsite's list marked complete for that query
                    (``aria-busy=false``, ``data-query``); Material's last
                    re-render of its result list once typing is over (its list
                    does not say which query it answers). In brackets: from
                    the last keydown. Keys are typed as fast as the page takes
                    them, so a page busy re-rendering per keystroke (Material)
                    also stretches the typing itself.
  view KB           every response body of the view requested before that moment.
  search KB         of which search files (pmsite: ``search/``, Pagefind;
                    plain: ``search_index.json`` and Material's search worker
                    and lunr files, which Material fetches at page load).
  pasted ms         another fresh view: ``/`` pressed as soon as the page has loaded,
                    the whole query inserted as one input event, then End: from the
                    ``/`` keydown to the first result (nothing loads while a person
                    types; the worst cold case).
  idle ms           the same in a fresh view once the page has been quiet on the
                    network for 500 ms (a reader who looks at the page first; pmsite
                    loads its search engine when the browser is idle). View KB: every
                    response of the view until the first result.
  right first?      the first result links to one of the incidents the phrase names
                    (typed / pasted at load / pasted at idle / warm).
  warm ms           same view: the input cleared, the next phrase typed (same timing).

Validate
  bare parse s      only ``yaml.load`` (libyaml) of every file: the floor.
  validate all s    ``pmsite validate --no-checklist <corpus>``.
  validate one s    ``pmsite validate --no-checklist --no-similar content/incidents/<file>``
                    in the pmsite site: one file, checked against the ids of
                    the rest of the knowledge base (what pre-commit runs).
  similar one s     the same without ``--no-similar``, once the whole folder was validated
                    (which keeps the profiles in .cache/pmsite): the file checked and its
                    similar published incidents listed (what a pull request's job summary runs);
                    lookup s is the difference of the medians (CPU in brackets); cold s is one
                    run without the cache (every file read).

Live preview
  save to served s  ``mkdocs serve --dirty`` (the README's command) running on
                    the pmsite site; from writing a changed title to one
                    incident file until that incident's page, polled over
                    HTTP, contains it.
  next save ...     then the original written back at once, while the first
                    save's data files and search index are still being
                    written in the background, until the page is restored.

    .venv/bin/python scripts/benchmark.py                 # N = 1,000 and 10,000, 3 runs
    .venv/bin/python scripts/benchmark.py --counts 500 --runs 1
    .venv/bin/python scripts/benchmark.py --smoke         # CI: N = 60, 1 run, every measurement, fails loudly
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORK = ROOT / ".bench"
SEED = 20240315
REFERENCE_DATE = "2026-07-01"
VIEWPORT = {"width": 1280, "height": 900}
PREVIEW_LIMIT_S = 900
BROWSER_LIMIT_MS = 120_000

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


class Failed(Exception):
    """A measurement that could not be taken: the benchmark stops with this message."""


@contextlib.contextmanager
def step(what: str) -> Iterator[None]:
    """Any error inside becomes one clear :class:`Failed` naming the measurement."""
    try:
        yield
    except Failed as exc:
        raise Failed(f"{what}: {exc}") from None
    except Exception as exc:  # Playwright timeouts, OS errors, bad data: all stop the benchmark
        raise Failed(f"{what}: {type(exc).__name__}: {str(exc).strip()[:2000]}") from exc


# --- running commands ----------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    tree_mb: float
    ok: bool
    log: str


def _process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, resident bytes) of every process on the machine."""
    page = os.sysconf("SC_PAGE_SIZE")
    table: dict[int, tuple[int, int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
            with open(f"/proc/{name}/statm", "rb") as f:
                resident = int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        table[int(name)] = (int(fields[1]), resident)
    return table


def _tree_rss(root: int) -> int:
    table = _process_table()
    children: dict[int, list[int]] = collections.defaultdict(list)
    for pid, (ppid, _) in table.items():
        children[ppid].append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += table.get(pid, (0, 0))[1]
        stack.extend(children.get(pid, []))
    return total


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run a command: wall time, CPU time and peak RSS of it and its children (wait4), and the tree's peak."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {})))
    assert proc.stdout is not None
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    rss = usage.ru_maxrss / 1024
    return Run(wall, usage.ru_utime + usage.ru_stime, rss, max(peak[0] / 2**20, rss), proc.returncode == 0, out)


def checked(cmd: list[str], cwd: Path, what: str, env: dict[str, str] | None = None) -> Run:
    run = timed(cmd, cwd, env)
    if not run.ok:
        raise Failed(f"{what} failed ({' '.join(cmd)} in {cwd}):\n{run.log[-3000:]}")
    return run


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def median(values: list[float]) -> float:
    return statistics.median(values)


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
    # pmsite brings its own search (Pagefind): the theme's `search` plugin beside it is refused
    (pm / "mkdocs.yml").write_text(COMMON + NAV + f"plugins:\n  - pmsite:\n      reference_date: {REFERENCE_DATE}\n")
    (plain / "content" / "index.md").write_text(home)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    listing = ["# Incidents", ""]
    (plain / "content" / "incidents").mkdir()
    for path in sorted(corpus.rglob("*.yaml")):
        doc = yaml.load(path.read_text(), Loader=loader)
        if doc["status"] != "published":
            continue
        slug = doc["id"].lower()
        (plain / "content" / "incidents" / f"{slug}.md").write_text(incident_markdown(doc))
        listing.append(f"- [{doc['id']}: {_cell(doc['title'])}]({slug}.md)")
    (plain / "content" / "incidents" / "index.md").write_text("\n".join(listing) + "\n")
    for page in ("actions", "patterns", "history"):
        (plain / "content" / page).mkdir()
        (plain / "content" / page / "index.md").write_text(f"# {page.title()}\n\nWritten by hand in a plain site.\n")
    (plain / "mkdocs.yml").write_text(COMMON + NAV + "plugins:\n  - search\n")
    return corpus, pm, plain


# --- 1. builds ---------------------------------------------------------------------------------------


def _summary(runs: list[Run], site: Path) -> dict[str, Any]:
    return {
        "runs": len(runs),
        "wall_s": round(median([r.wall for r in runs]), 2),
        "cpu_s": round(median([r.cpu for r in runs]), 2),
        "peak_mb": round(max(r.rss_mb for r in runs), 1),
        "tree_peak_mb": round(max(r.tree_mb for r in runs), 1),
        "site_mb": round(size_of(site) / 1e6, 1),
    }


def builds(out: dict[str, Any], count: int, runs: int, builder_runs: int, pm: Path, plain: Path, baseline: Path | None = None) -> None:
    """MkDocs builds of both sites in alternating order (and of the pmsite site with the ``baseline``
    checkout's package), then pmsite's other builders; figures go to ``out``."""
    mkdocs = [str(BIN / "mkdocs"), "build", "--clean", "--quiet"]
    results: dict[str, list[Run]] = {"pmsite": [], "plain": [], "baseline": []}
    env = {"PYTHONPATH": str(baseline.resolve())} if baseline else None
    for i in range(runs):
        order = [("pmsite", pm, None), ("plain", plain, None)] + ([("baseline", pm, env)] if baseline else [])
        for name, site, extra in order if i % 2 == 0 else order[::-1]:
            with step(f"N={count}: mkdocs build of the {name} site (run {i + 1})"):
                results[name].append(checked(mkdocs, site, "mkdocs build", extra))
    out.update({name: _summary(results[name], site / "site") for name, site in (("pmsite", pm), ("plain", plain))})
    if baseline:
        base = _summary(results["baseline"], pm / "site")
        out["growth"] = {"baseline": str(baseline), "wall_s": base["wall_s"], "cpu_s": base["cpu_s"],
                         "wall_pct": round(100 * (out["pmsite"]["wall_s"] / base["wall_s"] - 1), 1),
                         "cpu_pct": round(100 * (out["pmsite"]["cpu_s"] / base["cpu_s"] - 1), 1)}
    base = out["plain"]
    out["pmsite"]["wall_ratio"] = round(out["pmsite"]["wall_s"] / base["wall_s"], 2)
    out["pmsite"]["peak_ratio"] = round(out["pmsite"]["peak_mb"] / base["peak_mb"], 2)
    kept = WORK / f"pmsite-{count}-site"  # the MkDocs-built site the browser reads; other builders overwrite site/
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(pm / "site", kept, symlinks=True)
    for builder in ("zensical", "properdocs"):
        done: list[Run] = []
        for i in range(builder_runs):
            with step(f"N={count}: pmsite build --with {builder} (run {i + 1})"):
                done.append(checked([str(BIN / "pmsite"), "build", "--with", builder], pm, f"pmsite build --with {builder}"))
                if not (pm / "site" / "incidents" / "index.html").exists():
                    raise Failed("no incidents/index.html in site/")
        if done:
            out[builder] = _summary(done, pm / "site")
            out[builder]["wall_ratio"] = round(out[builder]["wall_s"] / base["wall_s"], 2)
            out[builder]["peak_ratio"] = round(out[builder]["peak_mb"] / base["peak_mb"], 2)


# --- 2-5. the browser ----------------------------------------------------------------------------------


@dataclass
class Response:
    url: str
    size: int
    start: float  # epoch ms at which the request started


@dataclass
class Net:
    """Every response of a browser context, with its body size and start time (workers' requests too)."""

    responses: list[Response] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def attach(self, context: Any) -> Net:
        context.on("requestfinished", self._finished)
        context.on("requestfailed", lambda r: self.failures.append(f"{r.url}: {r.failure}"))
        return self

    def _finished(self, request: Any) -> None:
        size = request.sizes()["responseBodySize"]
        if not size:  # a worker's script reports no body size; its Content-Length does
            response = request.response()
            size = int(response.headers.get("content-length") or 0) if response else 0
        self.responses.append(Response(request.url, size, request.timing["startTime"]))

    def before(self, epoch_ms: float, after: float = 0.0) -> list[Response]:
        return [r for r in self.responses if after <= r.start <= epoch_ms]

    def check(self) -> None:
        if self.failures:
            raise Failed("requests failed: " + "; ".join(self.failures[:5]))


def kb(responses: list[Response]) -> float:
    return round(sum(r.size for r in responses) / 1e3, 1)


def _context(browser: Any) -> tuple[Any, Net, Any]:
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    net = Net().attach(context)
    return context, net, context.new_page()


def _settle(page: Any) -> None:
    page.wait_for_timeout(300)  # lets the last network events of the view reach Python


TIMING_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
  return {origin: performance.timeOrigin, fcp: fcp ? fcp.startTime : null,
          dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd};
}"""

# Change one select of the filter form; resolve one frame after the status line shows the new result.
FILTER_JS = """async ([selector, value, limit]) => {
  const status = document.querySelector('[data-pm-status]');
  const select = document.querySelector(selector);
  if (!status || !select || !select.form) throw new Error('no ' + (select ? '[data-pm-status]' : selector) + ' on this page');
  if (![...select.options].some(o => o.value === value)) throw new Error(selector + ' has no option ' + JSON.stringify(value));
  const source = new URL(select.form.dataset.pmData, document.baseURI).href;
  return await new Promise((resolve, reject) => {
    let t0 = 0;
    const observer = new MutationObserver(() => {
      const text = status.textContent.trim();
      if (text.startsWith('Loading')) return;
      const dom = performance.now();
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => setTimeout(() => resolve({
        t0, dom: dom - t0, shown: performance.now() - t0, status: text, source,
        rows: document.querySelectorAll('table[data-pm-rows] tbody tr').length}), 0));
    });
    const timer = setTimeout(() => { observer.disconnect(); reject(new Error('the list did not change within ' + limit + ' ms; status: ' + status.textContent)); }, limit);
    observer.observe(status, {childList: true, characterData: true, subtree: true});
    t0 = performance.now();
    select.value = value;
    select.dispatchEvent(new Event('change', {bubbles: true}));
  });
}"""

LISTINGS = {
    "incidents/": (("select[name=severity]", "3"), ("select[name=category]", None)),
    "actions/": (("select[name=when]", "overdue"), ("select[name=priority]", "high")),
}


def read_page(browser: Any, base: str, path: str) -> dict[str, Any]:
    """One cold view of a listing: bytes, paint and navigation timing, then two filters timed in the page."""
    context, net, page = _context(browser)
    try:
        page.goto(base + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        timing = page.evaluate(TIMING_JS)
        filters = []
        for selector, value in LISTINGS[path]:
            if value is None:  # the first real option of that select
                value = page.eval_on_selector(selector, "s => [...s.options].map(o => o.value).find(Boolean) || ''")
            result = page.evaluate(FILTER_JS, [selector, value, BROWSER_LIMIT_MS])
            if "match" not in result["status"]:
                raise Failed(f"{selector} = {value!r}: the status line says {result['status']!r}")
            result["filter"] = f"{selector.split('=')[1].rstrip(']')}={value}"
            filters.append(result)
        _settle(page)
        net.check()
    finally:
        context.close()
    first_filter = timing["origin"] + filters[0]["t0"]
    view = net.before(first_filter)
    html = [r for r in view if r.url == base + path]
    largest = max(view, key=lambda r: r.size)
    data = [r for r in net.responses if r.url == filters[0]["source"]]
    if not data:
        raise Failed(f"the first filter downloaded no {filters[0]['source']}")
    return {
        "html_kb": kb(html),
        "view_kb": kb(view),
        "requests": len(view),
        "largest": {"url": largest.url[len(base):], "kb": round(largest.size / 1e3, 1)},
        "fcp_ms": round(timing["fcp"]) if timing["fcp"] is not None else None,
        "dcl_ms": round(timing["dcl"]),
        "load_ms": round(timing["load"]),
        "first_filter": {"what": filters[0]["filter"], "ms": round(filters[0]["shown"]), "dom_ms": round(filters[0]["dom"]),
                         "data_kb": kb(data), "status": filters[0]["status"]},
        "next_filter": {"what": filters[1]["filter"], "ms": round(filters[1]["shown"]), "dom_ms": round(filters[1]["dom"]),
                        "status": filters[1]["status"]},
    }


# --- search ----------------------------------------------------------------------------------------


QUERY_WORD = re.compile(r"^[A-Za-z][A-Za-z-]*[A-Za-z]$")


def _tokens(text: str) -> list[str]:
    return [w.strip(".,;:!?()\"'`") for w in text.split()]


def query_of(description: str) -> str:
    return " ".join([w for w in _tokens(description) if len(w) >= 4 and QUERY_WORD.match(w)][:6])


@dataclass
class Target:
    id: str
    query: str
    sharing: int
    urls: list[str]  # every incident the query names

    def right(self, href: str) -> bool:
        path = urlsplit(href).path.rstrip("/")
        return any(path.endswith("/" + u.strip("/")) for u in self.urls)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _tokens(text)}


def search_targets(site: Path) -> tuple[Target, Target]:
    """Two root-cause phrases that name the fewest incidents: the cold query and the warm one.

    A responder types a phrase of the cause they see. The query is the first six words of
    four or more letters of a root-cause description; the incidents it names are every
    incident with a root-cause description holding all of those words (a generated corpus
    reuses sentence templates, so a phrase can fit several). The phrases chosen name the
    fewest incidents, and any of them first is right.
    """
    incidents = json.loads((site / "incidents.json").read_text())["incidents"]
    holding: dict[str, set[int]] = collections.defaultdict(set)  # word -> incidents whose causes hold it
    for n, inc in enumerate(incidents):
        for cause in inc.get("root_causes") or []:
            for word in _words(cause["description"]):
                holding[word].add(n)
    candidates: dict[str, tuple[int, str, list[int]]] = {}
    for inc in incidents:
        for cause in inc.get("root_causes") or []:
            query = query_of(cause["description"])
            if len(query.split()) < 3 or query in candidates:
                continue
            named = sorted(set.intersection(*(holding[w.lower()] for w in query.split())))
            candidates[query] = (len(named), inc["id"], named)
    ranked = sorted(candidates.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[0]))
    targets = []
    for query, (sharing, first, named) in ranked:
        if any(t.id == first for t in targets):
            continue
        targets.append(Target(first, query, sharing, [incidents[i]["url"] for i in named]))
        if len(targets) == 2:
            return targets[0], targets[1]
    raise Failed("incidents.json has fewer than two root causes with three words of four letters")


# pmsite: resolve when the result list says it is complete for this query; time from the first keydown.
ARM_PMSITE_JS = """([selector, limit]) => {
  const state = window.__bench = {key: null, lastKey: null, found: null};
  document.addEventListener('keydown', () => {
    const now = performance.now();
    if (state.key === null) state.key = now;
    state.lastKey = now;
  }, {capture: true});
  state.done = new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      const a = document.querySelector(selector);
      if (!a) return;
      state.found = performance.now();
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    });
    const timer = setTimeout(() => { observer.disconnect(); reject(new Error('no result for ' + selector)); }, limit);
    observer.observe(document.documentElement, {subtree: true, childList: true, attributes: true});
  });
}"""

RESULT_PMSITE_JS = """async (selector) => {
  const state = window.__bench;
  await state.done;
  return {origin: performance.timeOrigin, key: state.key, lastKey: state.lastKey, found: state.found,
          href: document.querySelector(selector).getAttribute('href'),
          load: performance.getEntriesByType('navigation')[0].loadEventEnd};
}"""

# Material: its list does not say which query it answers. Every re-render (a reset of the list) is
# recorded; once typing is over and the list has been still for 700 ms, the last re-render is the
# answer to the whole query.
ARM_MATERIAL_JS = """() => {
  const list = document.querySelector('.md-search-result__list');
  if (!list) throw new Error('no .md-search-result__list: is this a Material site with search?');
  const state = window.__bench = {key: null, lastKey: null, reset: null, changed: performance.now(), count: list.children.length};
  document.addEventListener('keydown', () => {
    const now = performance.now();
    if (state.key === null) state.key = now;
    state.lastKey = now;
  }, {capture: true});
  new MutationObserver((records) => {
    const now = performance.now();
    const removed = records.some(r => r.removedNodes.length);
    if (list.children.length && (removed || state.count === 0)) state.reset = now;
    state.count = list.children.length;
    state.changed = now;
  }).observe(list, {childList: true});
}"""

RESULT_MATERIAL_JS = """async (limit) => {
  const state = window.__bench;
  const start = performance.now();
  while (!(state.reset !== null && state.lastKey !== null && state.reset > state.lastKey &&
           performance.now() - Math.max(state.changed, state.lastKey) > 700)) {
    if (performance.now() - start > limit) throw new Error('Material showed no result list for the query');
    await new Promise(r => setTimeout(r, 50));
  }
  const a = document.querySelector('.md-search-result__item a');
  return {origin: performance.timeOrigin, key: state.key, lastKey: state.lastKey, found: state.reset, href: a ? a.href : '',
          load: performance.getEntriesByType('navigation')[0].loadEventEnd};
}"""

MATERIAL_SEARCH_FILES = re.compile(r"/search/search_index\.json$|/assets/javascripts/(workers/search\.|lunr/)")


def _is_search_file(engine: str, url: str) -> bool:
    if engine == "pmsite":
        return urlsplit(url).path.startswith("/search/")
    return bool(MATERIAL_SEARCH_FILES.search(urlsplit(url).path))


def _enter(page: Any, query: str, *, pasted: bool) -> None:
    if pasted:  # the whole query in one input event, then one key (Material listens to keyup)
        page.keyboard.insert_text(query)
        page.keyboard.press("End")
    else:
        page.keyboard.type(query, delay=0)


def _type_query(page: Any, engine: str, query: str, *, pasted: bool = False) -> dict[str, Any]:
    if engine == "pmsite":
        selector = f'.pm-search__results[aria-busy="false"][data-query="{query}"] .pm-search__result a'
        page.evaluate(ARM_PMSITE_JS, [selector, BROWSER_LIMIT_MS])
        if not page.evaluate("document.activeElement && document.activeElement.id === 'pm-search-input'"):
            page.keyboard.press("/")  # opens the dialog and focuses its input
        _enter(page, query, pasted=pasted)
        return page.evaluate(RESULT_PMSITE_JS, selector)
    page.evaluate(ARM_MATERIAL_JS)
    if not page.evaluate("document.activeElement && document.activeElement.matches('.md-search__input')"):
        page.keyboard.press("/")  # Material's shortcut opens search and focuses its input
    _enter(page, query, pasted=pasted)
    return page.evaluate(RESULT_MATERIAL_JS, BROWSER_LIMIT_MS)


def pasted_view(browser: Any, base: str, engine: str, cold: Target, *, wait: str = "load") -> dict[str, Any]:
    """A cold search from the home page with the query arriving at once: no typing time to hide the loading in.

    ``wait="load"``: the key is pressed as soon as the page has loaded; ``"networkidle"``: once the
    page has made no request for 500 ms, as a reader who looks at the page before searching.
    """
    context, net, page = _context(browser)
    try:
        page.goto(base, wait_until=wait)
        found = _type_query(page, engine, cold.query, pasted=True)
        net.check()
    finally:
        context.close()
    key = "pasted" if wait == "load" else "idle"
    return {
        f"{key}_ms": round(found["found"] - found["key"]),
        f"{key}_kb": kb(net.before(found["origin"] + found["found"])),
        f"{key}_right_first": cold.right(found["href"]),
    }


def search_view(browser: Any, base: str, engine: str, cold: Target, warm: Target) -> dict[str, Any]:
    """A cold search from the home page, then a warm one in the same view."""
    context, net, page = _context(browser)
    try:
        page.goto(base, wait_until="load")
        first = _type_query(page, engine, cold.query)
        box = "#pm-search-input" if engine == "pmsite" else ".md-search__input"
        if page.evaluate(f"document.activeElement && document.activeElement.matches({json.dumps(box)})") is not True:
            raise Failed(f"typing did not go to {box}")
        page.fill(box, "")
        if engine == "pmsite":
            page.wait_for_selector('.pm-search__results[aria-busy="false"][data-query=""]', state="attached")
        else:
            page.wait_for_timeout(300)
        second = _type_query(page, engine, warm.query)
        _settle(page)
        net.check()
    finally:
        context.close()
    answer = first["origin"] + first["found"]
    loaded = first["origin"] + first["load"]
    view = net.before(answer)
    return {
        "query": cold.query,
        "sharing": cold.sharing,
        "view_kb": kb(view),
        "search_kb": kb([r for r in view if _is_search_file(engine, r.url)]),
        "after_load_kb": kb(net.before(answer, after=loaded)),
        "cold_ms": round(first["found"] - first["key"]),
        "cold_after_last_key_ms": round(first["found"] - first["lastKey"]),
        "first_result": urlsplit(first["href"]).path,
        "right_first": cold.right(first["href"]),
        "warm_query": warm.query,
        "warm_ms": round(second["found"] - second["key"]),
        "warm_after_last_key_ms": round(second["found"] - second["lastKey"]),
        "warm_right_first": warm.right(second["href"]),
    }


def browser_figures(row: dict[str, Any], pm_site: Path, plain_site: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM, CHROMIUM_ARGS, serve

    if not Path(CHROMIUM).exists():
        raise Failed(f"no chromium at {CHROMIUM}")
    count = row["count"]
    with step(f"N={count}: choosing the search queries"):
        cold, warm = search_targets(pm_site)
    row["reading"], row["search"] = {}, {}
    with serve(pm_site) as pm_base, serve(plain_site) as plain_base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for path in LISTINGS:
                with step(f"N={count}: reading {path} in Chromium"):
                    row["reading"][path] = read_page(browser, pm_base, path)
            for engine, base in (("pmsite", pm_base), ("plain", plain_base)):
                with step(f"N={count}: search ({engine}) in Chromium, query {cold.query!r} then {warm.query!r}"):
                    row["search"][engine] = search_view(browser, base, engine, cold, warm)
                    row["search"][engine].update(pasted_view(browser, base, engine, cold))
                    row["search"][engine].update(pasted_view(browser, base, engine, cold, wait="networkidle"))
        finally:
            browser.close()


# --- 6. validate -----------------------------------------------------------------------------------


PARSE_SCRIPT = (
    "import sys, yaml\nL = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)\n"
    "for f in sys.argv[1:]:\n    yaml.load(open(f, 'rb'), Loader=L)\n"
)


def pick_file(corpus: Path, site: Path) -> tuple[Path, str]:
    """A published incident from the middle of the catalog, and its file."""
    incidents = json.loads((site / "incidents.json").read_text())["incidents"]
    chosen = sorted(incidents, key=lambda i: i["id"])[len(incidents) // 2]
    found = sorted(corpus.rglob(f"*{chosen['id'].lower()}.yaml"))
    if len(found) != 1:
        raise Failed(f"no single file for {chosen['id']} in {corpus} (found {len(found)})")
    return found[0], chosen["id"]


def validate(count: int, runs: int, corpus: Path, pm: Path, one: Path) -> dict[str, Any]:
    files = sorted(str(p) for p in corpus.rglob("*.yaml"))
    relative = Path("content") / "incidents" / one.relative_to(corpus)
    with step(f"N={count}: bare libyaml parse"):
        bare = [checked([sys.executable, "-c", PARSE_SCRIPT, *files], ROOT, "the bare parse") for _ in range(runs)]
    with step(f"N={count}: pmsite validate (whole corpus)"):
        whole = [checked([str(BIN / "pmsite"), "validate", "--no-checklist", str(corpus)], ROOT, "pmsite validate") for _ in range(runs)]
    one = [str(BIN / "pmsite"), "validate", "--no-checklist"]
    with step(f"N={count}: pmsite validate {relative} (one file)"):
        single = [checked([*one, "--no-similar", str(relative)], pm, "pmsite validate") for _ in range(runs)]
        if "OK: 1 file" not in single[0].log:
            raise Failed(f"expected 'OK: 1 file', got: {single[0].log.strip()[-500:]}")
    with step(f"N={count}: similar published incidents of {relative}"):
        shutil.rmtree(pm / ".cache", ignore_errors=True)
        cold = checked([*one, str(relative)], pm, "pmsite validate (no cache)")
        checked(one, pm, "pmsite validate (the whole folder)")  # what the workflow runs first: keeps the profiles
        similar = [checked([*one, str(relative)], pm, "pmsite validate") for _ in range(runs)]
        if "Similar published incidents for" not in similar[0].log:
            raise Failed(f"expected a list of similar incidents, got: {similar[0].log.strip()[-500:]}")
    out: dict[str, Any] = {
        "bare_parse_s": round(median([r.wall for r in bare]), 2),
        "validate_s": round(median([r.wall for r in whole]), 2),
        "validate_one_s": round(median([r.wall for r in single]), 2),
        "one_file": str(relative),
        "similar_one_s": round(median([r.wall for r in similar]), 2),
        "similar_lookup_s": round(median([r.wall for r in similar]) - median([r.wall for r in single]), 2),
        "similar_lookup_cpu_s": round(median([r.cpu for r in similar]) - median([r.cpu for r in single]), 2),
        "similar_cold_s": round(cold.wall, 2),
    }
    out["validate_ratio"] = round(out["validate_s"] / out["bare_parse_s"], 2)
    return out


# --- 7. live preview ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def serve_edit_seconds(site: Path, target: Path, incident_id: str) -> tuple[float, float]:
    """``mkdocs serve --dirty`` running (the README's command): seconds from saving a changed title to
    the incident page served with it; then from saving the original again, at once, to that page
    served (the second save lands while the first one's data files and search index are still
    being written in the background)."""
    original = target.read_text()
    if "title: Edited " in original:
        raise Failed(f"{target} still holds an earlier run's edit: delete {target.parent} and run again")
    edited = original.replace("title: ", "title: Edited ", 1)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/incidents/{incident_id.lower()}/"
    proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True).start()  # type: ignore[union-attr]

    def until(what: str, ready: Any) -> float:
        started = time.perf_counter()
        while True:
            if ready():
                return time.perf_counter() - started
            if proc.poll() is not None:
                raise Failed(f"mkdocs serve stopped while waiting for {what}:\n" + "".join(lines[-30:]))
            if time.perf_counter() - started > PREVIEW_LIMIT_S:
                raise Failed(f"no {what} within {PREVIEW_LIMIT_S} s:\n" + "".join(lines[-30:]))
            time.sleep(0.02)

    try:
        until("'Serving on'", lambda: any("Serving on" in line for line in lines))
        page = _fetch(url)
        if page is None or "Edited " in page:
            raise Failed(f"{url} is not served as built before the edit")
        try:
            target.write_text(edited)
            elapsed = until(f"'Edited' in {url}", lambda: "Edited " in (_fetch(url) or ""))
        finally:
            target.write_text(original)
        again = until("the restored page", lambda: "Edited " not in (_fetch(url) or "Edited "))
        return round(elapsed, 2), round(again, 2)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- one N ---------------------------------------------------------------------------------------------


def bench(row: dict[str, Any], runs: int, builder_runs: int, with_extras: bool, baseline: Path | None = None) -> None:
    """Fill ``row`` (which holds ``count``) figure by figure, so a failure still leaves the figures taken."""
    count = row["count"]
    with step(f"N={count}: preparing the corpus and the two sites"):
        corpus, pm, plain = prepare(count)
    row["builds"] = {}
    builds(row["builds"], count, runs, builder_runs, pm, plain, baseline)
    kept = WORK / f"pmsite-{count}-site"
    with step(f"N={count}: choosing an incident file"):
        one, incident_id = pick_file(corpus, kept)
    row["validate"] = validate(count, runs, corpus, pm, one)
    if with_extras:
        browser_figures(row, kept, plain / "site")
        with step(f"N={count}: live preview (mkdocs serve, {one.name})"):
            first, again = serve_edit_seconds(pm, one, incident_id)
            row["preview"] = {"save_to_served_s": first, "next_save_to_served_s": again, "file": one.name}


# --- tables --------------------------------------------------------------------------------------------


def _n(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def _kb(value: float) -> str:
    return _n(value, 1 if value < 10 else 0)


def tables(rows: list[dict[str, Any]]) -> str:
    out = ["### Builds", "",
           "| N | builder | runs | wall s | CPU s | peak MB | tree MB | site MB | vs plain (wall, peak) |",
           "|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        for name, label in (("pmsite", "pmsite (mkdocs)"), ("plain", "plain Material"),
                            ("zensical", "pmsite build --with zensical"), ("properdocs", "pmsite build --with properdocs")):
            b = row.get("builds", {}).get(name)
            if not b:
                continue
            ratio = f"×{b['wall_ratio']:.2f}, ×{b['peak_ratio']:.2f}" if "wall_ratio" in b else ""
            out.append(f"| {row['count']:,} | {label} | {b['runs']} | {_n(b['wall_s'], 2)} | {_n(b['cpu_s'], 2)} | "
                       f"{_n(b['peak_mb'])} | {_n(b['tree_peak_mb'])} | {_n(b['site_mb'], 1)} | {ratio} |")
    grown = [row for row in rows if "growth" in row.get("builds", {})]
    if grown:
        out += ["", "### Build growth against the baseline checkout", "",
                "| N | baseline | baseline wall s (CPU s) | this checkout wall s (CPU s) | growth: wall, CPU |", "|---:|---|---:|---:|---|"]
        for row in grown:
            g, b = row["builds"]["growth"], row["builds"]["pmsite"]
            out.append(f"| {row['count']:,} | {g['baseline']} | {_n(g['wall_s'], 2)} ({_n(g['cpu_s'], 2)}) | "
                       f"{_n(b['wall_s'], 2)} ({_n(b['cpu_s'], 2)}) | {g['wall_pct']:+.1f} %, {g['cpu_pct']:+.1f} % |")
    reading = [row for row in rows if row.get("reading")]
    if reading:
        out += ["", "### Reading pages (cold, Chromium)", "",
                "| N | page | HTML KB | view KB | largest download | FCP ms | DCL ms | load ms | first filter ms (data KB) | next filter ms |",
                "|---:|---|---:|---:|---|---:|---:|---:|---|---:|"]
        for row in reading:
            for path, r in row["reading"].items():
                f1, f2 = r["first_filter"], r["next_filter"]
                out.append(f"| {row['count']:,} | {path} | {_kb(r['html_kb'])} | {_kb(r['view_kb'])} | "
                           f"{r['largest']['url']} {_kb(r['largest']['kb'])} KB | {_n(r['fcp_ms'])} | {_n(r['dcl_ms'])} | "
                           f"{_n(r['load_ms'])} | {_n(f1['ms'])} ({_kb(f1['data_kb'])} KB) | {_n(f2['ms'])} |")
    searched = [row for row in rows if row.get("search")]
    if searched:
        out += ["", "### Search (cold, Chromium; ms from the first key, in brackets from the last key)", "",
                "| N | engine | view KB | search KB before first result | cold ms typed | pasted at load ms (view KB) "
                "| pasted at idle ms (view KB) | right first? | sharing | warm ms |",
                "|---:|---|---:|---:|---:|---:|---:|---|---:|---:|"]
        for row in searched:
            for engine, s in row["search"].items():
                right = "/".join("yes" if s[k] else "no"
                                 for k in ("right_first", "pasted_right_first", "idle_right_first", "warm_right_first"))
                out.append(f"| {row['count']:,} | {engine} | {_kb(s['view_kb'])} | {_kb(s['search_kb'])} | "
                           f"{_n(s['cold_ms'])} ({_n(s['cold_after_last_key_ms'])}) | {_n(s['pasted_ms'])} ({_kb(s['pasted_kb'])}) | "
                           f"{_n(s['idle_ms'])} ({_kb(s['idle_kb'])}) | "
                           f"{right} | {s['sharing']} | {_n(s['warm_ms'])} ({_n(s['warm_after_last_key_ms'])}) |")
        out.append("")
        for row in searched:
            s = next(iter(row["search"].values()))
            out.append(f"N = {row['count']:,}: cold query {s['query']!r}, warm query {s['warm_query']!r}.  ")
    validated = [row for row in rows if "validate" in row]
    if validated:
        out += ["", "### Validate", "", "| N | bare parse s | validate all s | ratio | validate one file s | "
                "with similar incidents s | lookup s (CPU s) | without the cache s |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for row in validated:
            v = row["validate"]
            out.append(f"| {row['count']:,} | {_n(v['bare_parse_s'], 2)} | {_n(v['validate_s'], 2)} | ×{v['validate_ratio']:.2f} | "
                       f"{_n(v['validate_one_s'], 2)} | {_n(v['similar_one_s'], 2)} | {_n(v['similar_lookup_s'], 2)} "
                       f"({_n(v['similar_lookup_cpu_s'], 2)}) | {_n(v['similar_cold_s'], 2)} |")
    previews = [row for row in rows if "preview" in row]
    if previews:
        out += ["", "### Live preview (`mkdocs serve --dirty`)", "", "| N | save to served s | next save at once s |", "|---:|---:|---:|"]
        for row in previews:
            out.append(f"| {row['count']:,} | {_n(row['preview']['save_to_served_s'], 2)} | {_n(row['preview']['next_save_to_served_s'], 2)} |")
    return "\n".join(out)


# --- pmsite tickets sync ------------------------------------------------------------------------

TICKET_INCIDENT = """\
id: INC-{n:05d}
title: Synthetic incident {n}
status: published
severity: 3
summary: Synthetic.
started_at: 2024-03-15T14:37:00Z
detected_at: 2024-03-15T14:38:45Z
resolved_at: 2024-03-15T14:50:00Z
detection: automated-alert
services: [svc-{service}]
authors: [Platform team]
published_on: 2024-03-18
impact:
  description: Synthetic.
timeline:
  - at: 2024-03-15T14:37:00Z
    event: Started
root_causes:
  - description: Synthetic.
    category: code-defect
action_items:
{actions}"""
TICKET_ACTION = """\
  - description: Action {a}
    owner: Platform team
    priority: medium
    due: 2024-04-15
    status: open
    ticket: {url}
"""


def ticket_sync(count: int, kind: str, per_incident: int = 4) -> dict[str, Any]:
    """``pmsite tickets sync`` for ``count`` tickets against a local stand-in of the tracker (the tests'
    own, tests/trackers/fakes.py), run as an author or CI runs it: the CLI in a child process.

    Each synthetic published incident has ``per_incident`` actions, each naming its own ticket; a quarter
    of the tickets are closed. Reported: wall time of the whole command, of loading the post-mortems
    alone (``pmsite tickets plan``, which reads them the same way and sends nothing), the requests the
    stand-in answered, and the state file's size. A second sync (nothing changed) must leave the file's
    bytes as they were.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from trackers.fakes import FakeGitHub, FakeGitLab, FakeJira

    work = WORK / f"tickets-{kind}-{count}"
    shutil.rmtree(work, ignore_errors=True)
    incidents = work / "content" / "incidents"
    incidents.mkdir(parents=True)
    token = "benchmark-token"
    if kind == "jira":
        server: Any = FakeJira("bench@example.com", token, ("REL",)).start()
        env = {"JIRA_EMAIL": "bench@example.com", "JIRA_API_TOKEN": token}
        web, project = "https://tracker.example.com", "REL"
    elif kind == "github":
        server = FakeGitHub(token).start()
        server.add_repo("acme/platform")
        env, web, project = {"GITHUB_TOKEN": token}, "https://github.com", "acme/platform"
    else:
        server = FakeGitLab(token, ("acme/platform",)).start()
        env, web, project = {"GITLAB_TOKEN": token}, "https://gitlab.example.com", "acme/platform"
    try:
        urls = []
        for i in range(count):
            closed = i % 4 == 0
            if kind == "jira":
                key = server.add("REL", f"Action {i}", status="Done" if closed else "To Do",
                                 resolution="Done" if closed else None, resolved="2024-04-02T10:00:00.000+0000" if closed else None)
                urls.append(f"{web}/browse/{key}")
            elif kind == "github":
                issue = server.make_issue(project, f"Action {i}", None, ["post-mortem"], "closed" if closed else "open",
                                          "completed" if closed else None, "2024-04-02T10:00:00Z" if closed else None)
                urls.append(issue["html_url"])
            else:
                iid = server.add(project, f"Action {i}", state="closed" if closed else "opened",
                                 closed_at="2024-04-02T10:00:00Z" if closed else None)
                urls.append(f"{web}/{project}/-/issues/{iid}")
        for n in range(0, count, per_incident):
            actions = "".join(TICKET_ACTION.format(a=a, url=url) for a, url in enumerate(urls[n : n + per_incident]))
            (incidents / f"inc-{n // per_incident:05d}.yaml").write_text(
                TICKET_INCIDENT.format(n=n // per_incident, service=n % 7, actions=actions), encoding="utf-8")
        tracker = {"kind": kind, "url": server.url, "project": project, "web": web}
        (work / "mkdocs.yml").write_text(json.dumps({
            "site_name": "tickets benchmark", "docs_dir": "content",
            "plugins": [{"pmsite": {"reference_date": "2024-04-01", "tracker": tracker}}]}), encoding="utf-8")
        full_env = {**os.environ, **env, "NO_MKDOCS_2_WARNING": "1"}
        pmsite = str(Path(sys.executable).parent / "pmsite")
        load = checked([pmsite, "tickets", "plan", "--format", "json"], work, "tickets plan")
        server.seen.clear()
        saved = dict(os.environ)
        os.environ.update(env)  # timed() passes this process's environment on
        try:
            first = timed([pmsite, "tickets", "sync"], work)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        if not first.ok:
            raise Failed(f"tickets sync failed: {first.log[-500:]}")
        requests = len(server.seen)
        state = (work / "tickets.json").read_bytes()
        again = subprocess.run([pmsite, "tickets", "sync"], cwd=work, env=full_env, capture_output=True, text=True)
        if again.returncode != 0 or (work / "tickets.json").read_bytes() != state or "unchanged" not in again.stdout:
            raise Failed("a second sync of an unchanged tracker changed the state file")
        entries = len(json.loads(state)["tickets"])
        if entries != count:
            raise Failed(f"the state file holds {entries} tickets, expected {count}")
        return {"kind": kind, "tickets": count, "sync_s": first.wall, "sync_cpu_s": first.cpu, "load_s": load.wall,
                "load_cpu_s": load.cpu, "requests": requests, "state_kb": len(state) / 1024, "summary": first.log.strip()}
    finally:
        server.stop()


def state_file_cost(count: int, runs: int) -> dict[str, Any]:
    """What reading a tracker's state file costs a full build: the demo corpus of ``count`` incidents built
    as it is, and built with a tracker and a state file holding every ticket its actions name (the demo
    corpus names a Jira ticket in each), ``runs`` times each, alternating; medians of wall time."""
    import re

    corpus, pm, _ = prepare(count)
    tracked = WORK / f"tracked-{count}"
    shutil.rmtree(tracked, ignore_errors=True)
    (tracked / "content").mkdir(parents=True)
    (tracked / "content" / "incidents").symlink_to(corpus.resolve(), target_is_directory=True)
    shutil.copyfile(pm / "content" / "index.md", tracked / "content" / "index.md")
    tracker = "      tracker: {kind: jira, url: 'https://tracker.example.com', project: REL}\n"
    (tracked / "mkdocs.yml").write_text((pm / "mkdocs.yml").read_text() + tracker)
    urls = sorted({m.decode() for path in corpus.rglob("*.yaml")
                   for m in re.findall(rb"https://tracker\.example\.com/browse/REL-[0-9]+", path.read_bytes())})
    states = ("open", "in-progress", "done", "wont-do")
    tickets = {url: {"state": states[i % 4], "tracker_state": ["To Do", "In Progress", "Done", "Done / Won't Do"][i % 4],
                     "closed_on": "2026-05-01" if i % 4 >= 2 else None, "title": f"Ticket {i}", "read_on": "2026-06-30",
                     "problem": None} for i, url in enumerate(urls)}
    state = {"format": 1, "tracker": {"kind": "jira", "url": "https://tracker.example.com", "project": "REL",
                                      "web": "https://tracker.example.com"}, "tickets": tickets}
    (tracked / "tickets.json").write_text(json.dumps(state, sort_keys=True, indent=2) + "\n")
    walls: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(runs):
        for name, site in (("without", pm), ("with", tracked)):
            walls[name].append(checked([str(BIN / "mkdocs"), "build", "--clean", "-q"], site, f"build {name} a state file").wall)
    without, with_ = median(walls["without"]), median(walls["with"])
    return {"count": count, "tickets": len(tickets), "state_kb": (tracked / "tickets.json").stat().st_size / 1024,
            "without_s": without, "with_s": with_, "cost_pct": 100 * (with_ - without) / without}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--builder-runs", type=int, default=1, help="builds with zensical and properdocs per N (0: none)")
    parser.add_argument("--smoke", action="store_true", help="CI: N = 60, one run of every measurement; fails loudly")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--no-extras", action="store_true", help="skip the browser and mkdocs serve measurements")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="another checkout of pmsite (a folder holding its pmsite package): also build with it, report the growth")
    parser.add_argument("--tickets", type=int, metavar="N",
                        help="only `pmsite tickets sync` of N tickets against a local stand-in of the tracker (README: 38,000)")
    parser.add_argument("--tracker", choices=["jira", "github", "gitlab"], nargs="+", default=["jira"],
                        help="with --tickets: the trackers to measure (default: jira)")
    parser.add_argument("--state-file", type=int, metavar="N",
                        help="only the cost of a tracker's state file (every action's ticket) to a full build of N incidents")
    args = parser.parse_args()
    if args.state_file is not None:
        WORK.mkdir(exist_ok=True)
        r = state_file_cost(args.state_file, args.runs)
        print("| incidents | tickets in the state file | state file KB | build without: s | with: s | cost |")
        print("|---:|---:|---:|---:|---:|---:|")
        print(f"| {r['count']:,} | {r['tickets']:,} | {r['state_kb']:,.0f} | {r['without_s']:.1f} | {r['with_s']:.1f} | {r['cost_pct']:+.1f} % |")
        return 0
    if args.tickets is not None:
        if args.tickets < 1:
            parser.error("--tickets must be at least 1")
        WORK.mkdir(exist_ok=True)
        print("| tracker | tickets | sync: wall s (CPU s) | loading the post-mortems alone: wall s (CPU s) | requests | state file KB |")
        print("|---|---:|---:|---:|---:|---:|")
        for kind in args.tracker:
            r = ticket_sync(args.tickets, kind)
            print(f"| {kind} | {r['tickets']:,} | {r['sync_s']:.1f} ({r['sync_cpu_s']:.1f}) | {r['load_s']:.1f} ({r['load_cpu_s']:.1f}) "
                  f"| {r['requests']:,} | {r['state_kb']:,.0f} |")
        return 0
    if args.smoke:
        counts, runs, builder_runs, extras = [60], 1, 1, True
    else:
        counts, runs, builder_runs, extras = args.counts, args.runs, args.builder_runs, not args.no_extras
    if args.baseline and not (args.baseline / "pmsite" / "__init__.py").is_file():
        parser.error(f"--baseline {args.baseline}: expected a folder holding a pmsite package (pmsite/__init__.py)")
    if runs < 1 or builder_runs < 0 or any(n < 2 for n in counts):
        parser.error("--runs must be at least 1, --builder-runs at least 0 and every count at least 2")
    WORK.mkdir(exist_ok=True)
    rows: list[dict[str, Any]] = []
    try:
        for n in counts:
            rows.append({"count": n})
            bench(rows[-1], runs, builder_runs, extras, args.baseline)
    except (Failed, subprocess.CalledProcessError) as exc:
        taken = [row for row in rows if len(row) > 1]
        if taken:
            print(tables(taken))
            if args.json:
                args.json.write_text(json.dumps(taken, indent=2) + "\n")
        raise SystemExit(f"benchmark failed: {exc}") from None
    print(tables(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
