"""Security tests run against the embedded default (SQLite): they probe the HTTP layer."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from server.extensions import db
from tests.conftest import TEMPLATE_STORAGE, build_app


@pytest.fixture
def sqlite_app(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    # The demo documents' files, as the `app` fixture gives them (hard links).
    template = TEMPLATE_STORAGE.get("sqlite")
    if template is not None and template.is_dir():
        shutil.copytree(template, tmp_path / "storage", copy_function=os.link)
    app = build_app(f"sqlite:///{path}", tmp_path / "storage")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
