"""The web client's operations.js is what the server's OpenAPI document says, and the client
names only operations that exist (tools/client_operations.py writes the module)."""

from __future__ import annotations

import re

import pytest

from tools.client_operations import (
    TARGET,
    ClientOperation,
    api_root,
    client_operations,
    openapi_document,
    render,
)

SOURCES = TARGET.parent.parent  # client_web/src
#: Functions whose first argument is an operationId (api.js, operations.js, upload.js, and
#: DocumentsTab's startUpload, which hands its operationId to uploadForm).
NAMING = re.compile(
    r"(?<![\w$.])(?:call|path|apiUrl|uploadForm|startUpload|sendOperation)\(\s*"
    r"(?P<quote>['\"`])(?P<name>[^'\"`]*)(?P=quote)"
)
#: call/path/apiUrl with anything but a literal first: unchecked, so only where they are defined.
NOT_LITERAL = re.compile(r"(?<![\w$.])(?:call|path|apiUrl)\(\s*(?!['\"`])")
DEFINED_IN = {"lib/api.js", "lib/operations.js", "lib/upload.js"}


@pytest.fixture(scope="module")
def operations() -> list[ClientOperation]:
    return client_operations(openapi_document(), api_root())


def client_sources() -> dict[str, str]:
    """Every JavaScript source of the client but the generated module, by path under src/."""
    files = [p for p in SOURCES.rglob("*") if p.suffix in {".js", ".jsx"} and p != TARGET]
    return {p.relative_to(SOURCES).as_posix(): p.read_text(encoding="utf-8") for p in files}


def test_the_committed_module_is_what_the_generator_writes(operations: list[ClientOperation]):
    expected = render(operations, api_root())
    assert TARGET.read_text(encoding="utf-8") == expected, (
        "client_web/src/lib/operations.js is out of date with the server's routes: "
        "run `make client-operations` and commit it"
    )


def test_every_operation_the_client_names_exists(operations: list[ClientOperation]):
    known = {op.operation_id for op in operations}
    named = {
        (where, m["name"])
        for where, text in client_sources().items()
        for m in NAMING.finditer(text)
    }
    assert len({name for _, name in named}) > 40  # the pattern still finds the call sites
    assert sorted((where, name) for where, name in named if name not in known) == []


def test_operations_are_named_literally_outside_the_api_modules():
    unchecked = [
        f"{where}:{text.count(chr(10), 0, m.start()) + 1}"
        for where, text in client_sources().items()
        if where not in DEFINED_IN
        for m in NOT_LITERAL.finditer(text)
    ]
    assert unchecked == []


def test_no_rest_path_is_written_by_hand(operations: list[ClientOperation]):
    root = api_root()
    segments = sorted({op.path.split("/")[1] for op in operations})
    # A string or template literal that starts with the API's root or one of its first
    # path segments ('/api/...', `/meetings/${id}`): such a path belongs in operations.js.
    literal = re.compile(
        r"['\"`](?:" + re.escape(root) + r"|/(?:" + "|".join(map(re.escape, segments)) + r"))"
        r"(?=[/'\"`?$])"
    )
    found = [
        f"{where}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for where, text in client_sources().items()
        for m in literal.finditer(text)
    ]
    assert found == []
