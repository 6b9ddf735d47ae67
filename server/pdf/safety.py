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


_ACTIONS = (
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
    "/URI",
    "/RichMediaExecute",
)


def strip(doc: pymupdf.Document, found: dict[int, set[str]]) -> None:
    """Remove active content from the objects `scan` found.

    An object that is itself an action, a file specification or an embedded file is
    emptied. Otherwise every top-level key that is dangerous, or whose direct value holds
    a dangerous name somewhere inside, is set to null: safety comes before keeping an
    odd dictionary a hostile file hid it in. Indirect values are objects of their own,
    found and handled by the scan.
    """
    for xref in found:
        if xref == 0:
            continue
        kind = doc.xref_get_key(xref, "Type")[1]
        action = doc.xref_get_key(xref, "S")[1]
        if kind in ("/EmbeddedFile", "/Filespec", "/Action") or action in _ACTIONS:
            if doc.xref_is_stream(xref):
                doc.update_stream(xref, b"")
            doc.update_object(xref, "<<>>")
            continue
        for key in doc.xref_get_keys(xref):
            kind_of_value, value = doc.xref_get_key(xref, key)
            if key in DANGEROUS_NAMES or (kind_of_value in ("dict", "array") and names_in(value)):
                doc.xref_set_key(xref, key, "null")
