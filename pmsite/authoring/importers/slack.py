"""Slack: one channel of a workspace export (the unpacked folder, or the .zip Slack delivers).

An export holds ``channels.json`` (``groups.json`` for private channels), ``users.json``
and a folder per channel with one file of messages per day (``YYYY-MM-DD.json``). Each
message with text becomes an event at its ``ts`` (seconds since 1970, written in UTC);
joins, leaves and other channel housekeeping are left out. Kinds come from the wording.

Every user of ``users.json`` (names, display names, e-mail, phone), the profile Slack copies
into each message and the author of a shared message is a person: a mention
(``<@U024BE7LH>``) becomes their role from the ``actors`` mapping or "a responder", and every
spelling of them is masked in the draft.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pmsite.authoring.importers.errors import DraftError, DraftUsage
from pmsite.authoring.importers.mapping import Mapping
from pmsite.authoring.importers.masking import ANONYMOUS, EMAIL_REMOVED
from pmsite.authoring.importers.people import Person, person
from pmsite.authoring.importers.record import Event, Record, Request
from pmsite.authoring.importers.slack_export import MAX_MESSAGES, SlackExport
from pmsite.authoring.importers.times import from_epoch
from pmsite.authoring.importers.untrusted import clean, dig, shown
from pmsite.text import is_http_url

TOOL = "Slack"
BOT = "Chat integration"  # actor for a bot or an app's message, unless mapped
SKIPPED_SUBTYPES = frozenset({
    "channel_join", "channel_leave", "group_join", "group_leave", "channel_archive", "channel_unarchive",
    "group_archive", "group_unarchive", "channel_name", "group_name", "pinned_item", "unpinned_item",
    "bot_add", "bot_remove", "reminder_add", "message_deleted", "message_changed", "tombstone",
    "channel_convert_to_private", "channel_convert_to_public", "sh_room_created", "huddle_thread",
})
_MARKUP = re.compile(r"<([^<>\n]*)>")
_PROFILE = ("real_name", "display_name", "real_name_normalized", "display_name_normalized", "first_name", "last_name",
            "email", "phone", "skype")


def _person(user: dict[str, Any]) -> Person:
    found = user.get("profile")
    profile: dict[str, Any] = found if isinstance(found, dict) else {}
    return person([user.get("name"), user.get("real_name"), *(profile.get(k) for k in _PROFILE)], [user.get("id")])


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
            return EMAIL_REMOVED
        if is_http_url(target):
            return f"{label} ({target})" if label and label != target else target
        return label or target

    text = _MARKUP.sub(one, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def read(request: Request, mapping: Mapping) -> Record:
    if len(request.inputs) != 1:
        raise DraftUsage("--from slack takes one export (a folder or a .zip file) and --channel NAME")
    if not request.channel:
        raise DraftUsage("--from slack needs --channel NAME: the incident's channel in the export")
    export = SlackExport(request.inputs[0])
    try:
        return _read(export, request.channel, mapping)
    finally:
        export.close()


def _channel(export: SlackExport, wanted: str) -> dict[str, Any]:
    name = wanted.strip().lstrip("#")
    channels = [c for c in (*export.listing("channels.json", required=True), *export.listing("groups.json", required=False))
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


def _read(export: SlackExport, wanted: str, mapping: Mapping) -> Record:
    channel = _channel(export, wanted)
    folder = channel["name"]
    name = clean(folder, one_line=True, limit=80)
    days = export.days(folder)
    if not days:
        raise DraftError(f"{export.name(folder)}: no messages of #{name} in the export; a draft needs at "
                         "least one (the export covers the dates chosen when it was made)")
    export.check_size(name, days)
    users = {u["id"]: (_person(u), _is_bot(u)) for u in export.listing("users.json", required=False)
             if isinstance(u, dict) and isinstance(u.get("id"), str)}  # only what is needed: the list can go
    people = dict.fromkeys(one for one, bot in users.values() if not bot)
    reading = _Messages(users, mapping, people)
    count = 0
    for day in days:
        items = export.read(day)
        if not isinstance(items, list):
            raise DraftError(f"{export.name(day)}: expected a list of messages, got {shown(items)}")
        count += len(items)
        if count > MAX_MESSAGES:
            raise DraftError(f"{export.name(folder)}: #{name} has more than {MAX_MESSAGES:,} messages in the export; "
                             f"expected at most {MAX_MESSAGES:,}: export only the days of the incident")
        for i, message in enumerate(items):
            if not isinstance(message, dict):
                raise DraftError(f"{export.name(day)}: [{i}]: expected a message object, got {shown(message)}")
            reading.add(message, f"{export.name(day)}: [{i}]")
    if not reading.events:
        raise DraftError(f"{export.name(folder)}: no message with text in #{name}; a draft needs at least one")
    return Record(tool=TOOL, reference=f"channel #{name}", name_hint=f"slack {name}", events=reading.events,
                  people=list(people), service_label="Slack")


class _Messages:
    """Messages into events, one at a time; the people they name are added to ``people`` as they come."""

    def __init__(self, users: dict[str, tuple[Person, bool]], mapping: Mapping, people: dict[Person, None]) -> None:
        self.users, self.mapping, self.people = users, mapping, people
        self.events: list[Event] = []

    def role(self, user_id: str) -> str | None:
        known = self.users.get(user_id)
        return self.mapping.actor(*(known[0].keys if known else (user_id,)))

    def add(self, message: dict[str, Any], where: str) -> None:
        subtype = message.get("subtype")
        if message.get("type", "message") != "message" or subtype in SKIPPED_SUBTYPES or message.get("hidden"):
            return
        sender = message.get("user")
        user_id = sender if isinstance(sender, str) else ""
        known = self.users.get(user_id)
        bot = bool(message.get("bot_id") or subtype == "bot_message" or user_id == "USLACKBOT" or (known and known[1]))
        profile = message.get("user_profile")
        if isinstance(profile, dict) and not bot:  # Slack copies the sender's profile into each message
            self.people[_person({"id": user_id, "profile": profile, "name": profile.get("name")})] = None
        if not bot and isinstance(message.get("user_name"), str):
            self.people[person([message["user_name"]])] = None
        attachments = [a for a in message.get("attachments") or [] if isinstance(a, dict)]
        for shared in attachments:  # a message shared or unfurled here: its author is a person
            if shared.get("is_msg_unfurl") or shared.get("is_share") or str(shared.get("author_id", "")).startswith("U"):
                self.people[person([shared.get("author_name"), shared.get("author_subname")])] = None
        found = message.get("text")
        raw = found if isinstance(found, str) else ""
        if not raw.strip():
            raw = "\n".join(a for a in (dig(att, "fallback") or dig(att, "text") for att in attachments)
                            if isinstance(a, str))
        text = clean(_plain(raw, lambda uid: self.role(uid) or ANONYMOUS))
        if not text and message.get("files"):
            text = "A file was shared in the channel"
        if not text:
            return
        at = from_epoch(message.get("ts"), f"{where}.ts")
        if bot:
            keys = (message.get("username"), dig(message, "bot_profile", "name"), message.get("bot_id"),
                    *(known[0].keys if known else ()))
            actor = self.mapping.actor(*keys, default=self.mapping.actor(BOT, default=BOT))
        else:
            actor = self.role(user_id) if user_id else None
        self.events.append(Event(at, text, self.mapping.kind_of(text), actor))
