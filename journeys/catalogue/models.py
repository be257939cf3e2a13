"""The service catalogue's table: the services a journey's suggestions may name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kcc.db import Base, UTCDateTime, utcnow


class JourneyService(Base):
    """A service the municipality or a partner offers, and the team that picks up a yes."""

    __tablename__ = "journey_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(
        String(64), unique=True, doc="Stable short name journeys name, e.g. parking-permit."
    )
    title_nl: Mapped[str] = mapped_column(String(200), doc="Dutch title residents read.")
    title_en: Mapped[str] = mapped_column(String(200), doc="English title residents read.")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(
        String(500), default="", doc="The page where residents read more or apply."
    )
    department: Mapped[str] = mapped_column(
        String(200), default="", doc="Who provides it, in words (e.g. Stadsbeheer — Parkeren)."
    )
    team: Mapped[str] = mapped_column(
        String(100), doc="Key of the directory team that gets a task when a resident says yes."
    )
    is_active: Mapped[bool] = mapped_column(
        default=True, doc="Offered: new journey versions may name it."
    )
    version: Mapped[int] = mapped_column(
        default=1, doc="Raised by every change; a change sent with an older one is refused."
    )
    updated_by: Mapped[str | None] = mapped_column(String(64), doc="Who made the last change.")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
