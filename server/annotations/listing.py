"""Lists of a user's annotations: the full list, or the changes after a cursor.

The JSON of each annotation is written by the database (SQLite's json_object, PostgreSQL's
json_build_object): listing thousands is C work, the geometry never parsed and serialised
again in Python. tests/integration/test_annotations.py checks that it says exactly what
services.annotation_json says, on both engines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from server.accounts.models import User
from server.annotations.models import Annotation
from server.annotations.services import cursor_of, require_annotator
from server.documents import services as documents
from server.extensions import db
from server.meetings import access


def _key(name: str) -> Any:
    # A constant key as SQL text: PostgreSQL cannot type a bound parameter of a variadic
    # JSON function.
    return sa.literal_column(f"'{name}'")


_ROW_JSON: dict[str, Any] = {}


def _row_json(dialect: str) -> Any:
    """SQL building each row's Annotation JSON (the same as annotation_json), as text.

    Listing thousands of annotations is the database's work in C: the geometry is never
    parsed and serialised again in Python. Built once per dialect.
    """
    if dialect not in _ROW_JSON:
        _ROW_JSON[dialect] = _build_row_json(dialect)
    return _ROW_JSON[dialect]


def _build_row_json(dialect: str) -> Any:
    a = Annotation
    if dialect == "postgresql":

        def iso(column: Any) -> Any:
            return (
                sa.func.to_char(sa.func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS.US')
                + "+00:00"
            )

        build: Any = sa.func.json_build_object
        ident: Any = sa.cast(a.id, sa.Text)
        geometry: Any = a.geometry
        deleted: Any = a.deleted_at.is_not(None)
    else:

        def iso(column: Any) -> Any:
            text = sa.type_coerce(column, sa.String)
            return sa.func.replace(text, " ", "T", type_=sa.String) + "+00:00"

        build = sa.func.json_object
        hexid = sa.type_coerce(a.id, sa.String)
        parts = [sa.func.substr(hexid, start, length) for start, length in SQLITE_UUID]
        ident = parts[0]
        for part in parts[1:]:
            ident = ident + "-" + part
        geometry = sa.func.json(sa.type_coerce(a.geometry, sa.String))
        deleted = sa.func.json(sa.case((a.deleted_at.is_(None), "false"), else_="true"))
    fields = [
        ("id", ident),
        ("document_id", a.document_id),
        ("meeting_id", a.meeting_id),
        ("page", a.page),
        ("kind", a.kind),
        ("geometry", geometry),
        ("color", a.color),
        ("text", a.text),
        ("quote", a.quote),
        ("version", a.version),
        ("deleted", deleted),
        ("seq", a.seq),
        ("created_at", iso(a.created_at)),
        ("updated_at", iso(a.updated_at)),
        ("deleted_at", sa.case((a.deleted_at.is_(None), None), else_=iso(a.deleted_at))),
    ]
    args: list[Any] = []
    for name, value in fields:
        args += [_key(name), value]
    return sa.cast(build(*args), sa.Text).label("json")


#: (start, length) of the dashed groups of a UUID stored as 32 hex digits (SQLite).
SQLITE_UUID = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))


@dataclass(frozen=True)
class Listing:
    """Annotations as JSON texts (one per annotation), and where the list stands."""

    items: list[str]
    cursor: int
    more: bool
    reset: bool
    extra: dict[str, Any]

    def json(self) -> str:
        """The answer's JSON: `extra`, cursor, more, reset and the annotations."""
        head = json.dumps(
            {**self.extra, "cursor": self.cursor, "more": self.more, "reset": self.reset},
            ensure_ascii=False,
        )
        return head[:-1] + ', "annotations": [' + ",".join(self.items) + "]}"


def _changes(
    actor: User, where: Any, since: int | None, limit: int, *extra: Any
) -> tuple[list[Any], int, bool, bool]:
    # The cursor is read before the rows: a change committed in between is sent twice
    # (harmless: it carries its version), never missed.
    cursor = cursor_of(actor.id)
    reset = since is not None and since > cursor
    dialect = db.session.get_bind().dialect.name
    query = sa.select(Annotation.seq, _row_json(dialect), *extra).where(
        Annotation.user_id == actor.id, where
    )
    if since is None or reset:
        query = query.where(Annotation.deleted_at.is_(None))
    else:
        query = query.where(Annotation.seq > since)
    rows = list(db.session.execute(query.order_by(Annotation.seq).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    if more:
        cursor = rows[-1].seq
    elif rows:
        cursor = max(cursor, rows[-1].seq)
    return rows, cursor, more, reset


def list_annotations(actor: User, document_id: int, *, since: int | None, limit: int) -> Listing:
    """The user's annotations on a document, or every change of them after `since`."""
    doc, meeting = documents.get_document(actor, document_id)
    require_annotator(actor, meeting)
    rows, cursor, more, reset = _changes(actor, Annotation.document_id == doc.id, since, limit)
    return Listing([r.json for r in rows], cursor, more, reset, {"document_id": doc.id})


def list_my_annotations(actor: User, meeting_id: int, *, since: int | None, limit: int) -> Listing:
    """The user's annotations across a session's documents (the notes list)."""
    meeting = access.get_meeting_for(actor, meeting_id)
    require_annotator(actor, meeting)
    docs, _ = documents.list_documents(actor, meeting.id)
    order = {d.id: n for n, d in enumerate(docs)}
    rows, cursor, more, reset = _changes(
        actor,
        Annotation.meeting_id == meeting.id,
        since,
        limit,
        Annotation.document_id,
        Annotation.page,
        Annotation.created_at,
    )
    rows = [r for r in rows if r.document_id in order]
    if since is None:
        rows.sort(key=lambda r: (order[r.document_id], r.page, r.created_at))
    used = {r.document_id for r in rows}
    documents_json = [
        {
            "id": d.id,
            "title": d.title,
            "version": d.version,
            "series_id": d.series_id or d.id,
            "agenda_item_id": d.agenda_item_id,
        }
        for d in docs
        if d.id in used
    ]
    return Listing(
        [r.json for r in rows],
        cursor,
        more,
        reset,
        {"meeting_id": meeting.id, "documents": documents_json},
    )
