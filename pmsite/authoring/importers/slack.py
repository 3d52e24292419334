"""Slack: one channel of a workspace export (the unpacked folder, or the .zip Slack delivers).

An export holds ``channels.json`` (``groups.json`` for private channels), ``users.json``
and a folder per channel with one file of messages per day (``YYYY-MM-DD.json``). Each
message with text becomes an event at its ``ts`` (seconds since 1970, written in UTC);
joins, leaves and other channel housekeeping are left out. Kinds come from the wording.

Every user of ``users.json``, and the profile Slack copies into each message, is a
person: a mention (``<@U024BE7LH>``) becomes their role from the ``actors`` mapping or
"a responder", and their names, handles and addresses are replaced in texts.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from pmsite.authoring.importers.common import (
    ANONYMOUS,
    MAX_INPUT_BYTES,
    DraftError,
    DraftUsage,
    Event,
    Mapping,
    Person,
    Record,
    Redactor,
    Request,
    clean,
    dig,
    from_epoch,
    is_web_url,
    load_json,
    shown,
)

TOOL = "Slack"
BOT = "Chat integration"  # actor for a bot or an app's message, unless mapped
SKIPPED_SUBTYPES = frozenset({
    "channel_join", "channel_leave", "group_join", "group_leave", "channel_archive", "channel_unarchive",
    "group_archive", "group_unarchive", "channel_name", "group_name", "pinned_item", "unpinned_item",
    "bot_add", "bot_remove", "reminder_add", "message_deleted", "message_changed", "tombstone",
    "channel_convert_to_private", "channel_convert_to_public", "sh_room_created", "huddle_thread",
})
_DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.json")
_MARKUP = re.compile(r"<([^<>\n]*)>")
_PERSON_FIELDS = ("real_name", "display_name", "real_name_normalized", "display_name_normalized",
                  "first_name", "last_name", "email")


class _Export:
    """Reads files of an export from its folder or its zip file, bounded in size."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if not root.exists():
            raise DraftUsage(f"no such folder: {root}")
        if root.is_dir():
            return
        try:
            self.zip = zipfile.ZipFile(root)
        except (zipfile.BadZipFile, OSError):
            raise DraftUsage(f"{root}: expected a Slack export: its folder or its .zip file") from None
        tops = [n for n in self.zip.namelist() if PurePosixPath(n).name == "channels.json"]
        if tops:
            self.prefix = str(PurePosixPath(min(tops, key=len)).parent).removeprefix(".")
            self.prefix = f"{self.prefix}/" if self.prefix else ""

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def name(self, member: str) -> str:
        return f"{self.root}/{member}" if self.zip is None else f"{self.root}:{self.prefix}{member}"

    def read(self, member: str) -> Any:
        """The JSON in a member, or None when the export does not have it."""
        try:
            if self.zip is None:
                path = self.root / member
                if not path.is_file():
                    return None
                if path.stat().st_size > MAX_INPUT_BYTES:
                    raise DraftError(f"{self.name(member)}: expected at most {MAX_INPUT_BYTES:,} bytes")
                data = path.read_bytes()
            else:
                try:
                    info = self.zip.getinfo(self.prefix + member)
                except KeyError:
                    return None
                if info.file_size > MAX_INPUT_BYTES:
                    raise DraftError(f"{self.name(member)}: expected at most {MAX_INPUT_BYTES:,} bytes")
                data = self.zip.read(info)
        except (OSError, zipfile.BadZipFile) as exc:
            raise DraftError(f"{self.name(member)}: cannot read it: {exc}") from None
        return load_json(data, self.name(member))

    def days(self, folder: str) -> list[str]:
        if self.zip is None:
            path = self.root / folder
            names = [p.name for p in path.iterdir() if p.is_file()] if path.is_dir() else []
        else:
            start = f"{self.prefix}{folder}/"
            names = [n[len(start):] for n in self.zip.namelist() if n.startswith(start)]
        return sorted(f"{folder}/{n}" for n in names if _DAY_FILE.fullmatch(n))


def _list(export: _Export, member: str, required: bool) -> list[Any]:
    data = export.read(member)
    if data is None:
        if required:
            raise DraftError(f"{export.name(member)}: not found; expected a Slack workspace export")
        return []
    if not isinstance(data, list):
        raise DraftError(f"{export.name(member)}: expected a list, got {shown(data)}")
    return data


def _channel(export: _Export, wanted: str) -> dict[str, Any]:
    name = wanted.strip().lstrip("#")
    channels = [c for c in (*_list(export, "channels.json", True), *_list(export, "groups.json", False))
                if isinstance(c, dict)]
    for channel in channels:
        if name and name in (channel.get("name"), channel.get("id")) and isinstance(channel.get("name"), str):
            if not re.fullmatch(r"[^/\\\x00]+", channel["name"]) or channel["name"] in (".", ".."):
                raise DraftError(f"{export.name('channels.json')}: expected a channel name without slashes, "
                                 f"got {shown(channel['name'])}")
            return channel
    names = sorted(clean(c.get("name"), one_line=True, limit=40) for c in channels if isinstance(c.get("name"), str))
    listed = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
    raise DraftUsage(f"{export.root}: no channel {shown(name)} in the export; its channels: {listed or 'none'}")


def _person(user: dict[str, Any]) -> Person:
    found = user.get("profile")
    profile: dict[str, Any] = found if isinstance(found, dict) else {}
    values = [user.get("id"), user.get("name"), user.get("real_name"), *(profile.get(k) for k in _PERSON_FIELDS)]
    strings = tuple(v for v in values if isinstance(v, str) and v.strip())
    return Person(strings, strings[1:] if strings and strings[0] == user.get("id") else strings)


def _is_bot(user: dict[str, Any] | None) -> bool:
    return bool(user and (user.get("is_bot") is True or user.get("id") == "USLACKBOT"))


def _plain(text: str, mention: Callable[[str], str]) -> str:
    """Slack's markup as plain text: a mention becomes a role, never the name in its label."""

    def one(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            return mention(target[1:])
        if target.startswith("#"):
            return f"#{label}" if label else "#channel"
        if target.startswith("!"):
            word = target[1:]
            if word in ("here", "channel", "everyone"):
                return f"@{word}"
            return label or ""
        if target.startswith("mailto:"):
            return "[e-mail address removed]"
        if is_web_url(target):
            return f"{label} ({target})" if label and label != target else target
        return label or target

    text = _MARKUP.sub(one, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def read(request: Request, mapping: Mapping) -> Record:
    if len(request.inputs) != 1:
        raise DraftUsage("--from slack takes one export (a folder or a .zip file) and --channel NAME")
    if not request.channel:
        raise DraftUsage("--from slack needs --channel NAME: the incident's channel in the export")
    export = _Export(request.inputs[0])
    try:
        return _read(export, request.channel, mapping)
    finally:
        export.close()


def _read(export: _Export, wanted: str, mapping: Mapping) -> Record:
    channel = _channel(export, wanted)
    name = clean(channel["name"], one_line=True, limit=80)
    users = {u["id"]: u for u in _list(export, "users.json", False) if isinstance(u, dict) and isinstance(u.get("id"), str)}
    days = export.days(channel["name"])
    if not days:
        raise DraftError(f"{export.name(channel['name'])}: no messages of #{name} in the export; a draft needs at "
                         "least one (the export covers the dates chosen when it was made)")
    messages: list[tuple[dict[str, Any], str]] = []
    for day in days:
        items = export.read(day)
        if not isinstance(items, list):
            raise DraftError(f"{export.name(day)}: expected a list of messages, got {shown(items)}")
        for i, message in enumerate(items):
            if not isinstance(message, dict):
                raise DraftError(f"{export.name(day)}: [{i}]: expected a message object, got {shown(message)}")
            messages.append((message, f"{export.name(day)}: [{i}]"))

    people = [_person(u) for u in users.values() if not _is_bot(u)]
    for message, _ in messages:  # Slack copies the sender's profile into each message
        profile = message.get("user_profile")
        if isinstance(profile, dict) and not _is_bot(users.get(message.get("user") or "")):
            people.append(_person({"id": message.get("user"), "profile": profile, "name": profile.get("name")}))
    redactor = Redactor(people, mapping)

    def role(user_id: str) -> str | None:
        user = users.get(user_id)
        person = _person(user) if user else Person((user_id,), ())
        return mapping.actor(*person.keys)

    events: list[Event] = []
    for message, where in messages:
        subtype = message.get("subtype")
        if message.get("type", "message") != "message" or subtype in SKIPPED_SUBTYPES or message.get("hidden"):
            continue
        found = message.get("text")
        raw = found if isinstance(found, str) else ""
        if not raw.strip():
            raw = "\n".join(a for a in (dig(att, "fallback") or dig(att, "text") for att in message.get("attachments") or [])
                            if isinstance(a, str))
        text = redactor.text(_plain(raw, lambda uid: role(uid) or ANONYMOUS))
        if not text and message.get("files"):
            text = "A file was shared in the channel"
        if not text:
            continue
        at = from_epoch(message.get("ts"), f"{where}.ts")
        user_id = message.get("user") if isinstance(message.get("user"), str) else ""
        user = users.get(user_id)
        if message.get("bot_id") or subtype == "bot_message" or _is_bot(user):
            keys = (message.get("username"), dig(message, "bot_profile", "name"), message.get("bot_id"),
                    *(_person(user).keys if user else ()))
            actor = mapping.actor(*keys, default=mapping.actor(BOT, default=BOT))
        else:
            actor = role(user_id) if user_id else None
        events.append(Event(at, text, mapping.kind_of(text), actor))
    if not events:
        raise DraftError(f"{export.name(channel['name'])}: no message with text in #{name}; a draft needs at least one")
    return Record(
        tool=TOOL,
        reference=f"channel #{name}",
        name_hint=f"slack {name}",
        events=events,
        redactor=redactor,
        service_label="Slack",
    )
