"""What validation lets through, Python-Markdown renders in work that grows with the text, on every release.

Absolute time bounds fail on a busy machine and pass a quadratic renderer on a fast one, so these
tests count the Python lines a render runs (tests/work.py) and compare a paragraph with one twice
as long, both at the caps (scripts/markdown-limits.md measures every construct and version). The
installed Python-Markdown is tested in this process; 3.11.4, the release that re-reads a paragraph
once per link, in a child process from the wheel ./scripts/test puts beside the virtual environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmsite.format import markdown_shape as caps
from pmsite.format.markdown_shape import markdown_shape
from pmsite.site.markdown import MarkdownRenderer

from conftest import TESTS
from work import growth

EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list"]  # MkDocs' own, then the sample site's
FILL = "and the queue kept growing while the workers waited "
REGRESSED = Path(sys.executable).parent.parent / "markdown-3.11.4"  # ./scripts/test installs it there


def at_caps(kind: str, length: int) -> str:
    """One paragraph of ``length`` characters holding as many of one construct as the caps allow."""
    links = "[a](b) " * caps.MAX_BRACKETS
    head = {
        "links": links,
        "open bracket, then links": "[a " + "[a](b) " * (caps.MAX_BRACKETS - 1),
        "emphasis": "*a " * (caps.MAX_STARS // 2) + "b" + " c*" * (caps.MAX_STARS // 2),
        "underscores": "__x " * (caps.MAX_UNDERSCORES // 8) + "_a_ " * (caps.MAX_UNDERSCORES // 4),
        "backticks": "``a " + "```b``` " * ((caps.MAX_BACKTICK_RUNS - 1) // 2),
        "start tags": "<b " * caps.MAX_START_TAGS,
        "all at once": "[a " + "[a](b) " * (caps.MAX_BRACKETS - 1) + "__x _a_ " * 2 + "<b " * caps.MAX_START_TAGS
                       + "*a " * 50 + "b" + " c*" * 50,
    }[kind]
    text = head + " " + FILL * (length // len(FILL) + 1)
    return text[:length]


KINDS = ["links", "open bracket, then links", "emphasis", "underscores", "backticks", "start tags", "all at once"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_worst_paragraph_the_caps_allow_is_accepted(kind: str) -> None:
    assert markdown_shape(at_caps(kind, caps.MAX_BRACKETS * 400)) is None


@pytest.mark.parametrize("kind", KINDS)
def test_rendering_the_worst_paragraph_grows_with_its_length(kind: str) -> None:
    def render(length: int) -> Callable[[], object]:
        kept: dict[str, str] = {}
        renderer = MarkdownRenderer(EXTENSIONS, {"toc": {"permalink": True}}, cache=kept)
        text = at_caps(kind, length)

        def once() -> object:
            kept.clear()  # every call converts: nothing kept from the last
            return renderer.block(text)

        return once

    assert growth(render, 4_000) < 2.5  # twice the length, twice the work; a quadratic paragraph would be 4


CHILD = """
import json, sys
sys.path.insert(0, {tests!r})
import markdown
from work import growth
from pmsite.site.markdown import sanitise
def make(text_of):
    def render(n):
        md = markdown.Markdown(extensions={extensions!r})
        text = text_of(n)
        return lambda: sanitise(md.reset().convert(text))
    return render
links = lambda n: ("[a](b) " * n)[: 7 * n]
capped = lambda n: ("[a](b) " * {cap} + " " + {fill!r} * (n // 10))[: 70 * n]
print(json.dumps({{"version": markdown.__version__, "uncapped": growth(make(links), 150), "capped": growth(make(capped), 150)}}))
"""


def test_the_release_that_re_reads_paragraphs_stays_linear_within_the_caps() -> None:
    """Python-Markdown 3.11.4 re-reads a paragraph once per link: 2,856 links took 19 s. Within the caps a
    paragraph holds 50, and doubling its length doubles the work; without them, twice the links is four times."""
    assert (REGRESSED / "markdown" / "__init__.py").is_file(), f"{REGRESSED} is missing: run ./scripts/test to install it"
    code = CHILD.format(tests=str(TESTS), extensions=EXTENSIONS, cap=caps.MAX_BRACKETS, fill=FILL)
    env = dict(os.environ, PYTHONPATH=str(REGRESSED))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert found["version"] == "3.11.4"
    assert found["uncapped"] > 3.5, found  # the regression is there: quadratic in the number of links
    assert found["capped"] < 2.5, found  # and the caps keep it linear


TOKENS = ["*", "**", "_", "__", "[", "]", "](", "(", ")", "`", "``", "```", "<b>", "</b>", "<i ", "<", ">", "\\", "a",
          "word ", " ", "\n", "\n\n", "- ", "1. ", "> ", "# ", "|", "---", "&amp;", "{: .x}", "!["]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=1500).map("".join))
def test_whatever_validation_accepts_renders_without_an_error(text: str) -> None:
    """Validation and the build agree: any field the caps accept renders, built from every inline construct."""
    if markdown_shape(text) is None:
        MarkdownRenderer(EXTENSIONS, {"toc": {"permalink": True}}).block(text)


@pytest.mark.parametrize("depth", [100, 990])
def test_deep_emphasis_is_refused_before_it_can_recurse(depth: int) -> None:
    """990 levels raise RecursionError in Python-Markdown 3.11; 100 render (the caps allow about 108)."""
    text = "*a " * depth + "b" + " c*" * depth
    if depth * 2 <= caps.MAX_STARS:
        assert markdown_shape(text) is None
        MarkdownRenderer(EXTENSIONS).block(text)
    else:
        assert markdown_shape(text) is not None
        with pytest.raises(RecursionError):
            MarkdownRenderer(EXTENSIONS, {"toc": {"permalink": True}}).block(text)


def test_a_renderer_that_still_recurses_stops_the_build_with_the_page_s_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a renderer still reach the recursion limit (a site's own extension, a thread with a small stack),
    the build stops with one line naming the post-mortem, never a traceback."""
    from pmsite.site import render as pages

    from conftest import build_in_process, valid_doc, write_site

    real = pages.PageRenderer.render

    def deep(self: pages.PageRenderer, spec: object, *, edit_url: str | None = None) -> object:
        if getattr(spec, "kind", "") == "incident":
            raise RecursionError("maximum recursion depth exceeded")
        return real(self, spec, edit_url=edit_url)  # type: ignore[arg-type]

    monkeypatch.setattr(pages.PageRenderer, "render", deep)
    root = write_site(tmp_path / "kb", {"a.yaml": valid_doc()})
    build = build_in_process(root)
    assert not build.ok and "Traceback" not in build.log
    assert ("pmsite: incidents/a.yaml: the page could not be rendered: its Markdown nests deeper than "
            "Python-Markdown can follow; shorten the nesting of emphasis, links or lists") in build.log
