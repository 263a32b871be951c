"""Tables of the référentiels in the datastore database (schema
``referentials``). They are created by the alembic migrations next to this
file, never by ``create_all``; the CKAN actions read them with plain SQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA = "referentials"
EVENT_KINDS = ("created", "retired", "renumbered", "renamed", "merged", "split")


class Base(DeclarativeBase):
    metadata = sa.MetaData(schema=SCHEMA)


class Referential(Base):
    __tablename__ = "referential"
    name: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    title_fr: Mapped[str] = mapped_column(sa.Text)
    title_ar: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str] = mapped_column(sa.Text, default="")
    licence: Mapped[str] = mapped_column(sa.Text, default="")
    attribution: Mapped[str] = mapped_column(sa.Text, default="")


class Version(Base):
    """One published coding. Versions of a référentiel follow each other:
    a version is current from its valid_from to the next one's."""

    __tablename__ = "version"
    __table_args__ = (
        sa.UniqueConstraint("referential", "label"),
        sa.UniqueConstraint("referential", "sha256"),
    )
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    referential: Mapped[str] = mapped_column(sa.ForeignKey("referential.name"))
    label: Mapped[str] = mapped_column(sa.Text)
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    sha256: Mapped[str] = mapped_column(sa.CHAR(64))
    source: Mapped[str] = mapped_column(sa.Text)
    row_count: Mapped[int] = mapped_column(sa.Integer)
    published_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )
    report: Mapped[dict[str, Any]] = mapped_column(JSONB)


class Unit(Base):
    """One state of a unit: a row lives from the version that introduced this
    exact content (valid_from) to the version that changed or retired it
    (valid_to, exclusive; NULL while current)."""

    __tablename__ = "unit"
    __table_args__ = (
        sa.Index("unit_code_idx", "referential", "code", "valid_from"),
        sa.Index("unit_parent_idx", "referential", "parent_code"),
        sa.Index(
            "unit_folded_idx",
            "name_folded",
            postgresql_ops={"name_folded": "text_pattern_ops"},
        ),
    )
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    referential: Mapped[str] = mapped_column(sa.ForeignKey("referential.name"))
    code: Mapped[str] = mapped_column(sa.Text)
    level: Mapped[str] = mapped_column(sa.Text)
    name_fr: Mapped[str | None] = mapped_column(sa.Text)
    name_ar: Mapped[str | None] = mapped_column(sa.Text)
    name_en: Mapped[str | None] = mapped_column(sa.Text)
    # fold(name_fr) + fold(name_ar), computed in Python with casa_pipelines.normalize
    name_folded: Mapped[str] = mapped_column(sa.Text)
    parent_code: Mapped[str | None] = mapped_column(sa.Text)
    population: Mapped[int | None] = mapped_column(sa.BigInteger)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB)
    row_sha256: Mapped[str] = mapped_column(sa.CHAR(64))
    geom = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=True
    )
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    valid_to: Mapped[dt.date | None] = mapped_column(sa.Date)
    version_from: Mapped[int] = mapped_column(sa.ForeignKey("version.id"))
    version_to: Mapped[int | None] = mapped_column(sa.ForeignKey("version.id"))


class Event(Base):
    """A change of code between two versions; a split or a merge is several
    events sharing the predecessor or the successor."""

    __tablename__ = "event"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {EVENT_KINDS}", name="event_kind"),
        sa.Index("event_predecessor_idx", "referential", "predecessor_code"),
        sa.Index("event_successor_idx", "referential", "successor_code"),
    )
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    referential: Mapped[str] = mapped_column(sa.ForeignKey("referential.name"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("version.id"))
    kind: Mapped[str] = mapped_column(sa.Text)
    predecessor_code: Mapped[str | None] = mapped_column(sa.Text)
    successor_code: Mapped[str | None] = mapped_column(sa.Text)
    occurred_on: Mapped[dt.date] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, default="")
