"""Property-based tests: valid documents always render completely; mutations only ever give located errors."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmsite.analysis.checklist import checks
from pmsite.analysis.knowledge_base import build_knowledge_base
from pmsite.reading.documents import load_file
from pmsite.reading.yaml_source import YamlProblem, parse_yaml
from pmsite.settings import Settings
from pmsite.site.builder import SiteBuilder
from pmsite.site.markdown import MarkdownRenderer
from pmsite.site.templates import Templates

from conftest import dump, valid_doc
from values import expected_texts, normalise

SETTINGS = Settings(reference_date=dt.date(2024, 7, 1))
TEMPLATES = Templates()  # compiled once: the property test renders many documents
MARKDOWN = MarkdownRenderer(["tables", "attr_list", "admonition"])
# Prose without Markdown syntax, so its visible text must equal what was written.
PROSE = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs"), whitelist_characters=".,;?()%/'\"-"), min_size=1, max_size=60).filter(lambda s: s.strip() and not s.strip().startswith("-") and "--" not in s)
# Plain fields are shown exactly as written, whatever the characters a name may hold: letters and
# symbols of any script and spaces inside (control and format characters, and blank fillers at
# either end, are refused at validation: see test_hostile_text.py).
FILLERS = "\u115f\u1160\u3164\uffa0\u2800"
PLAIN = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp", "Zs"), include_characters=" "), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s and s[0] not in FILLERS and s[-1] not in FILLERS)


def render_incident(doc: dict[str, Any], tmp: Path) -> str:
    path = tmp / "doc.yaml"
    path.write_text(dump(doc), encoding="utf-8")
    loaded = load_file(path, SETTINGS)
    assert loaded.problems == [], [p.format() for p in loaded.problems]
    assert loaded.document is not None
    kb = build_knowledge_base([(loaded.document, "incidents/doc.yaml")], SETTINGS)
    builder = SiteBuilder(kb, TEMPLATES, MARKDOWN, checklist=lambda inc: checks(inc.doc, SETTINGS))
    page = next(src for src, spec in builder.specs.items() if spec.kind == "incident")
    return builder.render(page).html


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=PLAIN.filter(lambda s: "\n" not in s),
    summary=PROSE,
    actor=PLAIN,
    evidence=PLAIN.filter(lambda s: ":" not in s),
    why=PLAIN,
    owner=PLAIN,
    criteria=PLAIN,
    service=PLAIN,
    tag=PLAIN,
    slo=PLAIN,
    pct=st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False).map(lambda f: round(f, 2))),
    users=st.integers(0, 10**9),
    offset=st.integers(0, 86400 * 3),
)
def test_generated_valid_documents_render_every_value(tmp_path_factory, title, summary, actor, evidence, why, owner, criteria, service, tag, slo, pct, users, offset) -> None:  # type: ignore[no-untyped-def]
    doc = valid_doc(title=title, summary=summary, services=[service], tags=[tag], checklist_ignore=["PM112"])
    doc["impact"].update(users_affected_pct=pct, users_affected=users, slo_violations=[slo])
    start = dt.datetime(2024, 3, 15, 14, 37, tzinfo=dt.UTC)
    doc["timeline"][1].update(actor=actor, evidence=[evidence], at=(start + dt.timedelta(seconds=offset % 60)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    doc["root_causes"][0]["five_whys"][0] = why
    doc["action_items"][0].update(owner=owner, success_criteria=criteria)
    html = render_incident(doc, tmp_path_factory.mktemp("p"))
    text = normalise(BeautifulSoup(html, "lxml").get_text(" "))
    missing = [(path, want) for path, want in expected_texts(yaml.safe_load(dump(doc))) if want not in text]
    assert missing == []


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(allow_nan=True), st.text(max_size=20),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.dates().map(str), st.just("2024-02-30"), st.just("2024-03-15T14:37:00"), st.just("javascript:alert(1)"),
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, prefix + (i,))
    return out


BASE = valid_doc()
ALL_PATHS = paths(BASE)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(ALL_PATHS), st.sampled_from(["replace", "delete", "extra"]), VALUES), min_size=1, max_size=4))
def test_mutated_documents_only_give_located_errors(tmp_path_factory, mutations) -> None:  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(BASE)
    for path, action, value in mutations:
        parent: Any = doc
        try:
            for part in path[:-1]:
                parent = parent[part]
            key = path[-1]
            if action == "replace":
                parent[key] = value
            elif action == "delete":
                del parent[key]
            elif isinstance(parent, dict):
                parent[f"x_{key}"] = value
        except (KeyError, IndexError, TypeError):
            continue
    path = tmp_path_factory.mktemp("m") / "m.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    loaded = load_file(path, SETTINGS, display="m.yaml")  # must not raise
    lines = len(path.read_text().splitlines())
    for problem in loaded.problems:
        assert 1 <= problem.line <= max(lines, 1) and problem.column >= 1 and problem.message
    assert (loaded.document is None) == bool(loaded.problems)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.integers(0, 2000))
def test_corrupted_bytes_never_raise_anything_but_a_yaml_problem(junk: bytes, at: int) -> None:
    text = dump(BASE).encode("utf-8")
    at = at % (len(text) + 1)
    try:
        parse_yaml(text[:at] + junk + text[at:])
    except YamlProblem as problem:
        assert problem.line >= 1 and problem.column >= 1 and problem.message
