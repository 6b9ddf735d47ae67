"""SIGKILL of the server while a tablet replays its offline annotations (syncAnnotations).

A delegate's tablet queued 200 changes offline (150 creates, 30 updates, 20 deletes) and
replays them in batches through a real server process; the process is killed with SIGKILL
in the middle. After a restart the server holds exactly what the acknowledged batches did
(plus, all or nothing, the batch that was in flight), and replaying the whole queue again
applies every change exactly once: the author's change counter moves by 200, not more.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.live import LiveServer, Tablet, prepare_database

pytestmark = pytest.mark.slow

BATCH = 25


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    storage = tmp_path / "storage"
    name = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.db'}"
    else:
        postgres = request.getfixturevalue("postgres_server")
        name = f"a_{uuid.uuid4().hex[:10]}"
        postgres.create_database(name)
        url = postgres.url(name)
    prepare_database(url, storage)
    server = LiveServer(database_url=url, storage=storage)
    yield server
    server.stop()
    if name is not None:
        postgres.drop_database(name)


def offline_queue(document_id: int, words: list[list[Any]]) -> list[dict[str, Any]]:
    """200 changes as a tablet queues them: creates, then edits and deletions of earlier ones."""
    ids = [str(uuid.uuid4()) for _ in range(150)]
    queue: list[dict[str, Any]] = []
    for k, annotation_id in enumerate(ids):
        word = words[k % len(words)]
        queue.append(
            {
                "op": "create",
                "document_id": document_id,
                "annotation": {
                    "id": annotation_id,
                    "page": 1,
                    "kind": "highlight",
                    "geometry": {"rects": [list(word[:4])]},
                    "color": "#ffd400",
                    "text": f"Ghi chú {k}",
                },
            }
        )
        if k % 5 == 4:  # ids 2, 7, 12 ... are edited once
            queue.append({"op": "update", "id": ids[k - 2], "version": 1, "text": f"Sửa {k - 2}"})
        if k % 15 == 14:  # ids 13, 28 ... are deleted
            queue.append({"op": "delete", "id": ids[k - 1], "version": 1})
        if k % 15 == 7:  # ids 1, 16 ... are deleted
            queue.append({"op": "delete", "id": ids[k - 6], "version": 1})
    assert len(queue) == 200
    return queue


def expected_after(changes: list[dict[str, Any]]) -> dict[str, tuple[str, int]]:
    """What the server holds after these changes: id -> (text, version) of live annotations."""
    state: dict[str, tuple[str, int]] = {}
    for change in changes:
        if change["op"] == "create":
            state[change["annotation"]["id"]] = (change["annotation"]["text"], 1)
        elif change["op"] == "update":
            state[change["id"]] = (change["text"], state[change["id"]][1] + 1)
        else:
            del state[change["id"]]
    return state


def server_state(tablet: Tablet, document_id: int) -> tuple[dict[str, tuple[str, int]], int]:
    listing = tablet.api("GET", f"/api/documents/{document_id}/annotations").json()
    rows = listing["annotations"]
    state = {a["id"]: (a["text"], a["version"]) for a in rows if not a["deleted"]}
    assert len(state) == len([a for a in rows if not a["deleted"]]), "an annotation twice"
    return state, listing["cursor"]


def test_killed_during_an_offline_replay(live_server: LiveServer):
    server = live_server.start()
    tablet = Tablet(server.url, "delegate07")
    meeting_id = tablet.api("GET", "/api/meetings").json()["meetings"][0]["id"]
    documents = tablet.api("GET", f"/api/meetings/{meeting_id}/documents").json()["documents"]
    doc = next(d for d in documents if d["kind"] == "main" and d["status"] == "ready")
    words = tablet.api("GET", f"/api/documents/{doc['id']}/pages/1/text").json()["words"]
    queue = offline_queue(doc["id"], words)
    before, cursor_before = server_state(tablet, doc["id"])
    assert before == {}

    batches = [queue[i : i + BATCH] for i in range(0, len(queue), BATCH)]
    acked: list[int] = []
    stop = threading.Event()

    def replay() -> None:
        for number, batch in enumerate(batches):
            if stop.is_set():
                return
            try:
                answer = tablet.api(
                    "POST", "/api/annotations/batch", json={"changes": batch}, timeout=30
                )
            except requests.RequestException:
                return  # the connection died with the server: this batch is not acknowledged
            if answer.status_code != 200:
                return
            assert [r["status"] for r in answer.json()["results"]] == [
                201 if c["op"] == "create" else 200 for c in batch
            ]
            acked.append(number)

    sender = threading.Thread(target=replay)
    sender.start()
    while len(acked) < 3 and sender.is_alive():
        time.sleep(0.001)
    server.kill()  # SIGKILL while batches are being sent
    stop.set()
    sender.join(timeout=60)
    assert 3 <= len(acked) < len(batches), "the kill came too late to test anything"
    assert acked == list(range(len(acked)))

    server.start()
    # Every acknowledged batch is there; the one in flight is there whole or not at all.
    done = sum(len(b) for b in batches[: len(acked)])
    state, cursor = server_state(tablet, doc["id"])
    in_flight = len(batches[len(acked)])
    assert (state, cursor - cursor_before) in (
        (expected_after(queue[:done]), done),
        (expected_after(queue[: done + in_flight]), done + in_flight),
    )

    # The tablet replays its whole queue again (it cannot know what the lost answer said).
    for batch in batches:
        answer = tablet.api("POST", "/api/annotations/batch", json={"changes": batch})
        assert answer.status_code == 200, answer.text
        statuses = {r["status"] for r in answer.json()["results"]}
        assert statuses <= {200, 201}, answer.json()
    state, cursor = server_state(tablet, doc["id"])
    assert state == expected_after(queue)
    assert len(state) == 130
    assert cursor - cursor_before == 200  # each change applied once, replays changed nothing
    tablet.close()
