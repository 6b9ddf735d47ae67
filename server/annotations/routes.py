"""Annotations and comments over REST."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request
from flask_login import current_user
from pydantic import BaseModel

from server.annotations import comments, exports, listing, services
from server.annotations.schemas import (
    AnnotationCreatedOut,
    AnnotationIn,
    AnnotationListOut,
    AnnotationListQuery,
    AnnotationOut,
    AnnotationUpdateIn,
    BatchIn,
    BatchOut,
    CommentIn,
    CommentListOut,
    CommentOut,
    CommentUpdateIn,
    DeleteQuery,
    ExportQuery,
    MeetingCommentsQuery,
    MyAnnotationsOut,
    ReanchorOut,
    ReplyIn,
    WebAnnotationCollectionOut,
)
from server.annotations.webanno import MEDIA_TYPE
from server.api import operation
from server.errors import Invalid
from server.extensions import db

bp = Blueprint("annotations", __name__, url_prefix="/api")

TAG = "annotations"
COMMENTS = "comments"


def _same_document(path_id: int, body_id: int | None) -> None:
    if body_id is not None and body_id != path_id:
        raise Invalid(
            "validation_error",
            data={"fields": {"document_id": "khác với tài liệu trong địa chỉ"}},
            details="document_id",
        )


def _attachment(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    fallback = filename.encode("ascii", "ignore").decode().replace('"', "").strip() or "export"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _listing(found: listing.Listing, model: type[BaseModel]) -> Response:
    """A list whose annotations the database wrote as JSON, sent as it is."""
    body = found.json()
    if current_app.testing:
        # In tests every answer is checked against its declared schema.
        model.model_validate(json.loads(body))
    return Response(body, mimetype="application/json")


# --- Annotations -----------------------------------------------------------------


@bp.post("/documents/<int:document_id>/annotations")
@operation(
    "createAnnotation",
    "Create a private annotation under the client's own UUID (a retry never duplicates)",
    tag=TAG,
    body=AnnotationIn,
    response=AnnotationCreatedOut,
    status=201,
    description="The same id again from its author answers the annotation as it stands, with "
    "`replayed: true`, and changes nothing; another user's id answers 409 "
    "`annotation_id_taken`. Geometry outside the page, too many boxes or ink points, a "
    "colour that is not #rrggbb or text past its limit answer 422. Sends "
    "`annotation.created` to the author's own devices.",
    max_body=services.MAX_BODY_BYTES,
)
def create_annotation(document_id: int, body: AnnotationIn) -> AnnotationCreatedOut:
    _same_document(document_id, body.document_id)
    row, created = services.create_annotation(
        current_user,
        document_id,
        services.NewAnnotation(
            id=body.id,
            page=body.page,
            kind=body.kind,
            geometry=body.geometry,
            color=body.color,
            text=body.text,
            quote=body.quote,
        ),
    )
    db.session.commit()
    return AnnotationCreatedOut(**dict(services.annotation_out(row)), replayed=not created)


@bp.get("/documents/<int:document_id>/annotations")
@operation(
    "listAnnotations",
    "The user's own annotations on a document, or every change after a cursor",
    tag=TAG,
    query=AnnotationListQuery,
    response=AnnotationListOut,
    description="Without `since`: the annotations that exist. With `since` (a `cursor` from "
    "an earlier answer): every annotation changed after it, deletions included as tombstones "
    "(`deleted: true`). Ask again with the new `cursor` while `more` is true.",
)
def list_annotations(document_id: int, query: AnnotationListQuery) -> Response:
    found = listing.list_annotations(
        current_user, document_id, since=query.since, limit=query.limit
    )
    return _listing(found, AnnotationListOut)


@bp.patch("/annotations/<uuid:annotation_id>")
@operation(
    "updateAnnotation",
    "Change one of the user's annotations, made on `version`",
    tag=TAG,
    body=AnnotationUpdateIn,
    response=AnnotationOut,
    description="A change made on an older version answers 409 `annotation_version_conflict` "
    "with the current annotation in `error.current`, so the client can merge; a retried "
    "change the annotation already holds answers 200 unchanged. A deleted annotation answers "
    "409 `annotation_deleted`. Sends `annotation.updated` to the author's own devices.",
    max_body=services.MAX_BODY_BYTES,
)
def update_annotation(annotation_id: uuid.UUID, body: AnnotationUpdateIn) -> AnnotationOut:
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    row, _ = services.update_annotation(current_user, annotation_id, body.version, **changes)
    db.session.commit()
    return services.annotation_out(row)


@bp.delete("/annotations/<uuid:annotation_id>")
@operation(
    "deleteAnnotation",
    "Delete one of the user's annotations (kept as a tombstone for other devices)",
    tag=TAG,
    query=DeleteQuery,
    response=AnnotationOut,
    description="Deleting again answers the tombstone. With `version`, a deletion of an "
    "annotation changed since answers 409. Sends `annotation.deleted` to the author's own "
    "devices.",
)
def delete_annotation(annotation_id: uuid.UUID, query: DeleteQuery) -> AnnotationOut:
    row, _ = services.delete_annotation(current_user, annotation_id, query.version)
    db.session.commit()
    return services.annotation_out(row)


@bp.post("/annotations/batch")
@operation(
    "syncAnnotations",
    "Apply a queue of annotation changes made offline, in order, in one request",
    tag=TAG,
    body=BatchIn,
    response=BatchOut,
    description='`changes`: up to 500 of `{"op": "create", "document_id", '
    '"annotation": {...createAnnotation body}}`, `{"op": "update", "id", '
    '"version", ...fields}`, `{"op": "delete", "id", "version"?}`. Each is '
    "applied exactly as its own request would be (retries and replays are harmless) and "
    "answered in `results`, in order, with the status it would have had; one refused change "
    "does not stop the others. All are committed together, then the notices are sent.",
    max_body=services.MAX_BODY_BYTES,
)
def sync_annotations(body: BatchIn) -> BatchOut:
    changes: list[services.Change] = []
    for change in body.changes:
        if change.op == "create":
            new = change.annotation
            _same_document(change.document_id, new.document_id)
            changes.append(
                services.CreateChange(
                    document_id=change.document_id,
                    new=services.NewAnnotation(
                        id=new.id,
                        page=new.page,
                        kind=new.kind,
                        geometry=new.geometry,
                        color=new.color,
                        text=new.text,
                        quote=new.quote,
                    ),
                )
            )
        elif change.op == "update":
            fields = change.model_dump(exclude_unset=True, exclude={"op", "id", "version"})
            changes.append(services.UpdateChange(change.id, change.version, fields))
        else:
            changes.append(services.DeleteChange(change.id, change.version))
    results = services.apply_changes(current_user, changes)
    db.session.commit()
    return BatchOut(results=results)


@bp.get("/meetings/<int:meeting_id>/annotations")
@operation(
    "listMyAnnotations",
    "The user's own annotations across the session's documents (the notes list)",
    tag=TAG,
    query=AnnotationListQuery,
    response=MyAnnotationsOut,
    description="Without `since`: by document in agenda order, then page. With `since`: every "
    "change after the cursor, tombstones included (one call brings a device up to date).",
)
def list_my_annotations(meeting_id: int, query: AnnotationListQuery) -> Response:
    found = listing.list_my_annotations(
        current_user, meeting_id, since=query.since, limit=query.limit
    )
    return _listing(found, MyAnnotationsOut)


@bp.get("/documents/<int:document_id>/annotations/reanchored")
@operation(
    "listReanchoredAnnotations",
    "The user's annotations of earlier versions, placed on this version by their quoted text",
    tag=TAG,
    response=ReanchorOut,
    description="For each annotation of an earlier version of this document: `status` "
    "`found` (the quoted passage is on this version: `page` and `rects`, one box per line), "
    "`fuzzy` (found with changed words in between), `not_found`, or `no_quote` (nothing to "
    "look for: `page` is the same page number if this version has it). `offset` is how far "
    "the passage moved on its page, to move ink, notes and text boxes along.",
)
def list_reanchored(document_id: int) -> ReanchorOut:
    return services.reanchored(current_user, document_id)


@bp.get("/documents/<int:document_id>/annotated.pdf")
@operation(
    "exportAnnotatedPdf",
    "The user's own copy of the document with their annotations written in as PDF annotations",
    tag=TAG,
    produces=("application/pdf",),
    description="Highlights, underlines, strike-outs, ink, notes and text boxes become PDF "
    "annotations any reader shows; bookmarks become outline entries under “Dấu trang của "
    "tôi”. Never for a confidential document (403).",
)
def export_annotated_pdf(document_id: int) -> Response:
    job = exports.prepare_pdf_export(current_user, document_id)
    # Commit (the audit entry) before the worker runs: no transaction waits on it.
    db.session.commit()
    data = exports.run_pdf_export(job)
    return _attachment(data, "application/pdf", job.filename)


@bp.get("/documents/<int:document_id>/annotations.jsonld")
@operation(
    "exportWebAnnotations",
    "The user's annotations on a document as W3C Web Annotations (JSON-LD)",
    tag=TAG,
    produces=("application/ld+json",),
    response=WebAnnotationCollectionOut,
    description="An AnnotationCollection; targets use RFC 3778 PDF fragments (page and "
    "viewrect in points from the top left), an SVG shape and the quoted text. Never for a "
    "confidential document (403).",
)
def export_web_annotations(document_id: int) -> Response:
    collection = exports.web_annotations(current_user, document_id, request.host_url)
    if current_app.testing:
        WebAnnotationCollectionOut.model_validate(collection)
    body = json.dumps(collection, ensure_ascii=False, indent=1)
    response = Response(body, mimetype="application/ld+json")
    response.headers["Content-Type"] = MEDIA_TYPE
    return response


# --- Comments --------------------------------------------------------------------


@bp.post("/documents/<int:document_id>/comments")
@operation(
    "createComment",
    "A delegate's comment (góp ý) on a document, optionally on a page and a passage",
    tag=COMMENTS,
    body=CommentIn,
    response=CommentOut,
    status=201,
    description="`visibility`: `secretariat` (the secretariat and the chair) or `all` (every "
    "delegate too). Members of the council only. Sends `comment.created` to the secretariat "
    "(staff room), to the author's devices and, for `all`, to every member.",
)
def create_comment(document_id: int, body: CommentIn) -> CommentOut:
    _same_document(document_id, body.document_id)
    comment, _ = comments.create_comment(
        current_user,
        document_id,
        text=body.text,
        page=body.page,
        quote=body.quote,
        visibility=body.visibility,
        client_id=body.client_id,
    )
    db.session.commit()
    return comments.comment_out(comment)


@bp.get("/documents/<int:document_id>/comments")
@operation(
    "listComments",
    "A document's comments the user may see",
    tag=COMMENTS,
    response=CommentListOut,
    description="The secretariat and the chair see every comment; a delegate sees those open "
    "to all and their own; guests and the hall display none (403).",
)
def list_comments(document_id: int) -> CommentListOut:
    return CommentListOut(
        comments=comments.comments_out(comments.list_comments(current_user, document_id))
    )


@bp.get("/meetings/<int:meeting_id>/comments")
@operation(
    "listMeetingComments",
    "The session's comments the user may see, by document in agenda order",
    tag=COMMENTS,
    query=MeetingCommentsQuery,
    response=CommentListOut,
)
def list_meeting_comments(meeting_id: int, query: MeetingCommentsQuery) -> CommentListOut:
    rows = comments.list_meeting_comments(
        current_user, meeting_id, document_id=query.document_id, status=query.status
    )
    return CommentListOut(comments=comments.comments_out(rows))


@bp.post("/comments/<int:comment_id>/replies")
@operation(
    "replyToComment",
    "The secretariat answers a comment (status `answered` unless told otherwise)",
    tag=COMMENTS,
    body=ReplyIn,
    response=CommentOut,
    status=201,
)
def reply_to_comment(comment_id: int, body: ReplyIn) -> CommentOut:
    comment = comments.reply_to_comment(
        current_user, comment_id, text=body.text, status=body.status
    )
    db.session.commit()
    return comments.comment_out(comment)


@bp.patch("/comments/<int:comment_id>")
@operation(
    "updateComment",
    "The secretariat sets a comment's status: received, considered (taken into account), answered",
    tag=COMMENTS,
    body=CommentUpdateIn,
    response=CommentOut,
)
def update_comment(comment_id: int, body: CommentUpdateIn) -> CommentOut:
    comment = comments.update_comment(current_user, comment_id, status=body.status)
    db.session.commit()
    return comments.comment_out(comment)


@bp.get("/meetings/<int:meeting_id>/comments.csv")
@operation(
    "exportCommentsCsv",
    "Every comment of the session (or of one document) as a CSV table (secretariat, chair)",
    tag=COMMENTS,
    query=ExportQuery,
    produces=("text/csv",),
    description="UTF-8 with a byte order mark, so Excel shows Vietnamese correctly; one row "
    "per comment, documents in agenda order.",
)
def export_comments_csv(meeting_id: int, query: ExportQuery) -> Response:
    data, name = comments.comments_csv(current_user, meeting_id, query.document_id)
    return _attachment(data, "text/csv", name)


@bp.get("/meetings/<int:meeting_id>/comments.pdf")
@operation(
    "exportCommentsPdf",
    "A Vietnamese PDF summary of the comments, one section per document in agenda order",
    tag=COMMENTS,
    query=ExportQuery,
    produces=("application/pdf",),
)
def export_comments_pdf(meeting_id: int, query: ExportQuery) -> Response:
    job = comments.prepare_comments_pdf(current_user, meeting_id, query.document_id)
    db.session.commit()
    data = comments.run_comments_pdf(job)
    return _attachment(data, "application/pdf", job.filename)
