"""Work a serving process starts once it is up (not in create_app: tests build many apps).

Features register with `@on_serve`; server/wsgi.py calls `start(app)`. Examples:
resuming documents whose processing was cut short, closing votes whose time ran out.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

_hooks: list[Callable[[Flask], None]] = []


def on_serve(fn: Callable[[Flask], None]) -> Callable[[Flask], None]:
    _hooks.append(fn)
    return fn


def start(app: Flask) -> None:
    for hook in _hooks:
        hook(app)
