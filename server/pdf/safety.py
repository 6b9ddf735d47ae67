"""Finding (and removing) what must never reach a reader: scripts, actions, attachments.

The sanitiser rebuilds every document into a new one (server.pdf.pipeline); this module
is the check on its output. It reads every object of the file, not only the catalog and
the pages, because a dangerous dictionary can hang anywhere in the object graph.
"""

from __future__ import annotations

import re

import pymupdf

#: PDF names that carry active content, actions or attachments.
DANGEROUS_NAMES = (
    "JS",
    "JavaScript",
    "Launch",
    "EmbeddedFile",
    "EmbeddedFiles",
    "AA",
    "OpenAction",
    "SubmitForm",
    "ImportData",
    "GoToR",
    "GoToE",
    "RichMedia",
    "XFA",
    "AcroForm",
    "URI",
)

# A name token ends at whitespace or a delimiter; "/JSFoo" is not "/JS".
_NAME = re.compile(r"/(" + "|".join(DANGEROUS_NAMES) + r")(?=[\s/\[\]<>(){}%]|$)")


def names_in(source: str) -> set[str]:
    """The dangerous names appearing as name tokens in an object's source."""
    return {m.group(1) for m in _NAME.finditer(source)}


def scan(doc: pymupdf.Document) -> dict[int, set[str]]:
    """Every object (xref -> names) holding a dangerous name; 0 stands for the trailer.

    MuPDF prints names decoded, so "/J#53" in the file is found as "/JS".
    """
    found: dict[int, set[str]] = {}
    trailer = names_in(doc.pdf_trailer(compressed=True))
    if trailer:
        found[0] = trailer
    for xref in range(1, doc.xref_length()):
        try:
            source = doc.xref_object(xref, compressed=True)
        except Exception:  # noqa: S112 - a broken object holds nothing we could keep
            continue
        hits = names_in(source)
        if hits:
            found[xref] = hits
    return found


#: Keys removed from any dictionary holding them.
_STRIP_KEYS = (
    "AA",
    "OpenAction",
    "JS",
    "JavaScript",
    "EmbeddedFiles",
    "AcroForm",
    "XFA",
    "RichMedia",
    "URI",
    "Names",
)


def strip(doc: pymupdf.Document, found: dict[int, set[str]]) -> None:
    """Null the keys that carry active content in the objects `scan` found.

    Objects that are themselves an action or an attachment are emptied.
    """
    for xref in found:
        if xref == 0:
            continue
        kind = doc.xref_get_key(xref, "Type")[1]
        action = doc.xref_get_key(xref, "S")[1]
        if kind in ("/EmbeddedFile", "/Filespec", "/Action") or action in (
            "/JavaScript",
            "/Launch",
            "/SubmitForm",
            "/ImportData",
            "/GoToR",
            "/GoToE",
            "/URI",
            "/RichMediaExecute",
        ):
            if doc.xref_is_stream(xref):
                doc.update_stream(xref, b"")
            doc.update_object(xref, "<<>>")
            continue
        for key in _STRIP_KEYS:
            if doc.xref_get_key(xref, key)[0] != "null":
                doc.xref_set_key(xref, key, "null")
