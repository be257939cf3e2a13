"""What the customer view knows about a party without asking the sections: which were empty."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base


class ViewSummary(Base):
    """Per party, the customer-view sections found empty, and a count of the changes that may
    have filled one. Written by the view when it asked the sections; every insert or update
    that gives a party a row in another table with a ``party_id`` resets it in the same
    transaction (``kcc.view.summary``).

    No foreign key: a merge or an erasure must not have to move or delete these rows; a row
    of a party that is gone is never read.
    """

    __tablename__ = "party_view_summaries"

    party_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    changes: Mapped[int] = mapped_column(
        default=0, doc="Changes that may have filled a section; the view saves only if unchanged."
    )
    empty_sections: Mapped[str] = mapped_column(
        String(200), default="", doc="Comma-separated names of the sections found empty."
    )
