"""The post-mortem format (version 1) as one pydantic model: the single source of truth.

Validation, the JSON Schema and the author guide's field reference all come
from these classes. Values that the configuration defines (severities,
categories, ...) are checked against the :class:`~pmsite.settings.Settings`
passed in the validation context, so one model serves every site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from pmsite.format.fields import (
    MAX_USERS,
    ActionId,
    Date,
    EvidenceItem,
    Flag,
    Identifier,
    ListOf,
    Markdown,
    OneLine,
    PlainText,
    Strict,
    Text,
    Timestamp,
    Url,
    check_in,
    evidence_list,
    fail,
    settings_of,
)
from pmsite.format.ids import RESERVED_IDS
from pmsite.settings import Settings

FORMAT_VERSION = 1

MAX_DOCUMENT_CHARS = 100_000  # all text fields of one document together



# --- the document ---------------------------------------------------------


class Impact(Strict):
    """Who and what was affected."""

    users_affected_pct: float | None = Field(None, description="Share of users affected, 0-100.")
    users_affected: int | None = Field(None, description="Number of users affected.")
    description: Markdown = Field(description="What users experienced (Markdown).")
    slo_violations: ListOf[OneLine] = Field(default_factory=list, description="SLOs that were violated.")
    business_metrics: ListOf[OneLine] = Field(default_factory=list, description="Business effects, e.g. orders lost.")

    @field_validator("users_affected_pct", mode="before")
    @classmethod
    def _pct(cls, v: Any) -> Any:
        if v is None:
            return v
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 100:
            raise fail("a number from 0 to 100", v)
        return v

    @field_validator("users_affected", mode="before")
    @classmethod
    def _count(cls, v: Any) -> Any:
        if v is None:
            return v
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_USERS:
            raise fail(f"a whole number of users from 0 to {MAX_USERS:,}", v)
        return v



class TimelineEvent(Strict):
    """One moment of the incident."""

    at: Timestamp = Field(description="When it happened (ISO 8601 with offset).")
    event: Markdown = Field(description="What happened (Markdown).")
    actor: OneLine | None = Field(None, description="A role or system, not a person's name.")
    kind: Literal[
        "trigger", "detection", "escalation", "decision", "mitigation", "resolution", "communication", "other"
    ] | None = Field(None, description="The kind of event.")
    evidence: Annotated[list[EvidenceItem], BeforeValidator(evidence_list)] = Field(
        default_factory=list, description="A string, a URL, or a list of either."
    )

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v: Any) -> Any:
        from pmsite.settings import TIMELINE_KINDS

        if v is None:
            return v
        return check_in(v, TIMELINE_KINDS, "timeline kind")



class RootCause(Strict):
    """A systemic cause, with the chain of whys that reached it."""

    description: Markdown = Field(description="The cause (Markdown).")
    category: Text = Field(description="A root-cause category defined in the configuration.")
    five_whys: ListOf[PlainText] = Field(default_factory=list, description="The whys, asked in order (plain text).")

    @field_validator("category")
    @classmethod
    def _category(cls, v: str, info: ValidationInfo) -> str:
        s = settings_of(info)
        return check_in(v, s.root_cause_categories, "root-cause category") if s else v



class ContributingFactor(Strict):
    """A condition that made the incident more likely or worse."""

    description: Markdown = Field(description="The factor (Markdown).")
    category: Text = Field(description="A factor category (fishbone branch) defined in the configuration.")

    @field_validator("category")
    @classmethod
    def _category(cls, v: str, info: ValidationInfo) -> str:
        s = settings_of(info)
        return check_in(v, s.factor_categories, "factor category") if s else v



class ActionItem(Strict):
    """A follow-up with an owner and a due date."""

    id: ActionId | None = Field(None, description="Unique within the document; default A1, A2, ...")
    description: Markdown = Field(description="What will be done (Markdown).")
    owner: OneLine = Field(description="The owning team or role.")
    priority: Text = Field(description="A priority defined in the configuration.")
    due: Date = Field(description="Due date (YYYY-MM-DD).")
    status: Text = Field(description="An action status defined in the configuration.")
    completed_on: Date | None = Field(None, description="Required when status is done or wont-do.")
    success_criteria: PlainText | None = Field(None, description="How we know it worked (plain text).")
    prevents_recurrence: Flag = Field(False, description="The item prevents this cause from recurring.")
    improves_detection: Flag = Field(False, description="The item makes detection faster.")
    improves_response: Flag = Field(False, description="The item makes the response faster.")
    ticket: Url | None = Field(None, description="Link to the tracker (http or https).")

    @field_validator("priority")
    @classmethod
    def _priority(cls, v: str, info: ValidationInfo) -> str:
        s = settings_of(info)
        return check_in(v, s.priorities, "priority") if s else v

    @field_validator("status")
    @classmethod
    def _status(cls, v: str, info: ValidationInfo) -> str:
        s = settings_of(info)
        return check_in(v, s.action_statuses, "action status") if s else v



class Link(Strict):
    """A further reading link."""

    title: OneLine = Field(description="The link text.")
    url: Url = Field(description="An http(s) URL.")



class Document(Strict):
    """One post-mortem: a YAML file under content/incidents/."""

    id: Identifier = Field(description="Unique id; letters, digits, '-', '_'; 3-64 characters.")
    title: OneLine = Field(description="One-line title.")
    status: Text = Field(description="draft, in-review or published.")
    severity: int | str = Field(description="A severity level defined in the configuration (default 1-4).")
    near_miss: Flag = Field(False, description="True when there was no user impact; analysed for learning.")
    summary: Markdown = Field(description="One paragraph: what happened, the impact, the duration (Markdown).")
    started_at: Timestamp = Field(description="When the incident started (ISO 8601 with offset).")
    detected_at: Timestamp = Field(description="When it was detected.")
    mitigated_at: Timestamp | None = Field(None, description="When impact was first reduced.")
    resolved_at: Timestamp | None = Field(None, description="When it was resolved; required unless draft.")
    detection: Text = Field(description="A detection method defined in the configuration.")
    services: ListOf[OneLine] = Field(description="Affected services, at least one.")
    teams: ListOf[OneLine] = Field(default_factory=list, description="Teams involved.")
    tags: ListOf[OneLine] = Field(default_factory=list, description="Free-form tags.")
    authors: ListOf[OneLine] = Field(description="Who owns the document (roles or teams).")
    review_meeting_on: Date | None = Field(None, description="Date of the review meeting.")
    published_on: Date | None = Field(None, description="Publication date; required when published.")
    impact: Impact = Field(description="Who and what was affected.")
    timeline: ListOf[TimelineEvent] = Field(description="Events, at least one, in any order.")
    root_causes: ListOf[RootCause] = Field(description="Root causes; may be empty only in a draft.")
    contributing_factors: ListOf[ContributingFactor] = Field(default_factory=list, description="Contributing factors.")
    went_well: ListOf[Markdown] = Field(default_factory=list, description="What went well (Markdown).")
    went_poorly: ListOf[Markdown] = Field(default_factory=list, description="What went poorly (Markdown).")
    action_items: ListOf[ActionItem] = Field(description="Follow-ups; may be empty only in a draft.")
    related: ListOf[Identifier] = Field(default_factory=list, description="Ids of related incidents.")
    links: ListOf[Link] = Field(default_factory=list, description="Further links.")
    checklist_ignore: ListOf[OneLine] = Field(
        default_factory=list, description="pmsite addition: quality-check codes (PM1xx) not to apply to this document."
    )

    @field_validator("id")
    @classmethod
    def _reserved(cls, v: str) -> str:
        if v.lower() in RESERVED_IDS:
            raise fail(f"an id other than {' or '.join(sorted(RESERVED_IDS))} (the site uses these for its own pages)", v)
        return v

    @field_validator("checklist_ignore")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        for code in v:
            if not re.fullmatch(r"PM\d{3}", code):
                raise fail("checklist codes like PM101", code)
        return v

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        from pmsite.settings import DOCUMENT_STATUSES

        return check_in(v, DOCUMENT_STATUSES, "document status")

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, v: Any, info: ValidationInfo) -> Any:
        if isinstance(v, bool) or not isinstance(v, (int, str)):
            raise fail("a severity level", v)
        s = settings_of(info)
        return check_in(v, list(s.severities), "severity level") if s else v

    @field_validator("detection")
    @classmethod
    def _detection(cls, v: str, info: ValidationInfo) -> str:
        s = settings_of(info)
        return check_in(v, s.detection_methods, "detection method") if s else v

    @field_validator("services")
    @classmethod
    def _services(cls, v: list[str]) -> list[str]:
        if not v:
            raise PydanticCustomError("pmsite", "expected at least one service, got an empty list", {})
        return v

    @field_validator("authors")
    @classmethod
    def _authors(cls, v: list[str]) -> list[str]:
        if not v:
            raise PydanticCustomError("pmsite", "expected at least one author, got an empty list", {})
        return v

    @field_validator("timeline")
    @classmethod
    def _timeline(cls, v: list[TimelineEvent]) -> list[TimelineEvent]:
        if not v:
            raise PydanticCustomError("pmsite", "expected at least one event, got an empty list", {})
        return v

    @property
    def published(self) -> bool:
        return self.status == "published"

    @property
    def slug(self) -> str:
        return self.id.lower()



Loc = tuple[str | int, ...]



def document_rules(doc: Document, settings: Settings) -> list[tuple[Loc, str]]:
    """The format's rules that span several fields of one document, as (field path, message)."""
    out: list[tuple[Loc, str]] = []
    draft = doc.status == "draft"
    if doc.detected_at < doc.started_at:
        out.append((("detected_at",), f"expected a time at or after started_at ({doc.started_at.isoformat()})"))
    if doc.resolved_at is None:
        if not draft:
            out.append((("resolved_at",), f"required unless status is draft (status is {doc.status}): expected a timestamp"))
    elif doc.resolved_at < doc.detected_at:
        out.append((("resolved_at",), f"expected a time at or after detected_at ({doc.detected_at.isoformat()})"))
    if doc.mitigated_at is not None:
        upper = doc.resolved_at
        if doc.mitigated_at < doc.detected_at or (upper is not None and doc.mitigated_at > upper):
            window = f"[{doc.detected_at.isoformat()}, {upper.isoformat() if upper else '...'}]"
            out.append((("mitigated_at",), f"expected a time within detected_at..resolved_at {window}"))
    if doc.status == "published" and doc.published_on is None:
        out.append((("published_on",), "required when status is published: expected a date (YYYY-MM-DD)"))
    if not draft and not doc.root_causes:
        out.append((("root_causes",), f"expected at least one root cause (only a draft may have none; status is {doc.status})"))
    if not draft and not doc.action_items:
        out.append((("action_items",), f"expected at least one action item (only a draft may have none; status is {doc.status})"))
    seen: dict[str, int] = {}
    ids = action_ids(doc)
    for i, (item, item_id) in enumerate(zip(doc.action_items, ids)):
        key = item_id.lower()  # the page anchor is lower-case: A1 and a1 would share it
        if key in seen:
            first = seen[key]
            again = f"{item_id!r} again" if ids[first] == item_id else f"{item_id!r}, which differs from {ids[first]!r} only in letter case"
            out.append((("action_items", i, "id"), f"expected an id unique within the document, got {again} (first at action_items[{first}])"))
        else:
            seen[key] = i
        if item.status in settings.closed_statuses and item.completed_on is None:
            out.append((("action_items", i, "completed_on"), f"required when status is {item.status}: expected a date (YYYY-MM-DD)"))
    out.extend(_text_budget(doc))
    return out



def _texts(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), loc + (name,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, loc + (i,))



def _text_budget(doc: Document) -> list[tuple[Loc, str]]:
    """All text of one document together is capped too: each field is, but lists have no length limit."""
    total = 0
    longest: tuple[int, Loc] = (0, ())
    for loc, text in _texts(doc, ()):
        total += len(text)
        if len(text) > longest[0]:
            longest = (len(text), loc)
    if total <= MAX_DOCUMENT_CHARS:
        return []
    return [(longest[1], f"expected at most {MAX_DOCUMENT_CHARS:,} characters of text in one document, got {total:,}"
             f" (this is the longest field, {longest[0]:,} characters): move long material to a linked document")]



def action_ids(doc: Document) -> list[str]:
    """The id of each action item, with the format's default A1, A2, ... filled in."""
    return [item.id or f"A{i}" for i, item in enumerate(doc.action_items, start=1)]
