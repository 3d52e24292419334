"""Local stand-ins for GitHub, Jira Cloud and GitLab, answering as their published API documentation
says (the subset pmsite uses), holding state, and failing on request: rate limits, 5xx, slowness.

Documentation followed:
- GitHub REST (docs.github.com/rest/issues/issues; the OpenAPI description in npm @octokit/openapi):
  create, get, update and list repository issues; ``Link`` pagination; 301, 404, 410; secondary
  rate limits answered 403 or 429 with ``retry-after`` or ``x-ratelimit-remaining: 0``.
- Jira Cloud REST v3 (developer.atlassian.com/cloud/jira/platform/rest/v3): create issue with an ADF
  description; ``/rest/api/3/search/jql`` (GET and POST) with ``nextPageToken``; a key that does not
  exist fails the JQL query with 400; search is eventually consistent; 429 with ``Retry-After``.
- GitLab REST v4 (docs.gitlab.com/api/issues): project by URL-encoded path; ``iids[]``; ``Link`` and
  ``x-next-page`` pagination; ``labels`` as a comma-separated string; ``moved_to_id``.
Only 127.0.0.1 is ever listened on.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

NOW = "2024-04-01T09:00:00Z"


@dataclass
class Fault:
    """A scripted answer for the next request that matches: sent instead of handling it (``after``
    False), or after handling it (``after`` True: the server changed its state, then failed)."""

    method: str
    path: str  # a regular expression searched in the path
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    after: bool = False
    delay: float = 0.0  # seconds before answering (after handling when ``after``)
    times: int = 1
    reached: threading.Event = field(default_factory=threading.Event)  # set when the request arrives


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


class FakeServer:
    """A threaded HTTP server on 127.0.0.1 that dispatches to :meth:`handle`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.seen: list[Seen] = []
        self.faults: list[Fault] = []
        self.bad_auth = 0
        self.public_base = ""  # where links point (a proxy in front); default: this server
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stall per answer)

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                owner._serve(self)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any  # noqa: N815 (http.server's names)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def base(self) -> str:
        return self.public_base or self.url

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fault(self, *args: Any, **kwargs: Any) -> Fault:
        found = Fault(*args, **kwargs)
        with self.lock:
            self.faults.append(found)
        return found

    def requests(self, method: str | None = None, path: str = "") -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if (method is None or s.method == method) and re.search(path, s.path)]

    def authorised(self, headers: dict[str, str]) -> bool:
        raise NotImplementedError

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, dict[str, str], Any]:
        raise NotImplementedError

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in h.headers.items()}
        query = parse_qs(parts.query, keep_blank_values=True)
        method = h.command
        with self.lock:
            self.seen.append(Seen(method, parts.path, query, headers, body))
            fault = next((f for f in self.faults if f.times > 0 and f.method == method and re.search(f.path, parts.path)), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            fault.reached.set()
        if not self.authorised(headers):
            self.bad_auth += 1
            self._send(h, 401, {}, {"message": "Bad credentials"})
            return
        if fault is not None and not fault.after:
            time.sleep(fault.delay)
            self._send(h, fault.status, fault.headers, fault.body)
            return
        with self.lock:
            status, out_headers, out = self.handle(method, parts.path, query, body)
        if fault is not None:
            time.sleep(fault.delay)
            self._send(h, fault.status, fault.headers, fault.body)
            return
        self._send(h, status, out_headers, out)

    def _send(self, h: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: Any) -> None:
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        try:
            h.send_response(status)
            if data:
                h.send_header("Content-Type", "application/json; charset=utf-8")
            for k, v in headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _page(items: list[Any], query: dict[str, list[str]], default: int, cap: int = 100) -> tuple[list[Any], int, int, int]:
    per_page = max(1, min(cap, int((query.get("per_page") or [default])[0])))
    page = max(1, int((query.get("page") or [1])[0]))
    last = max(1, -(-len(items) // per_page))
    return items[(page - 1) * per_page : page * per_page], page, per_page, last


def _link(base: str, path: str, query: dict[str, list[str]], page: int, last: int) -> str:
    def url(n: int) -> str:
        q = [(k, v) for k, vs in query.items() if k != "page" for v in vs] + [("page", str(n))]
        return f"{base}{path}?{urlencode(q)}"

    rels = []
    if page < last:
        rels += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
    if page > 1:
        rels += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
    return ", ".join(rels)


# --- GitHub ------------------------------------------------------------------------------------


class FakeGitHub(FakeServer):
    """GitHub Issues for a few repositories; issue objects hold every field the description requires."""

    def __init__(self, token: str, sample: Callable[[str], dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.token = token
        self.sample = sample  # the schema sampler: a full repository object (GET /repos/{owner}/{repo})
        self.repos: dict[str, dict[int, dict[str, Any]]] = {}
        self.numbers: dict[str, int] = {}
        self.moved: dict[str, str] = {}  # "owner/repo#n" -> new API URL (301)
        self.deleted: set[str] = set()  # "owner/repo#n" (410)
        self.push_access = True
        self.pull_requests: set[str] = set()
        self._listings: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}  # dropped on every change

    def authorised(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") == f"Bearer {self.token}"

    def reset(self) -> None:
        with self.lock:
            self.repos.clear()
            self.numbers.clear()
            self.moved.clear()
            self.deleted.clear()
            self.faults.clear()
            self.seen.clear()
            self.push_access = True
            self._listings.clear()

    def add_repo(self, name: str) -> None:
        self.repos.setdefault(name.lower(), {})
        self.numbers.setdefault(name.lower(), 0)

    def issue(self, repo: str, number: int) -> dict[str, Any]:
        return self.repos[repo.lower()][number]

    def make_issue(self, repo: str, title: str, body: str | None = None, labels: list[str] = (), state: str = "open",  # type: ignore[assignment]
                   state_reason: str | None = None, closed_at: str | None = None) -> dict[str, Any]:
        key = repo.lower()
        self.numbers[key] += 1
        n = self.numbers[key]
        api = f"{self.base}/repos/{repo}/issues/{n}"
        issue = {
            "id": 1000 + n, "node_id": f"I_{n}", "url": api, "repository_url": f"{self.base}/repos/{repo}",
            "labels_url": api + "/labels{/name}", "comments_url": api + "/comments", "events_url": api + "/events",
            "html_url": f"https://github.com/{repo}/issues/{n}", "number": n, "state": state, "state_reason": state_reason,
            "title": title, "body": body, "user": self.user(), "labels": [self.label(x) for x in labels],
            "assignee": None, "assignees": [], "milestone": None, "locked": False, "comments": 0,
            "closed_at": closed_at, "created_at": NOW, "updated_at": NOW, "author_association": "MEMBER",
        }
        self.repos[key][n] = issue
        self._listings.clear()
        return issue

    def user(self) -> dict[str, Any]:
        u = "https://api.github.com/users/pmsite-bot"
        return {"login": "pmsite-bot", "id": 1, "node_id": "U_1", "avatar_url": "https://avatars.example.com/u/1",
                "gravatar_id": "", "url": u, "html_url": "https://github.com/pmsite-bot", "followers_url": u + "/followers",
                "following_url": u + "/following{/other_user}", "gists_url": u + "/gists{/gist_id}",
                "starred_url": u + "/starred{/owner}{/repo}", "subscriptions_url": u + "/subscriptions",
                "organizations_url": u + "/orgs", "repos_url": u + "/repos", "events_url": u + "/events{/privacy}",
                "received_events_url": u + "/received_events", "type": "Bot", "site_admin": False}

    def label(self, name: str) -> dict[str, Any]:
        return {"id": abs(hash(name)) % 10**9, "node_id": "L", "url": f"https://api.github.com/labels/{quote(name)}",
                "name": name, "description": None, "color": "ededed", "default": False}

    def close(self, repo: str, number: int, reason: str = "completed", when: str = "2024-04-02T10:00:00Z") -> None:
        issue = self.issue(repo, number)
        issue.update(state="closed", state_reason=reason, closed_at=when)
        self._listings.clear()

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, dict[str, str], Any]:
        docs = {"documentation_url": "https://docs.github.com/rest/issues/issues"}
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/issues(?:/(\d+))?)?", path)
        if m is None:
            return 404, {}, {"message": "Not Found", **docs}
        repo = f"{m.group(1)}/{m.group(2)}"
        key = repo.lower()
        if key not in self.repos:
            return 404, {}, {"message": "Not Found", **docs}
        if m.group(3) is None:
            if method != "GET":
                return 404, {}, {"message": "Not Found", **docs}
            repository = dict(self.sample("full-repository")) if self.sample else {}
            repository.update(name=m.group(2), full_name=repo, permissions={
                "admin": False, "maintain": False, "push": self.push_access, "triage": self.push_access, "pull": True})
            return 200, {}, repository
        if m.group(4) is None:
            if method == "POST":
                return self._create(repo, body)
            if method == "GET":
                return self._list(repo, path, query)
            return 404, {}, {"message": "Not Found", **docs}
        number = int(m.group(4))
        ref = f"{key}#{number}"
        if ref in self.moved:
            return 301, {"Location": self.moved[ref]}, {"message": "Moved Permanently", "url": self.moved[ref], **docs}
        if ref in self.deleted:
            return 410, {}, {"message": "This issue was deleted", **docs}
        issue = self.repos[key].get(number)
        if issue is None or ref in self.pull_requests:
            return 404, {}, {"message": "Not Found", **docs}
        if method == "GET":
            return 200, {}, issue
        if method == "PATCH" and isinstance(body, dict):
            self._listings.clear()
            if body.get("state") == "closed":
                issue.update(state="closed", state_reason=body.get("state_reason") or "completed", closed_at=NOW)
            elif body.get("state") == "open":
                issue.update(state="open", state_reason="reopened", closed_at=None)
            if "labels" in body:
                issue["labels"] = [self.label(x if isinstance(x, str) else x["name"]) for x in body["labels"]]
            return 200, {}, issue
        return 404, {}, {"message": "Not Found", **docs}

    def _create(self, repo: str, body: Any) -> tuple[int, dict[str, str], Any]:
        if not isinstance(body, dict) or not isinstance(body.get("title"), (str, int)) or body.get("title") == "":
            return 422, {}, {"message": "Validation Failed", "errors": [{"resource": "Issue", "code": "missing_field", "field": "title"}],
                             "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue", "status": "422"}
        labels = [x if isinstance(x, str) else x.get("name", "") for x in body.get("labels") or []]
        issue = self.make_issue(repo, str(body["title"]), body.get("body"), labels if self.push_access else [])
        if self.push_access:
            issue["assignees"] = [dict(self.user(), login=a) for a in body.get("assignees") or []]
        return 201, {"Location": issue["url"]}, issue

    def _list(self, repo: str, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        state = (query.get("state") or ["open"])[0]
        labels = (query.get("labels") or [""])[0]
        direction = (query.get("direction") or ["desc"])[0]
        key = (repo.lower(), state, labels, direction)
        if key not in self._listings:
            wanted = [x.lower() for x in labels.split(",") if x]
            issues = []
            repo_issues = self.repos[repo.lower()]
            for n in sorted(repo_issues, reverse=direction == "desc"):
                issue = repo_issues[n]
                names = {label["name"].lower() for label in issue["labels"]}
                if (state == "all" or issue["state"] == state) and all(w in names for w in wanted):
                    issues.append(issue)
            self._listings[key] = issues
        items, page, _, last = _page(self._listings[key], query, 30)
        link = _link(self.base, path, query, page, last)
        return 200, ({"Link": link} if link else {}), items


# --- Jira -------------------------------------------------------------------------------------


class FakeJira(FakeServer):
    """Jira Cloud: projects with issues; search answers ``key in (...)`` and ``project = AND labels =``."""

    STATUSES = {"To Do": "new", "In Progress": "indeterminate", "Done": "done"}

    def __init__(self, email: str, token: str, projects: tuple[str, ...] = ("OPS",), *, lag: int = 0) -> None:
        super().__init__()
        self.auth = "Basic " + base64.b64encode(f"{email}:{token}".encode()).decode()
        self.issues: dict[str, dict[str, Any]] = {}
        self.counters = {p: 0 for p in projects}
        self.renamed: dict[str, str] = {}  # old key -> new key (issue moved to another project)
        self.gone: dict[str, int] = {}  # key -> 301 or 410 (404 for any unknown key)
        self.lag = lag  # searches a new issue stays invisible to
        self.hidden: dict[str, int] = {}
        self.priorities = ("Highest", "High", "Medium", "Low", "Lowest")
        self.page_size = 100

    def authorised(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") == self.auth

    def add(self, project: str, summary: str, *, status: str = "To Do", resolution: str | None = None,
            resolved: str | None = None, labels: list[str] = (), description: Any = None) -> str:  # type: ignore[assignment]
        self.counters[project] += 1
        key = f"{project}-{self.counters[project]}"
        self.issues[key] = {"id": str(10000 + len(self.issues)), "key": key, "self": f"{self.base}/rest/api/3/issue/{key}",
                            "fields": {"summary": summary, "labels": list(labels), "description": description,
                                       "resolution": None, "resolutiondate": None, "duedate": None, "priority": None}}
        self.set_status(key, status, resolution, resolved)
        return key

    def set_status(self, key: str, status: str, resolution: str | None = None, resolved: str | None = None) -> None:
        fields = self.issues[key]["fields"]
        category = self.STATUSES[status]
        fields["status"] = {"name": status, "statusCategory": {"key": category, "name": status}}
        fields["resolution"] = {"name": resolution} if resolution else None
        fields["resolutiondate"] = resolved

    def _error(self, status: int, *messages: str, **errors: str) -> tuple[int, dict[str, str], Any]:
        return status, {}, {"errorMessages": list(messages), "errors": errors}

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, dict[str, str], Any]:
        if path == "/rest/api/3/issue" and method == "POST":
            return self._create(body)
        if path == "/rest/api/3/search/jql":
            if method == "POST" and isinstance(body, dict):
                return self._search(body.get("jql"), body.get("fields"), body.get("maxResults"), body.get("nextPageToken"))
            if method == "GET":
                fields = (query.get("fields") or [""])[0].split(",")
                return self._search((query.get("jql") or [None])[0], fields, int((query.get("maxResults") or [50])[0]),
                                    (query.get("nextPageToken") or [None])[0])
        m = re.fullmatch(r"/rest/api/3/issue/([A-Z][A-Z0-9_]*-\d+)", path)
        if m and method == "GET":
            key = m.group(1)
            if key in self.gone:
                status = self.gone[key]
                return status, ({"Location": f"{self.base}/rest/api/3/issue/{key}"} if status == 301 else {}), None
            key = self.renamed.get(key, key)
            if key not in self.issues:
                return self._error(404, "Issue does not exist or you do not have permission to see it.")
            return 200, {}, self.issues[key]
        return self._error(404, "Not found")

    def _create(self, body: Any) -> tuple[int, dict[str, str], Any]:
        fields = body.get("fields") if isinstance(body, dict) else None
        if not isinstance(fields, dict):
            return self._error(400, "Request body must contain fields")
        errors: dict[str, str] = {}
        project = (fields.get("project") or {}).get("key")
        if project not in self.counters:
            errors["project"] = "valid project is required"
        if not isinstance(fields.get("summary"), str) or not fields["summary"].strip() or len(fields["summary"]) > 255:
            errors["summary"] = "You must specify a summary of the issue."
        if (fields.get("issuetype") or {}).get("name") not in ("Task", "Bug", "Story"):
            errors["issuetype"] = "Specify an issue type"
        adf_problem = _adf_problem(fields.get("description"))
        if adf_problem:
            errors["description"] = f"Operation value must be an Atlassian Document (see the Atlassian Document Format): {adf_problem}"
        labels = fields.get("labels", [])
        if not isinstance(labels, list) or any(not isinstance(x, str) or " " in x for x in labels):
            errors["labels"] = "The label must not contain spaces."
        due = fields.get("duedate")
        if due is not None and not (isinstance(due, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", due)):
            errors["duedate"] = "Error parsing date string: " + str(due)
        if "priority" in fields and (fields["priority"] or {}).get("name") not in self.priorities:
            errors["priority"] = "Specify the Priority (name) in the string format"
        unknown = set(fields) - {"project", "summary", "issuetype", "description", "labels", "duedate", "priority", "assignee"}
        for name in unknown:
            errors[name] = f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."
        if errors:
            return self._error(400, **errors)
        key = self.add(project, fields["summary"], labels=labels, description=fields.get("description"))
        self.issues[key]["fields"].update(duedate=due, priority=fields.get("priority"))
        self.hidden[key] = self.lag
        issue = self.issues[key]
        return 201, {}, {"id": issue["id"], "key": key, "self": issue["self"]}

    def _search(self, jql: Any, fields: Any, max_results: Any, token: Any) -> tuple[int, dict[str, str], Any]:
        if not isinstance(jql, str):
            return self._error(400, "The JQL query is required.")
        keys_clause = re.fullmatch(r"key in \(([^)]*)\)", jql.strip())
        label_clause = re.fullmatch(r'project = "([A-Z0-9_]+)" AND labels = "([^"]+)" ORDER BY created ASC', jql.strip())
        if keys_clause:
            keys = [k.strip() for k in keys_clause.group(1).split(",") if k.strip()]
            missing = [k for k in keys if self.renamed.get(k, k) not in self.issues or k in self.gone]
            if missing:
                return self._error(400, *[f"An issue with key '{k}' does not exist for field 'key'." for k in missing])
            wanted = sorted({self.renamed.get(k, k) for k in keys}, key=lambda k: (k.split("-")[0], int(k.split("-")[1])))
            found = [self.issues[k] for k in wanted]
        elif label_clause:
            project, label = label_clause.groups()
            found = [i for k, i in self.issues.items() if k.startswith(project + "-") and label in i["fields"]["labels"]]
        else:
            return self._error(400, f"Error in the JQL Query: unsupported by this stand-in: {jql}")
        visible = []
        for issue in found:
            left = self.hidden.get(issue["key"], 0)
            if left > 0:
                self.hidden[issue["key"]] = left - 1  # eventually consistent: not indexed yet
                continue
            visible.append(issue)
        size = max(1, min(self.page_size, int(max_results or 50)))
        start = int(token) if isinstance(token, str) and token.isdigit() else 0
        chunk = visible[start : start + size]
        names = fields if isinstance(fields, list) else []
        issues = [{"id": i["id"], "key": i["key"], "self": i["self"],
                   "fields": {k: v for k, v in i["fields"].items() if k in names}} for i in chunk]
        out: dict[str, Any] = {"issues": issues, "isLast": start + size >= len(visible)}
        if start + size < len(visible):
            out["nextPageToken"] = str(start + size)
        return 200, {}, out


def _adf_problem(doc: Any) -> str | None:
    """Why ``doc`` is not an ADF document as pmsite writes them (doc > paragraph > text [link mark])."""
    if doc is None:
        return None
    if not isinstance(doc, dict) or doc.get("type") != "doc" or doc.get("version") != 1 or not isinstance(doc.get("content"), list):
        return "expected {type: doc, version: 1, content: [...]}"
    for block in doc["content"]:
        if not isinstance(block, dict) or block.get("type") != "paragraph" or not isinstance(block.get("content", []), list):
            return "expected paragraph blocks"
        for node in block.get("content", []):
            if not isinstance(node, dict) or node.get("type") != "text" or not isinstance(node.get("text"), str) or not node["text"]:
                return "expected non-empty text nodes"
            for mark in node.get("marks", []):
                if mark.get("type") != "link" or not isinstance((mark.get("attrs") or {}).get("href"), str):
                    return "expected link marks with attrs.href"
    return None


# --- GitLab ------------------------------------------------------------------------------------


class FakeGitLab(FakeServer):
    """GitLab issues of projects addressed by id or URL-encoded path."""

    def __init__(self, token: str, projects: tuple[str, ...] = ("acme/platform",)) -> None:
        super().__init__()
        self.token = token
        self.projects = {p: {} for p in projects}  # type: dict[str, dict[int, dict[str, Any]]]
        self.gone: dict[str, int] = {}  # "path#iid" -> 301 or 410
        self.guest = False  # a guest's labels are ignored
        self.max_per_page = 100  # GitLab's own cap; lower it to see pages followed

    def authorised(self, headers: dict[str, str]) -> bool:
        return headers.get("private-token") == self.token

    def add(self, project: str, title: str, *, state: str = "opened", labels: list[str] = (),  # type: ignore[assignment]
            closed_at: str | None = None, description: str | None = None, moved_to_id: int | None = None) -> int:
        issues = self.projects[project]
        iid = len(issues) + 1
        issues[iid] = {"id": 5000 + iid, "iid": iid, "project_id": 7, "title": title, "description": description,
                       "state": state, "labels": list(labels), "closed_at": closed_at, "created_at": NOW, "updated_at": NOW,
                       "due_date": None, "moved_to_id": moved_to_id, "web_url": f"https://gitlab.example.com/{project}/-/issues/{iid}",
                       "author": {"id": 1, "username": "pmsite-bot", "name": "pmsite bot"}, "assignees": []}
        return iid

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, dict[str, str], Any]:
        m = re.fullmatch(r"/api/v4/projects/([^/]+)/issues(?:/(\d+))?", path)
        if m is None:
            return 404, {}, {"error": "404 Not Found"}
        if "/" in m.group(1):
            return 404, {}, {"error": "404 Not Found"}  # a path must come URL-encoded as one segment
        project = unquote(m.group(1))
        if project not in self.projects:
            return 404, {}, {"message": "404 Project Not Found"}
        issues = self.projects[project]
        if m.group(2) is not None:
            iid = int(m.group(2))
            status = self.gone.get(f"{project}#{iid}")
            if status:
                return status, ({"Location": "https://gitlab.example.com/elsewhere"} if status == 301 else {}), None
            if method != "GET" or iid not in issues:
                return 404, {}, {"message": "404 Not found"}
            return 200, {}, issues[iid]
        if method == "POST":
            if not isinstance(body, dict) or not isinstance(body.get("title"), str) or not body["title"].strip():
                return 400, {}, {"error": "title is missing"}
            labels = body.get("labels", "")
            if not isinstance(labels, str):
                return 400, {}, {"error": "labels is invalid"}
            due = body.get("due_date")
            if due is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(due)):
                return 400, {}, {"error": "due_date is invalid"}
            names = [x.strip() for x in labels.split(",") if x.strip()]
            iid = self.add(project, body["title"], labels=[] if self.guest else names, description=body.get("description"))
            issues[iid]["due_date"] = due
            return 201, {}, issues[iid]
        if method != "GET":
            return 405, {}, {"error": "405 Method Not Allowed"}
        state = (query.get("state") or ["all"])[0]
        wanted = [x for x in (query.get("labels") or [""])[0].split(",") if x]
        iids = {int(x) for x in query.get("iids[]", [])}
        numbers = sorted(iids & issues.keys()) if iids else sorted(issues)
        found = [issues[n] for n in numbers if (state == "all" or issues[n]["state"] == state)
                 and f"{project}#{n}" not in self.gone
                 and all(w in issues[n]["labels"] for w in wanted)]
        items, page, per_page, last = _page(found, query, 20, self.max_per_page)
        headers = {"X-Page": str(page), "X-Per-Page": str(per_page), "X-Total": str(len(found)),
                   "X-Next-Page": str(page + 1) if page < last else ""}
        link = _link(self.base, path, query, page, last)
        if link:
            headers["Link"] = link
        return 200, headers, items


def today() -> str:
    return dt.date.today().isoformat()
