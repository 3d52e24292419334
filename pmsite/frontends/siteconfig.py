"""The site's configuration as every front end without MkDocs' own loader reads it: one reader.

``pmsite validate``, ``actions``, ``new``, ``draft``, ``generate`` and ``build`` all call
:func:`read_site_config`. It reads ``mkdocs.yml`` (``INHERIT`` merged, nothing run), validates
the ``pmsite`` plugin entry with the plugin's own option classes (so both refuse a bad option
with the same message) and keeps what any of them needs: the engine's settings, the validated
options, the folders, the Markdown extensions, the navigation's titles and the edit-link rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from pmsite.errors import UsageError
from pmsite.frontends.mkdocs_yml import plugin_options, read_mkdocs_yml
from pmsite.settings import Settings

# MkDocs' own Markdown extensions, always on there: the engine renders author text with them too.
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")


@dataclass
class SiteConfig:
    """What the front ends need from mkdocs.yml: the engine's settings, the plugin's options and the folders."""

    settings: Settings
    options: dict[str, Any]  # the pmsite plugin's options, validated (defaults filled in)
    raw: dict[str, Any]  # mkdocs.yml as read, INHERIT merged ({} without a file)
    base: Path  # the folder of mkdocs.yml (the current folder without one)
    docs_dir: Path
    config_file: Path | None = None
    warnings: list[str] = field(default_factory=list)  # unknown options, as MkDocs warns of them

    @property
    def incidents_dir(self) -> str:
        return str(self.options["incidents_dir"]).strip("/")

    @property
    def incidents_path(self) -> Path:
        return self.docs_dir / self.incidents_dir

    @property
    def site_name(self) -> str:
        return str(self.raw.get("site_name") or "pmsite")

    @property
    def site_url(self) -> str:
        return str(self.raw.get("site_url") or "")

    @property
    def site_dir(self) -> Path:
        return self.base / str(self.raw.get("site_dir") or "site")

    @property
    def directory_urls(self) -> bool:
        return self.raw.get("use_directory_urls", True) is not False

    @property
    def checklist(self) -> bool:
        return self.options["checklist"] is not False

    @property
    def search(self) -> bool:
        return self.options["search"] is not False

    @property
    def publish_incident_files(self) -> list[str]:
        return list(self.options["publish_incident_files"] or [])

    @property
    def theme(self) -> dict[str, Any]:
        theme = self.raw.get("theme")
        return theme if isinstance(theme, dict) else {}

    @property
    def override_dirs(self) -> list[Path]:
        """The theme's ``custom_dir``, whose ``pmsite/`` templates win over pmsite's own."""
        custom = self.theme.get("custom_dir")
        return [self.base / str(custom)] if custom else []

    def markdown_extensions(self) -> tuple[list[str], dict[str, Any]]:
        """``markdown_extensions`` as names and configurations, MkDocs' built-ins first."""
        raw = self.raw.get("markdown_extensions")
        names = list(MKDOCS_BUILTIN_EXTENSIONS)
        configs: dict[str, Any] = {}
        entries = list(raw.items()) if isinstance(raw, dict) else [
            next(iter(e.items())) if isinstance(e, dict) and len(e) == 1 else (e, None) for e in raw or []
        ]
        for name, options in entries:
            if not isinstance(name, str):
                raise UsageError(f"markdown_extensions: expected extension names, got {name!r}")
            if name not in names:
                names.append(name)
            if isinstance(options, dict):
                configs[name] = options
        return names, configs

    def nav_titles(self) -> dict[str, str]:
        """``{"guide.md": "Author guide"}`` from the nav: the titles MkDocs gives these pages."""
        found: dict[str, str] = {}

        def walk(item: Any, title: str | None) -> None:
            if isinstance(item, str) and title is not None:
                found.setdefault(item.strip().lstrip("/"), title)
            elif isinstance(item, list):
                for child in item:
                    walk(child, None)
            elif isinstance(item, dict):
                for key, value in item.items():
                    walk(value, str(key))

        walk(self.raw.get("nav"), None)
        return found

    def edit_url(self, path: str) -> str | None:
        """The edit link of a file under docs_dir, composed as MkDocs composes ``page.edit_url``."""
        raw = self.raw
        repo_url = str(raw.get("repo_url") or "")
        template = raw.get("edit_uri_template")
        edit_uri = raw.get("edit_uri")
        if edit_uri is None and not template and repo_url:
            host = urlsplit(repo_url).netloc.lower()
            edit_uri = {"github.com": "edit/master/docs/", "gitlab.com": "edit/master/docs/"}.get(host)
            edit_uri = edit_uri or ("src/default/docs/" if host == "bitbucket.org" else None)
        if template:
            uri = str(template).format(path=path, path_noext=path.rsplit(".", 1)[0])
        elif edit_uri:
            uri = str(edit_uri).rstrip("/") + "/" + path
        else:
            return None
        if repo_url and not uri.startswith(("?", "#")) and not repo_url.endswith("/"):
            repo_url += "/"
        return urljoin(repo_url, uri)

    def require_file(self) -> Path:
        """The configuration file, for commands that build a site (they cannot run on defaults alone)."""
        if self.config_file is None:
            raise UsageError("no mkdocs.yml here: pass the site's configuration with -f")
        return self.config_file


def read_site_config(path: Path | None) -> SiteConfig:
    """The site's configuration from ``mkdocs.yml`` (its ``pmsite`` plugin entry), or the format's defaults.

    ``path`` is an explicit configuration file (a missing one is a usage error);
    without it, ``./mkdocs.yml`` is read when present. Without any, the
    defaults apply and the incidents live in ``content/incidents``.
    """
    if path is not None and not path.is_file():
        raise UsageError(f"no configuration file at {path}")
    candidate = path or Path("mkdocs.yml")
    try:
        found = candidate.is_file()
    except OSError as exc:
        raise UsageError(f"{candidate}: {exc}") from None
    if not found:
        settings, options, warnings = _validated_options({}, "the environment", None)
        return SiteConfig(settings, options, {}, Path.cwd(), Path.cwd() / "content", warnings=warnings)
    raw = read_mkdocs_yml(candidate)
    base = candidate.resolve().parent
    settings, options, warnings = _validated_options(plugin_options(raw.get("plugins")) or {}, str(candidate), candidate)
    return SiteConfig(settings, options, raw, base, base / str(raw.get("docs_dir") or "docs"), candidate, warnings)


def _validated_options(options: dict[str, Any], where: str, config_file: Path | None) -> tuple[Settings, dict[str, Any], list[str]]:
    """The plugin's options validated by the plugin's own configuration class, as ``mkdocs build`` does.

    An invalid option or environment override is a usage error naming it (no
    traceback); an unknown option is a warning, as MkDocs makes it.
    """
    from pmsite.frontends.mkdocs.config import validate_options  # MkDocs' option classes: only when reading options

    validated, errors, warnings = validate_options(options, str(config_file) if config_file else None)
    if errors:
        raise UsageError("\n".join(f"{where}: pmsite option {error}" for error in errors))
    values = dict(validated)
    try:
        settings = Settings.from_mapping(values)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{where}: pmsite options: {exc}") from None
    return settings, values, [f"{where}: pmsite option {warning}" for warning in warnings]
