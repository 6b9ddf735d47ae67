"""Documents over REST: upload, versions, publishing, page images and text, search, receipts."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, send_file
from flask_login import current_user

from server.api import operation
from server.documents import services
from server.documents.schemas import (
    DeletedOut,
    DocumentDetailOut,
    DocumentListOut,
    DocumentOut,
    DocumentUpdateIn,
    FollowIn,
    FollowOut,
    PageImageQuery,
    PageTextOut,
    PublishOut,
    ReadIn,
    ReadListOut,
    ReadOut,
    ReadState,
    SearchOut,
    SearchQuery,
    UploadForm,
    VersionForm,
)
from server.documents.serialize import document_out
from server.extensions import db
from server.meetings.serialize import follow_out

bp = Blueprint("documents", __name__, url_prefix="/api")

TAG = "documents"

#: Rendered pages never change under their URL + ETag: cache them for a year.
IMAGE_CACHE = "private, max-age=31536000, immutable"


def upload_limit() -> int:
    """The body of an upload: the file (at most MAX_UPLOAD_MB) and its few form fields."""
    return (int(current_app.config["MAX_UPLOAD_MB"]) + 1) * 1024 * 1024


def _upload() -> services.Upload | None:
    file = request.files.get("file")
    if file is None:
        return None
    return services.Upload(stream=file.stream, filename=file.filename)


@bp.post("/agenda/<int:agenda_item_id>/documents")
@operation(
    "uploadDocument",
    "Attach a document (PDF) or an external link to an agenda item (secretariat)",
    tag=TAG,
    form=UploadForm,
    files=("file",),
    response=DocumentOut,
    status=202,
    description="Multipart: `file` (a PDF; not for a link), `title` (default: the PDF's own "
    "title or the file name), `kind` (main | reference | link), `confidential` (true/false), "
    "`url` (links only). Answers 202 at once with the document in status `processing`; "
    "progress arrives as `document.processing` notices, then `document.ready` or "
    "`document.failed`. A file that is not a PDF answers 415; encrypted, empty, damaged "
    "beyond repair, pages of absurd size or images too large 422; over the size limit 413.",
    max_body=upload_limit,
)
def upload_document(agenda_item_id: int, form: UploadForm) -> DocumentOut:
    doc = services.upload_document(
        current_user,
        agenda_item_id,
        title=form.title,
        kind=form.kind,
        confidential=form.confidential,
        url=form.url,
        upload=_upload(),
    )
    db.session.commit()
    _, meeting = services.get_document(current_user, doc.id)
    return services.view_for(current_user, meeting).out(doc)


@bp.post("/documents/<int:document_id>/versions")
@operation(
    "uploadDocumentVersion",
    "Upload a new version of a document (secretariat); the old version stays readable",
    tag=TAG,
    form=VersionForm,
    files=("file",),
    response=DocumentOut,
    status=202,
    max_body=upload_limit,
)
def upload_document_version(document_id: int, form: VersionForm) -> DocumentOut:
    doc = services.upload_version(current_user, document_id, _upload())
    db.session.commit()
    _, meeting = services.get_document(current_user, doc.id)
    return services.view_for(current_user, meeting).out(doc)


@bp.get("/meetings/<int:meeting_id>/documents")
@operation(
    "listDocuments",
    "The session's documents the user may see (staff also see unpublished ones)",
    tag=TAG,
    response=DocumentListOut,
)
def list_documents(meeting_id: int) -> DocumentListOut:
    docs, view = services.list_documents(current_user, meeting_id)
    return DocumentListOut(documents=[view.out(d) for d in docs])


@bp.get("/documents/<int:document_id>")
@operation(
    "getDocument", "A document with its pages and outline", tag=TAG, response=DocumentDetailOut
)
def get_document(document_id: int) -> DocumentDetailOut:
    doc, meeting = services.get_document(current_user, document_id)
    return services.view_for(current_user, meeting).detail(doc)


@bp.patch("/documents/<int:document_id>")
@operation(
    "updateDocument",
    "Change a document's title, kind, confidentiality or agenda item (all its versions)",
    tag=TAG,
    body=DocumentUpdateIn,
    response=DocumentOut,
)
def update_document(document_id: int, body: DocumentUpdateIn) -> DocumentOut:
    doc = services.update_document(current_user, document_id, **body.model_dump(exclude_unset=True))
    db.session.commit()
    _, meeting = services.get_document(current_user, doc.id)
    return services.view_for(current_user, meeting).out(doc)


@bp.delete("/documents/<int:document_id>")
@operation(
    "deleteDocument", "Delete an unpublished document (secretariat)", tag=TAG, response=DeletedOut
)
def delete_document(document_id: int) -> DeletedOut:
    deleted = services.delete_document(current_user, document_id)
    db.session.commit()
    return DeletedOut(deleted=True, document_id=deleted)


@bp.post("/documents/<int:document_id>/publish")
@operation(
    "publishDocument",
    "Publish a document to the session's delegates and guests (secretariat)",
    tag=TAG,
    response=PublishOut,
    description="Sends `document.published` on the meeting stream. Publishing later than the "
    "council's `publish_days_before` before the session start still publishes, and answers "
    '`late: true` with a `warning` {"code": "published_late", "message"}.',
)
def publish_document(document_id: int) -> PublishOut:
    result = services.publish_document(current_user, document_id)
    db.session.commit()
    return PublishOut(
        document=document_out(result.document, previous_version_id=result.previous_version_id),
        late=result.late,
        warning=result.warning,
    )


#: A page stamped with its reader's name is kept by no cache: not the browser's, not the
#: tablet's (the next user of the tablet must not be shown it).
STAMPED_CACHE = "private, no-store"


def _image_headers(response: Response, image: services.PageImage) -> Response:
    response.set_etag(image.etag)
    response.headers["Cache-Control"] = STAMPED_CACHE if image.watermark else IMAGE_CACHE
    response.headers["Vary"] = "Accept, Cookie"
    return response


def _wants_webp() -> bool:
    """Only an explicit image/webp in Accept (a bare */* may come from a client without it)."""
    return any(m.lower() == "image/webp" and q > 0 for m, q in request.accept_mimetypes)


@bp.get("/documents/<int:document_id>/pages/<int:page>/image")
@operation(
    "getDocumentPageImage",
    "A page rendered as an image (PNG; photographs as WebP when accepted)",
    tag=TAG,
    query=PageImageQuery,
    produces=("image/webp", "image/png"),
    description="`width` (CSS pixels) is snapped to 160 (thumbnail), 480, 960, 1536 or 2048 "
    "and `dpr` to 1, 1.5, 2 or 3; the image is width × dpr pixels wide. Strong ETag, "
    "cached for a year (immutable); If-None-Match answers 304. Confidential documents are "
    "stamped with the reader's name, and their pages are never cached (no-store).",
)
def get_page_image(document_id: int, page: int, query: PageImageQuery) -> Response:
    fmt = "webp" if _wants_webp() else "png"
    image = services.page_image(
        current_user, document_id, page, width=query.width, dpr=query.dpr, fmt=fmt
    )
    if image.etag in request.if_none_match:
        return _image_headers(Response(status=304), image)
    # Pages are small (tens to hundreds of kB): read at once, no file handle left open.
    data = services.render(image).read_bytes()
    # WebP or PNG as asked for photographs; other pages are a small PNG for everyone.
    mimetype = "image/webp" if data[8:12] == b"WEBP" else "image/png"
    return _image_headers(Response(data, mimetype=mimetype), image)


@bp.get("/documents/<int:document_id>/pages/<int:page>/text")
@operation(
    "getDocumentPageText",
    "The words of a page with their boxes (PDF points, top-left of the unrotated page)",
    tag=TAG,
    response=PageTextOut,
    description="For those who may download the document: whoever's `downloadDocument` "
    "answers 403 (a confidential document) gets 403 `document_confidential` here too. "
    "`watermark` is the stamp naming the reader that the page images carry (null when "
    "they carry none).",
)
def get_page_text(document_id: int, page: int) -> PageTextOut:
    return services.page_text(current_user, document_id, page)


@bp.get("/documents/<int:document_id>/download")
@operation(
    "downloadDocument",
    "Download the sanitised PDF (never a confidential document)",
    tag=TAG,
    produces=("application/pdf",),
)
def download_document(document_id: int) -> Response:
    path, name = services.download(current_user, document_id)
    db.session.commit()
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=name, etag=False
    )


@bp.get("/meetings/<int:meeting_id>/search")
@operation(
    "searchDocuments",
    "Search the session's documents, with or without Vietnamese diacritics",
    tag=TAG,
    query=SearchQuery,
    response=SearchOut,
    description="Every word must occur on the page (the last one may be the start of a word); "
    '"ngan sach" finds "ngân sách" and "đ" matches "d". Results are pages, best first, '
    "with a snippet, highlight offsets in it and the boxes of the matched words. Only "
    "documents the user may download are searched: confidential ones never appear, and "
    "`document_id` of one answers 403 `document_confidential`.",
)
def search_documents(meeting_id: int, query: SearchQuery) -> SearchOut:
    return services.search_documents(
        current_user, meeting_id, query.q, document_id=query.document_id, limit=query.limit
    )


@bp.post("/documents/<int:document_id>/reads")
@operation(
    "recordDocumentRead",
    "Record that the user has seen a page (reading receipts of members)",
    tag=TAG,
    body=ReadIn,
    response=ReadOut,
)
def record_document_read(document_id: int, body: ReadIn) -> ReadOut:
    row = services.record_read(current_user, document_id, body.page)
    db.session.commit()
    if row is None:
        return ReadOut(recorded=False, read=None)
    return ReadOut(
        recorded=True,
        read=ReadState(
            max_page=row.max_page, pages_read=len(row.pages or []), last_read_at=row.last_read_at
        ),
    )


@bp.get("/documents/<int:document_id>/reads")
@operation(
    "listDocumentReads",
    "Which members opened the document and how far they read (secretariat, chair)",
    tag=TAG,
    response=ReadListOut,
)
def list_document_reads(document_id: int) -> ReadListOut:
    return services.list_reads(current_user, document_id)


@bp.put("/meetings/<int:meeting_id>/follow")
@operation(
    "setFollow",
    "Ask every tablet to open a published document at a page, or stop (chair, secretariat)",
    tag=TAG,
    body=FollowIn,
    response=FollowOut,
)
def set_follow(meeting_id: int, body: FollowIn) -> FollowOut:
    meeting = services.set_follow(current_user, meeting_id, body.document_id, body.page)
    db.session.commit()
    return FollowOut(follow=follow_out(meeting))
