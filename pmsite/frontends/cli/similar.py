"""Similar past incidents for the post-mortems a pull request adds or changes (``pmsite validate FILE``).

Each file named on the command line is compared with every published incident of the knowledge
base by the site's related order (:func:`pmsite.analysis.related.similar_to`: shared root-cause
categories, then services, then tags and wording). What the comparison reads of each file (its
:class:`~pmsite.analysis.related.Profile`) is kept in ``.cache/pmsite/similar.json`` beside
``mkdocs.yml``, by file, with the file's size, times and digest: a later run reads again only the
files that changed, so a pull request's check stays under a second at 10,000 incidents. Any
``pmsite validate`` refreshes the entries of the files it read; a missing or unusable cache is
rebuilt (it holds nothing that is not in the files).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from pmsite import __version__
from pmsite.analysis.actions import Action, TrackedState, open_actions
from pmsite.analysis.incidents import Incident, make_incident
from pmsite.analysis.related import Match, Profile, reason_words, similar_to
from pmsite.analysis.similarity import TERM_VERSION, terms_and_words, words_of
from pmsite.format.document import Document
from pmsite.frontends.siteconfig import SiteConfig
from pmsite.reading.documents import Loaded, load_file
from pmsite.reading.files import discover, read_source
from pmsite.reading.yaml_source import YamlProblem
from pmsite.settings import Settings
from pmsite.site.plan import incident_source
from pmsite.site.urls import page_url
from pmsite.text import is_http_url, plain_text
from pmsite.text import markdown_cell as cell

CACHE_PATH = Path(".cache") / "pmsite" / "similar.json"  # beside mkdocs.yml
CACHE_FORMAT = 1
CACHE_LIMIT = 256 * 1024 * 1024  # bytes read of the cache at most (about 6.5 MB at 10,000 incidents)
ACTIONS_SHOWN = 5  # open action items listed per similar incident; the rest are counted


# --- what is kept of each file -------------------------------------------------------------------


class Entry(NamedTuple):
    """One file of the incidents folder as the comparison reads it; ``profile`` None for a file with errors."""

    stamp: tuple[int, ...]  # link and file times, size and inodes: unchanged, the file is taken as read
    digest: str  # of the bytes (as the loader digests them): an unchanged file with new times is known
    status: str
    profile: Profile | None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"stamp": list(self.stamp), "digest": self.digest}
        p = self.profile
        if p is None:
            return {**out, "invalid": True}
        return {**out, "id": p.id, "status": self.status, "started": p.timestamp, "categories": sorted(p.categories),
                "services": sorted(p.services), "tags": sorted(p.tags), "terms": dict(sorted(p.terms.items()))}


def _stamp(path: str) -> tuple[int, ...] | None:
    try:
        link, st = os.lstat(path), os.stat(path)  # a link re-pointed at another file is a change too
    except OSError:
        return None
    return (link.st_mtime_ns, link.st_ino, st.st_mtime_ns, st.st_size, st.st_ino)


def _strings(value: Any) -> list[str] | None:
    return value if isinstance(value, list) and set(map(type, value)) <= {str} else None


def _entry(raw: Any) -> Entry | None:
    """An entry read back from the cache, or None when it is not one pmsite wrote (it is then read again)."""
    if not isinstance(raw, dict):
        return None
    stamp, digest = raw.get("stamp"), raw.get("digest")
    if not (isinstance(stamp, list) and set(map(type, stamp)) <= {int} and isinstance(digest, str)):
        return None
    if raw.get("invalid") is True:
        return Entry(tuple(stamp), digest, "", None)
    ident, status, started, terms = raw.get("id"), raw.get("status"), raw.get("started"), raw.get("terms")
    cats, svcs, tags = _strings(raw.get("categories")), _strings(raw.get("services")), _strings(raw.get("tags"))
    if not (isinstance(ident, str) and isinstance(status, str) and isinstance(started, (int, float)) and isinstance(terms, dict)
            and cats is not None and svcs is not None and tags is not None
            and set(map(type, terms.values())) <= {int} and min(terms.values(), default=1) > 0):  # keys: JSON's are strings
        return None
    return Entry(tuple(stamp), digest, status, Profile(ident, frozenset(cats), frozenset(svcs), frozenset(tags), float(started), terms))


def _settings_key(settings: Settings) -> str:
    """What a file's validity and profile depend on: every setting but the reference date."""
    return hashlib.blake2b(repr(dataclasses.replace(settings, reference_date=None)).encode(), digest_size=16).hexdigest()


class ProfileCache:
    """The profiles of every file of the incidents folder, kept between runs in :data:`CACHE_PATH`."""

    def __init__(self, config: SiteConfig) -> None:
        self.path = config.base / CACHE_PATH
        self.folder = config.incidents_path
        self.settings = config.settings
        self.header = {"format": CACHE_FORMAT, "pmsite": __version__, "terms": TERM_VERSION, "settings": _settings_key(self.settings)}
        self.entries: dict[str, Entry] = {}
        self.read_again = 0  # files parsed because the cache did not know them as they are
        self.changed = True  # the cache file differs from the entries: save() writes it
        if self._linked():
            return
        try:
            raw = json.loads(read_source(self.path, CACHE_LIMIT, self.path.parent))
        except (OSError, ValueError, YamlProblem):  # missing, too large, not a regular file, not JSON
            return
        if isinstance(raw, dict) and raw.get("header") == self.header and isinstance(raw.get("files"), dict):
            for name, value in raw["files"].items():
                entry = _entry(value)
                if isinstance(name, str) and entry is not None:
                    self.entries[name] = entry

    def refresh(self, loaded: Iterable[Loaded], paths: Iterable[Path] | None = None) -> dict[str, Entry]:
        """Every file of the folder now: from ``loaded`` (files this run read), else the cache when the
        file is unchanged, else read now. ``paths``: the files of the folder, when the caller listed them.
        Files gone from the folder leave the cache."""
        fresh = {os.path.abspath(item.path): item for item in loaded}
        folder = os.path.abspath(self.folder)
        prefix = folder.rstrip(os.sep) + os.sep
        if paths is None:
            paths = discover(self.folder) if self.folder.is_dir() else []
        now: dict[str, Entry] = {}
        for path in paths:
            full = os.path.abspath(path)
            if not full.startswith(prefix):
                continue
            name = full[len(prefix):].replace(os.sep, "/")
            stamp = _stamp(full)
            if stamp is None:
                continue
            item = fresh.get(full)
            if item is not None:
                now[name] = self._of(stamp, item)
                continue
            kept = self.entries.get(name)
            if kept is not None and kept.stamp == stamp:
                now[name] = kept
                continue
            try:
                digest = hashlib.blake2b(read_source(Path(full), self.settings.max_file_bytes, self.folder), digest_size=16).hexdigest()
            except (OSError, YamlProblem):
                digest = ""
            if kept is not None and digest and kept.digest == digest:
                now[name] = kept._replace(stamp=stamp)
                continue
            self.read_again += 1
            now[name] = self._of(stamp, load_file(Path(full), self.settings, root=self.folder))
        self.changed = now != self.entries
        self.entries = now
        return now

    def _linked(self) -> bool:
        """Whether the cache's folders or file are symbolic links: a checkout may hold any (a pull request
        could point ``.cache`` anywhere), so such a cache is neither read nor written."""
        here = self.path
        return any(p.is_symlink() for p in (here, here.parent, here.parent.parent))

    def _of(self, stamp: tuple[int, ...], item: Loaded) -> Entry:
        doc = item.document
        if doc is None:
            return Entry(stamp, item.digest, "", None)
        return Entry(stamp, item.digest, doc.status, Profile.of(doc))

    def save(self) -> None:
        """Write the cache (atomically) when it changed; a folder that cannot be written leaves it unwritten."""
        if not self.changed:
            return
        payload = {"header": self.header, "files": {name: e.as_json() for name, e in sorted(self.entries.items())}}
        text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._linked():
                return
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".similar-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="ascii") as f:
                    f.write(text)
                os.replace(temp, self.path)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(temp)


# --- the review -----------------------------------------------------------------------------------


@dataclass
class Similar:
    """One similar published incident as the review shows it."""

    match: Match
    incident: Incident  # its page's facts and action items, read from its file now
    url: str  # its page on the published site, or ""
    named: bool  # the reviewed file names it in ``related``
    open: list[Action]  # its open action items, in the review's order

    def as_dict(self) -> dict[str, Any]:
        doc = self.incident.doc
        return {
            "id": doc.id, "title": doc.title, "date": self.incident.date.isoformat(), "severity": doc.severity, "url": self.url,
            "similarity": round(self.match.similarity, 3), "categories": self.match.categories, "services": self.match.services,
            "tags": self.match.tags, "words": self.match.words, "reasons": self.match.reasons, "named_in_related": self.named,
            "open_action_items": [
                {"id": a.id, "status": a.item.status, "due": a.item.due.isoformat(), "overdue": a.overdue, "days_overdue": a.days_late,
                 "owner": a.item.owner, "description": plain_text(a.item.description, first_line=True)}
                for a in self.open
            ],
        }


@dataclass
class Review:
    """The similar published incidents of one file named on the command line."""

    file: str
    id: str
    line: int  # where an annotation goes: the ``related`` field, else the id
    similar: list[Similar]

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "id": self.id, "similar": [s.as_dict() for s in self.similar]}


def review(config: SiteConfig, loaded: Sequence[Loaded], asked: Iterable[Loaded], paths: Iterable[Path] | None = None,
           tickets: Mapping[str, TrackedState] | None = None) -> list[Review]:
    """The similar published incidents of each ``asked`` file that is valid (``loaded``: every file this
    run read, so the cache is refreshed from them; ``paths``: the files of the incidents folder, when
    known; ``tickets``: the tracker's states, which decide which actions are open); refreshes and saves
    the cache."""
    settings = config.settings
    cache = ProfileCache(config)
    entries = cache.refresh(loaded, paths)
    cache.save()
    where: dict[str, str] = {}  # id -> file; of two files with one id (an error), the first by name
    knowledge_base: list[Profile] = []
    for name, e in sorted(entries.items()):
        if e.profile is not None and (e.status == "published" or settings.publish_drafts) and e.profile.id not in where:
            where[e.profile.id] = name
            knowledge_base.append(e.profile)
    reviews = []
    for item in asked:
        doc = item.document
        if doc is None or settings.related_limit <= 0:
            continue
        terms, shown = terms_and_words(words_of(doc))
        target = Profile.of(doc, terms)
        # the knowledge base as this pull request would publish it: the reviewed file as it is now
        kb = [target if p.id == doc.id else p for p in knowledge_base]
        matches = similar_to(target, kb, settings.related_limit, shown, window=settings.related_limit + 1)  # the site's windows
        found = [s for s in (_shown(m, where.get(m.profile.id), doc, config, tickets) for m in matches) if s is not None]
        line = item.positions.of(("related",) if "related" in doc.model_fields_set else ("id",), key=True)[0]
        reviews.append(Review(item.display, doc.id, line, found))
    return reviews


def _shown(match: Match, name: str | None, doc: Document, config: SiteConfig, tickets: Mapping[str, TrackedState] | None) -> Similar | None:
    """A match with its facts and open actions, read from its file (None when it cannot be read now)."""
    if name is None:
        return None
    settings = config.settings
    item = load_file(config.incidents_path / name, settings, root=config.incidents_path)
    if item.document is None:
        return None
    inc = make_incident(item.document, name, settings, settings.today, tickets)
    url = ""
    if config.site_url:
        url = f"{config.site_url.rstrip('/')}/{page_url(incident_source(inc.slug), config.directory_urls)}"
        url = url if is_http_url(url) else ""
    return Similar(match, inc, url, inc.id in doc.related, open_actions(inc.actions, settings.priorities))


# --- what the review prints ---------------------------------------------------------------------------


def _why(s: Similar) -> list[str]:
    """What the two share: the site's reasons, the wording with its cosine similarity."""
    m = s.match
    reasons = reason_words(m.categories, m.services, m.tags)
    if m.words:
        reasons.append(f"similar wording ({m.similarity:.2f}): {', '.join(m.words)}")
    return reasons


def _action_line(a: Action) -> str:
    when = f"overdue by {a.days_late} day{'s' if a.days_late != 1 else ''} (due {a.item.due.isoformat()})" if a.overdue \
        else f"{a.item.status}, due {a.item.due.isoformat()}"
    return f"{a.id} {when}, {a.item.owner}: {plain_text(a.item.description, first_line=True)}"


def _heading(r: Review) -> str:
    return f"Similar published incidents for {r.file} ({r.id})"


def human(reviews: Sequence[Review], settings: Settings) -> list[str]:
    """The review as text for a terminal (author text made printable by the caller)."""
    out: list[str] = []
    for r in reviews:
        out += ["", _heading(r) + (":" if r.similar else ": none found (nothing shares a root-cause category, service or tag)")]
        for n, s in enumerate(r.similar, 1):
            doc = s.incident.doc
            out.append(f"  {n}. {doc.id} ({s.incident.date.isoformat()}, {settings.severity_label(doc.severity)}): {doc.title}")
            out.append(f"     why: {'; '.join(_why(s))}")
            out.append(f"     named in related: {'yes' if s.named else 'no'}")
            if s.open:
                out.append(f"     open action items: {len(s.open)}")
                out += [f"       {_action_line(a)}" for a in s.open[:ACTIONS_SHOWN]]
                if len(s.open) > ACTIONS_SHOWN:
                    out.append(f"       and {len(s.open) - ACTIONS_SHOWN} more")
            else:
                out.append("     open action items: none")
            if s.url:
                out.append(f"     {s.url}")
    return out


def github(r: Review) -> tuple[str, int, str, str]:
    """One notice per reviewed file: (file, line, title, message) for a ``::notice`` annotation."""
    lines = []
    for n, s in enumerate(r.similar, 1):
        doc = s.incident.doc
        lines.append(f"{n}. {doc.id} ({s.incident.date.isoformat()}): {doc.title}{'' if s.named else ' [not in related]'}")
        lines.append(f"   why: {'; '.join(_why(s))}")
        if s.open:
            lines.append(f"   open action items: {len(s.open)}: " + "; ".join(_action_line(a) for a in s.open[:ACTIONS_SHOWN])
                         + (f"; and {len(s.open) - ACTIONS_SHOWN} more" if len(s.open) > ACTIONS_SHOWN else ""))
        if s.url:
            lines.append(f"   {s.url}")
    return r.file, r.line, f"pmsite: {len(r.similar)} similar published incident{'s' if len(r.similar) != 1 else ''}", "\n".join(lines)


def markdown(reviews: Sequence[Review], settings: Settings) -> list[str]:
    """The review as Markdown for a job summary or a pull-request comment (every value escaped)."""
    out = ["", "### Similar past incidents", ""]
    if not reviews:
        return [*out, "No post-mortem named on the command line."]
    for r in reviews:
        out += [f"#### {cell(r.id)} ({cell(r.file)})", ""]
        if not r.similar:
            out += ["No published incident shares a root-cause category, a service or a tag with it.", ""]
            continue
        out += ["| | Incident | Why similar | In `related` | Open action items |", "|---:|---|---|---|---|"]
        for n, s in enumerate(r.similar, 1):
            doc = s.incident.doc
            name = f"[{cell(doc.id)}]({s.url})" if s.url else cell(doc.id)
            incident = f"{name} {cell(doc.title)}<br>{s.incident.date.isoformat()}, {cell(settings.severity_label(doc.severity))}"
            why = "<br>".join(cell(part) for part in _why(s))
            actions = "<br>".join(cell(_action_line(a)) for a in s.open[:ACTIONS_SHOWN]) or "none"
            if len(s.open) > ACTIONS_SHOWN:
                actions += f"<br>and {len(s.open) - ACTIONS_SHOWN} more"
            out.append(f"| {n} | {incident} | {why} | {'yes' if s.named else 'no'} | {actions} |")
        out.append("")
    return out
