"""Jinja2 templates that a site can override, block by block.

Templates run with autoescape on, and author text is only ever a template
*value*, never template source, so ``{{ 7*7 }}`` stays literal.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

from pmsite.site.formatting import format_number, format_timestamp, human_duration, offset_label
from pmsite.text import is_http_url, slugify

PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates"  # pmsite/templates: package data beside the code



class Templates:
    """Jinja2 templates: the site's overrides first, then the package's own.

    An override may extend the packaged original as ``default/<name>`` and
    replace only the blocks it needs.
    """

    def __init__(self, override_dirs: Iterable[Path] = ()) -> None:
        dirs = [str(d) for d in override_dirs if Path(d).is_dir()]
        packaged = jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [
                    jinja2.FileSystemLoader(dirs),
                    packaged,
                    jinja2.PrefixLoader({"default": packaged}),
                ]
            ),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        self.env.filters.update(
            duration=human_duration,
            offset=offset_label,
            timestamp=format_timestamp,
            number=format_number,
            slug=slugify,
            isodate=lambda d: d.isoformat() if d else "—",
        )
        self.env.tests["http_url"] = is_http_url

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)
