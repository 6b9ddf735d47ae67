"""JSON shapes of the annotations and comments API."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from server.annotations.geometry import AnnotationKind
from server.annotations.models import CommentStatus, Visibility
from server.api import Counter, Id, Strict, Timestamp

Placement = Literal["found", "fuzzy", "not_found", "no_quote"]

#: Hard caps on raw strings; the friendlier, smaller limits are checked by the services.
RAW_TEXT = 40_000
RAW_QUOTE = 10_000
PAGE = Field(ge=1, le=100_000)


# --- Annotations -----------------------------------------------------------------


class AnnotationIn(Strict):
    id: uuid.UUID = Field(description="The client's own UUID: a retry never duplicates.")
    #: Optional repetition of the path's document id (must match it).
    document_id: Id | None = None
    page: int = PAGE
    kind: AnnotationKind
    geometry: dict[str, Any] | None = Field(
        default=None,
        description='By kind: {"rects": [[x0, y0, x1, y1], ...]} for highlight, underline, '
        'strikeout; {"strokes": [[[x, y], ...], ...], "width"} for ink; {"point": [x, y]} '
        'for note; {"rect": [x0, y0, x1, y1]} for textbox; none for bookmark. PDF points, '
        "top-left origin of the unrotated page.",
    )
    color: str | None = Field(default=None, max_length=7, description="#rrggbb")
    text: str | None = Field(default=None, max_length=RAW_TEXT)
    quote: str | None = Field(
        default=None,
        max_length=RAW_QUOTE,
        description="The passage annotated; the server fills it in for highlights without one.",
    )


class AnnotationUpdateIn(Strict):
    version: int = Field(ge=1, description="The version this change was made on.")
    geometry: dict[str, Any] | None = None
    color: str | None = Field(default=None, max_length=7)
    text: str | None = Field(default=None, max_length=RAW_TEXT)
    quote: str | None = Field(default=None, max_length=RAW_QUOTE)


class CreateChange(Strict):
    op: Literal["create"]
    document_id: Id
    annotation: AnnotationIn


class UpdateChange(AnnotationUpdateIn):
    op: Literal["update"]
    id: uuid.UUID


class DeleteChange(Strict):
    op: Literal["delete"]
    id: uuid.UUID
    version: int | None = Field(default=None, ge=1)


class BatchIn(Strict):
    changes: list[
        Annotated[CreateChange | UpdateChange | DeleteChange, Field(discriminator="op")]
    ] = Field(min_length=1, max_length=500)


class AnnotationOut(BaseModel):
    id: str
    document_id: int
    meeting_id: int
    page: int
    kind: AnnotationKind
    geometry: dict[str, Any]
    color: str
    text: str | None
    quote: str | None
    version: int
    deleted: bool
    #: The author's change counter at this change.
    seq: int
    created_at: Timestamp
    updated_at: Timestamp
    deleted_at: Timestamp | None


class AnnotationCreatedOut(AnnotationOut):
    #: True when this id existed already (a retry or a replay): nothing was changed.
    replayed: bool


class ChangeResult(BaseModel):
    #: The status the change would have had as a request of its own (201, 200, 404, 409...).
    status: int
    annotation: AnnotationOut | None
    #: For a create: true when the id existed already (nothing was changed).
    replayed: bool | None
    #: {"code", "message", "current"?} when the change was refused.
    error: dict[str, Any] | None


class BatchOut(BaseModel):
    results: list[ChangeResult]


class AnnotationListQuery(Strict):
    since: Counter | None = Field(
        default=None,
        description="A cursor from an earlier answer: then every change after it, deletions "
        "(tombstones) included; without it, the annotations that exist.",
    )
    limit: int = Field(default=10_000, ge=1, le=10_000)


class AnnotationListOut(BaseModel):
    document_id: int
    annotations: list[AnnotationOut]
    #: Pass as `since` next time.
    cursor: int
    #: More changes wait: ask again with `since` = cursor.
    more: bool
    #: The `since` given was ahead of the server (restored from a backup): this is the
    #: full list; drop what you kept.
    reset: bool


class AnnotatedDocument(BaseModel):
    id: int
    title: str
    version: int
    series_id: int
    agenda_item_id: int | None


class MyAnnotationsOut(BaseModel):
    meeting_id: int
    annotations: list[AnnotationOut]
    documents: list[AnnotatedDocument]
    cursor: int
    more: bool
    reset: bool


class DeleteQuery(Strict):
    version: int | None = Field(
        default=None, ge=1, description="When given, refuse (409) if the annotation changed."
    )


class PlacementOut(BaseModel):
    annotation: AnnotationOut
    from_document_id: int
    from_version: int
    status: Placement
    page: int | None
    rects: list[list[float]]
    offset: list[float] | None


class WebAnnotationCollectionOut(BaseModel):
    """A W3C Web Annotation collection (JSON-LD), all annotations in its first page."""

    context: str = Field(alias="@context")
    id: str
    type: Literal["AnnotationCollection"]
    label: str
    creator: dict[str, Any]
    generated: str
    generator: dict[str, Any]
    total: int
    first: dict[str, Any]


class ReanchorOut(BaseModel):
    document_id: int
    version: int
    placements: list[PlacementOut]


# --- Comments ---------------------------------------------------------------------


class CommentIn(Strict):
    text: str = Field(max_length=RAW_TEXT)
    page: int | None = Field(default=None, ge=1, le=100_000)
    quote: str | None = Field(default=None, max_length=RAW_QUOTE)
    visibility: Visibility = "secretariat"
    #: Optional repetition of the path's document id (must match it).
    document_id: Id | None = None
    client_id: uuid.UUID | None = Field(
        default=None, description="The client's UUID for this comment: a retry never duplicates."
    )


class ReplyIn(Strict):
    text: str = Field(max_length=RAW_TEXT)
    status: CommentStatus = "answered"


class CommentUpdateIn(Strict):
    status: CommentStatus


class Person(BaseModel):
    id: int
    full_name: str


class ReplyOut(BaseModel):
    id: int
    text: str
    author: Person
    created_at: Timestamp


class CommentOut(BaseModel):
    id: int
    client_id: str | None
    document_id: int
    document_title: str
    document_version: int
    meeting_id: int
    agenda_item_id: int | None
    author: Person
    page: int | None
    quote: str | None
    text: str
    visibility: Visibility
    status: CommentStatus
    created_at: Timestamp
    updated_at: Timestamp
    status_changed_at: Timestamp | None
    replies: list[ReplyOut]


class CommentListOut(BaseModel):
    comments: list[CommentOut]


class MeetingCommentsQuery(Strict):
    document_id: Id | None = None
    status: CommentStatus | None = None


class ExportQuery(Strict):
    document_id: Id | None = Field(
        default=None, description="Only this document's comments (default: the whole session)."
    )
