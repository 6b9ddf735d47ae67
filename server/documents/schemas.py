"""JSON shapes of the documents API."""

from __future__ import annotations

from pydantic import BaseModel, Field, HttpUrl, field_validator

from server.api import Strict, Timestamp
from server.documents.kinds import DocumentKind, DocumentStatus
from server.meetings.schemas import FollowTarget


class Message(BaseModel):
    code: str
    message: str


class Progress(BaseModel):
    done: int
    total: int


class ReadState(BaseModel):
    max_page: int
    pages_read: int
    last_read_at: Timestamp | None


class DocumentOut(BaseModel):
    id: int
    meeting_id: int
    agenda_item_id: int | None
    title: str
    kind: DocumentKind
    url: str | None
    confidential: bool
    status: DocumentStatus
    error: Message | None
    warnings: list[Message]
    progress: Progress
    page_count: int
    filename: str | None
    size_bytes: int | None
    version: int
    series_id: int
    previous_version_id: int | None
    is_latest: bool
    published: bool
    published_at: Timestamp | None
    created_at: Timestamp | None
    searchable: bool
    downloadable: bool
    #: True when this user's reading is recorded (members of the council).
    reads_recorded: bool
    read: ReadState | None


class PageOut(BaseModel):
    number: int
    width: float
    height: float
    rotation: int
    label: str | None
    has_text: bool
    ocr: bool


class OutlineEntry(BaseModel):
    level: int
    title: str
    page: int


class DocumentDetailOut(DocumentOut):
    pages: list[PageOut]
    outline: list[OutlineEntry]


class DocumentListOut(BaseModel):
    documents: list[DocumentOut]


class _Url(BaseModel):
    url: HttpUrl


class UploadForm(Strict):
    title: str | None = Field(default=None, max_length=300)
    kind: DocumentKind = "main"
    confidential: bool = False
    url: str | None = Field(default=None, max_length=2000)

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.lower().startswith(("http://", "https://")):
            raise ValueError("phải bắt đầu bằng http:// hoặc https://")
        _Url.model_validate({"url": value})
        return value


class VersionForm(Strict):
    pass


class DocumentUpdateIn(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    kind: DocumentKind | None = None
    confidential: bool | None = None
    agenda_item_id: int | None = Field(default=None, ge=1)
    url: str | None = Field(default=None, max_length=2000)

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        return UploadForm._web_address(value)


class DeletedOut(BaseModel):
    deleted: bool
    document_id: int


class PublishOut(BaseModel):
    document: DocumentOut
    late: bool
    warning: Message | None


class PageImageQuery(Strict):
    width: int = Field(default=960, ge=16, le=8192)
    dpr: float = Field(default=1.0, ge=0.5, le=4.0)


class PageLink(BaseModel):
    rect: list[float]
    page: int | None = None
    url: str | None = None


class PageTextOut(BaseModel):
    document_id: int
    page: int
    width: float
    height: float
    rotation: int
    label: str | None
    #: [[x0, y0, x1, y1, "text"], ...]
    words: list[list[float | str]]
    links: list[PageLink]
    ocr: bool
    searchable: bool
    #: The stamp naming the reader that this document's page images carry for them, null
    #: when the pages carry none (see services.page_text).
    watermark: str | None


class SearchQuery(Strict):
    q: str = Field(min_length=1, max_length=200)
    document_id: int | None = Field(default=None, ge=1)
    limit: int = Field(default=20, ge=1, le=100)


class SearchResult(BaseModel):
    document_id: int
    title: str
    page: int
    label: str | None
    snippet: str
    highlights: list[list[int]]
    rects: list[list[float]]
    score: float


class SearchOut(BaseModel):
    query: str
    tokens: list[str]
    results: list[SearchResult]


class ReadIn(Strict):
    page: int = Field(ge=1)


class ReadOut(BaseModel):
    recorded: bool
    read: ReadState | None


class ReaderOut(BaseModel):
    user_id: int
    full_name: str
    first_opened_at: Timestamp
    last_read_at: Timestamp
    pages_read: int
    max_page: int


class ReadListOut(BaseModel):
    document_id: int
    page_count: int
    members: int
    reads: list[ReaderOut]


class FollowIn(Strict):
    document_id: int | None = Field(default=None, ge=1)
    page: int = Field(default=1, ge=1)


class FollowOut(BaseModel):
    follow: FollowTarget | None
