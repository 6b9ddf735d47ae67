"""System tests: the real entry point in its own process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import LiveServer, prepare_database


@pytest.fixture
def live_sqlite(tmp_path: Path) -> Iterator[LiveServer]:
    """A prepared SQLite database (migrated, demo seeded); start servers on it yourself."""
    url = f"sqlite:///{tmp_path / 'live.db'}"
    prepare_database(url, tmp_path / "storage")
    server = LiveServer(database_url=url, storage=tmp_path / "storage")
    yield server
    server.stop()
