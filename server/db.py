"""Declarative base, column types and the constraint naming convention."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, get_args

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: How long an SQLite connection waits for the database lock before giving up.
SQLITE_BUSY_SECONDS = 30


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no zone; PostgreSQL keeps `timestamptz`. Both come back as aware UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: JSON on SQLite, JSONB on PostgreSQL.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    # The type map lives on the registry: Flask-SQLAlchemy subclasses this base, and
    # SQLAlchemy 2.1 refuses a per-class type_annotation_map on such a base.
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            datetime: UTCDateTime(),
            dict[str, Any]: JSONType,
            list[Any]: JSONType,
        },
    )


def values_of(kind: Any) -> tuple[str, ...]:
    """The values of a `Literal[...]` type or a `StrEnum`, in order."""
    args = get_args(kind)
    return tuple(str(v) for v in (args or kind))


def known(column: str, kind: Any, name: str) -> sa.CheckConstraint:
    """A CHECK that `column` holds one of the values of `kind` (a Literal type or StrEnum):
    the database refuses what the code's type would (one list of values for both)."""
    values = ", ".join(f"'{v}'" for v in values_of(kind))
    return sa.CheckConstraint(f"{column} IN ({values})", name=name)


def upsert_insert(session: Any) -> Any:
    """The dialect's INSERT construct, which offers on_conflict_do_update / do_nothing."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert
