"""Offline work replayed at the protocol level: nothing lost, nothing applied twice.

A client goes offline and queues 200 changes locally (creates, updates, deletes), as the
tablet app does in IndexedDB. Back online it replays the queue over HTTP, one request per
change or in batches (`syncAnnotations`), sending some requests twice (an answer lost on
the way back). Then every change is on the server
exactly once, the author's second device heard each one live, and a third device that was
offline all along catches up with one `listAnnotations?since=`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from server.documents import processing
from tests.integration.annotations_helpers import new_id, page_text, readable_document

CHANGES = 200
CREATES, UPDATES, DELETES = 120, 50, 30
COLORS = ("#ffd400", "#e53935", "#43a047", "#1e88e5")


@pytest.fixture(autouse=True)
def _settle(app):
    yield
    assert processing.wait_idle(120)


@dataclass
class Queued:
    op: str
    annotation_id: str
    body: dict[str, Any]


@dataclass
class OfflineClient:
    """A device's own copy of its annotations and the queue of changes made offline."""

    document_id: int
    local: dict[str, dict[str, Any]] = field(default_factory=dict)
    queue: list[Queued] = field(default_factory=list)

    def create(self, body: dict[str, Any]) -> None:
        self.local[body["id"]] = {**body, "version": 1, "deleted": False}
        self.queue.append(Queued("create", body["id"], body))

    def update(self, annotation_id: str, **changes: Any) -> None:
        mine = self.local[annotation_id]
        # The version this change was made on, as the device knew it.
        self.queue.append(Queued("update", annotation_id, {"version": mine["version"], **changes}))
        mine.update(changes)
        mine["version"] += 1

    def delete(self, annotation_id: str) -> None:
        self.local[annotation_id]["deleted"] = True
        self.local[annotation_id]["version"] += 1
        self.queue.append(Queued("delete", annotation_id, {}))

    def send(self, api: Any, change: Queued) -> Any:
        if change.op == "create":
            return api.post(f"/api/documents/{self.document_id}/annotations", json=change.body)
        path = f"/api/annotations/{change.annotation_id}"
        if change.op == "update":
            return api.patch(path, json=change.body)
        return api.delete(path)

    def as_change(self, change: Queued) -> dict[str, Any]:
        """The change as an item of a `syncAnnotations` batch."""
        if change.op == "create":
            return {"op": "create", "document_id": self.document_id, "annotation": change.body}
        if change.op == "update":
            return {"op": "update", "id": change.annotation_id, **change.body}
        return {"op": "delete", "id": change.annotation_id}

    def replay_in_batches(self, api: Any, rng: random.Random, size: int = 50) -> int:
        """Send the queue in batches; some batches go twice. Returns how many went twice."""
        retried = 0
        for start in range(0, len(self.queue), size):
            part = self.queue[start : start + size]
            batch = {"changes": [self.as_change(c) for c in part]}
            first = api.post("/api/annotations/batch", json=batch)
            assert first.status_code == 200, first.json
            results = first.json["results"]
            assert [r["status"] for r in results] == [
                201 if c.op == "create" else 200 for c in part
            ], results
            assert [r["annotation"]["id"] for r in results] == [c.annotation_id for c in part]
            if rng.random() < 0.5:
                retried += 1
                again = api.post("/api/annotations/batch", json=batch)
                assert again.status_code == 200, again.json
                for change, result in zip(part, again.json["results"], strict=True):
                    if result["status"] == 409:
                        # An older edit, superseded by a later one of the same queue: the
                        # client sees its own later state in `current`.
                        assert change.op == "update"
                        assert result["error"]["current"]["version"] > change.body["version"] + 1
                    else:
                        assert result["status"] == (201 if change.op == "create" else 200)
        self.queue.clear()
        return retried

    def replay(self, api: Any, rng: random.Random) -> int:
        """Send the queue in order; some requests go twice. Returns how many went twice."""
        retried = 0
        for change in self.queue:
            answers = [self.send(api, change)]
            if rng.random() < 0.15:
                answers.append(self.send(api, change))
                retried += 1
            for response in answers:
                assert response.status_code in (200, 201), (change, response.json)
                assert response.json["id"] == change.annotation_id
        self.queue.clear()
        return retried


def _offline_work(client: OfflineClient, words: list[list[Any]], rng: random.Random) -> None:
    created: list[str] = []
    for n in range(CREATES):
        kind = ("highlight", "note", "ink", "underline")[n % 4]
        body: dict[str, Any] = {"id": new_id(), "page": 1 + n % 2, "kind": kind}
        if kind in ("highlight", "underline"):
            body["geometry"] = {"rects": [list(words[n % len(words)][:4])]}
        elif kind == "note":
            body["geometry"] = {"point": [50 + n, 60 + n]}
            body["text"] = f"Ghi chú ngoại tuyến số {n}"
        else:
            body["geometry"] = {"strokes": [[[40, 40 + n], [80, 50 + n], [120, 45 + n]]]}
        client.create(body)
        created.append(body["id"])
    alive = list(created)
    for n in range(UPDATES):
        target = rng.choice(alive[:60])
        client.update(target, color=COLORS[n % len(COLORS)], text=f"Sửa lần {n}")
    for _ in range(DELETES):
        target = alive.pop(rng.randrange(len(alive)))
        client.delete(target)
    assert len(client.queue) == CHANGES


def _apply(events: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """What a device holds after applying notices: the highest version of each wins."""
    state: dict[str, dict[str, Any]] = {}
    for _, payload in events:
        a = payload["annotation"]
        if a["id"] not in state or a["version"] > state[a["id"]]["version"]:
            state[a["id"]] = a
    return state


def _summary(annotation: dict[str, Any]) -> tuple[Any, ...]:
    if annotation["deleted"]:
        return (annotation["version"], True)
    return (annotation["version"], False, annotation.get("color"), annotation.get("text"))


@pytest.mark.parametrize("mode", ["requests", "batches"])
def test_two_hundred_offline_changes_replay_exactly_once(mode, login, socket_for, demo_meeting_id):
    rng = random.Random(6)
    tablet = login("delegate01")
    doc = readable_document(tablet, demo_meeting_id)
    words = page_text(tablet, doc["id"])["words"]
    before = tablet.get(f"/api/documents/{doc['id']}/annotations").json["cursor"]

    # Offline: changes go to the local queue only.
    client = OfflineClient(doc["id"])
    _offline_work(client, words, rng)

    # The author's phone is online the whole time.
    phone = socket_for(login("delegate01"))
    phone.get_received()
    # Back online: the tablet replays its queue, some requests twice.
    sent = list(client.queue)
    if mode == "requests":
        assert client.replay(tablet, rng) > 10
    else:
        assert client.replay_in_batches(tablet, rng) >= 1

    # On the server: each change once (the author's change counter moved by exactly 200).
    full = tablet.get(f"/api/documents/{doc['id']}/annotations").json
    assert full["cursor"] - before == CHANGES
    expected_alive = {i: a for i, a in client.local.items() if not a["deleted"]}
    assert len(expected_alive) == CREATES - DELETES
    server = {a["id"]: a for a in full["annotations"]}
    assert set(server) == set(expected_alive)
    for annotation_id, mine in expected_alive.items():
        theirs = server[annotation_id]
        assert theirs["version"] == mine["version"]
        assert theirs["text"] == mine.get("text")
        assert theirs["color"] == mine.get("color", theirs["color"])

    # The phone heard every change live, each once.
    heard = [
        (e["name"], e["args"][0])
        for e in phone.get_received()
        if e["name"].startswith("annotation.")
    ]
    names = [n for n, _ in heard]
    assert len(heard) == CHANGES
    assert names.count("annotation.created") == CREATES
    assert names.count("annotation.updated") == UPDATES
    assert names.count("annotation.deleted") == DELETES
    assert len({(p["annotation"]["id"], p["annotation"]["version"]) for _, p in heard}) == CHANGES
    on_phone = _apply(heard)
    assert {i: _summary(a) for i, a in on_phone.items()} == {
        i: _summary({**a, "color": a.get("color", on_phone[i]["color"])})
        for i, a in client.local.items()
    }

    # A third device, offline all along, catches up in one call, tombstones included.
    catch_up = (
        login("delegate01").get(f"/api/documents/{doc['id']}/annotations?since={before}").json
    )
    assert catch_up["more"] is False
    assert catch_up["cursor"] == full["cursor"]
    caught = {a["id"]: a for a in catch_up["annotations"]}
    assert len(catch_up["annotations"]) == CREATES
    assert {i for i, a in caught.items() if a["deleted"]} == {
        i for i, a in client.local.items() if a["deleted"]
    }
    assert {i: _summary(a) for i, a in caught.items()} == {
        i: _summary(a) for i, a in on_phone.items()
    }

    # The whole queue once more (a device that lost every answer): nothing changes. Old
    # edits of since-changed or deleted annotations are refused with the current state.
    if mode == "requests":
        for change in sent:
            response = client.send(tablet, change)
            assert response.status_code in (200, 201, 409), response.json
            if response.status_code == 409:
                assert response.json["error"]["current"]["id"] == change.annotation_id
    else:
        batch = {"changes": [client.as_change(c) for c in sent]}
        results = tablet.post("/api/annotations/batch", json=batch).json["results"]
        assert {r["status"] for r in results} <= {200, 201, 409}
        for change, result in zip(sent, results, strict=True):
            if result["status"] == 409:
                assert result["error"]["current"]["id"] == change.annotation_id
    assert tablet.get(f"/api/documents/{doc['id']}/annotations").json["cursor"] == full["cursor"]
    assert [e for e in phone.get_received() if e["name"].startswith("annotation.")] == []


def test_a_refused_change_does_not_stop_the_batch(login, demo_meeting_id):
    tablet = login("delegate01")
    doc = readable_document(tablet, demo_meeting_id)
    words = page_text(tablet, doc["id"])["words"]
    first, second = new_id(), new_id()
    note = {"page": 1, "kind": "note", "geometry": {"point": [10, 10]}}
    theirs = new_id()
    other = login("delegate02")
    created = other.post(f"/api/documents/{doc['id']}/annotations", json={"id": theirs, **note})
    assert created.status_code == 201
    batch = {
        "changes": [
            {"op": "create", "document_id": doc["id"], "annotation": {"id": first, **note}},
            {
                "op": "create",
                "document_id": doc["id"],
                "annotation": {"id": new_id(), **note, "geometry": {"point": [10, 9999]}},
            },
            {"op": "update", "id": theirs, "version": 1, "text": "không phải của tôi"},
            {"op": "create", "document_id": doc["id"], "annotation": {"id": theirs, **note}},
            {"op": "update", "id": first, "version": 1, "text": "sửa trong cùng lô"},
            {
                "op": "create",
                "document_id": doc["id"],
                "annotation": {
                    "id": second,
                    "page": 1,
                    "kind": "highlight",
                    "geometry": {"rects": [words[0][:4]]},
                },
            },
            {"op": "delete", "id": second},
            {"op": "update", "id": first, "version": 1, "text": "bản cũ"},
        ]
    }
    response = tablet.post("/api/annotations/batch", json=batch)
    assert response.status_code == 200
    results = response.json["results"]
    assert [r["status"] for r in results] == [201, 422, 404, 409, 200, 201, 200, 409]
    assert results[1]["error"]["code"] == "annotation_outside_page"
    assert results[2]["error"]["code"] == "annotation_not_found"
    assert results[3]["error"]["code"] == "annotation_id_taken"
    assert results[4]["annotation"]["version"] == 2
    assert results[6]["annotation"]["deleted"] is True
    assert results[7]["error"]["current"]["text"] == "sửa trong cùng lô"
    mine = tablet.get(f"/api/documents/{doc['id']}/annotations").json["annotations"]
    assert [(a["id"], a["text"]) for a in mine] == [(first, "sửa trong cùng lô")]
    # The other user's annotation is untouched.
    assert (
        other.get(f"/api/documents/{doc['id']}/annotations").json["annotations"][0]["text"] is None
    )
    # A batch is bounded.
    too_many = {"changes": [batch["changes"][0]] * 501}
    assert tablet.post("/api/annotations/batch", json=too_many).status_code == 422
