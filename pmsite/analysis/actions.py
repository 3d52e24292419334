"""Action items with what the build derives from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmsite.format.document import ActionItem
from pmsite.settings import CLOSED_STATUSES

if TYPE_CHECKING:
    from pmsite.analysis.incidents import Incident


@dataclass(eq=False)
class Action:
    """An action item with its incident and derived state."""

    incident: Incident
    item: ActionItem
    id: str
    overdue: bool
    days_late: int
    days_to_close: int | None

    @property
    def open(self) -> bool:
        return self.item.status not in CLOSED_STATUSES

    @property
    def anchor(self) -> str:
        """Where the item is on its incident page (``action-a1``): the one rule for the page, the JSON and the calendar.

        Action ids are letters, digits, '-' and '_' and unique regardless of case, so the
        lower-cased id is a valid, unique fragment.
        """
        return "action-" + self.id.lower()
