"""The paperless council room server.

`create_app` lives in server/app.py and is imported lazily here, so that importing the
package (as `python -m server.wsgi` does first) loads nothing before the entry point has
monkey-patched the standard library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application (see server.app.create_app)."""
    from server.app import create_app as build

    return build(config)
