"""/metrics figures: connected sockets, event fan-out time, open votes, processing queue."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from server.documents import processing
from tests.integration.documents_helpers import item_ids, settle, upload, vietnamese_pdf, wait_for
from tests.integration.test_voting import Hall


def scrape(client) -> dict[str, float]:
    client.application.config["METRICS_ALLOW"] = ["10.9.0.5"]
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.9.0.5"})
    assert response.status_code == 200
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if not sample.labels or (set(sample.labels) == {"le"} and sample.labels["le"] == "+Inf")
    }


def test_connected_sockets_follow_connect_and_disconnect(client, login, socket_for):
    before = scrape(client)["council_connected_sockets"]
    first = socket_for(login("delegate01"))
    second = socket_for(login("chair"))
    assert first.is_connected()
    assert second.is_connected()
    assert scrape(client)["council_connected_sockets"] == before + 2
    first.disconnect()
    assert scrape(client)["council_connected_sockets"] == before + 1
    second.disconnect()
    assert scrape(client)["council_connected_sockets"] == before

    # A refused connection (no login) is not counted, then or at its end.
    anonymous = socket_for(type("Anon", (), {"client": client})())
    assert not anonymous.is_connected()
    assert scrape(client)["council_connected_sockets"] == before


def test_event_fan_out_is_timed(client, login, socket_for, demo_meeting_id):
    delegate = login("delegate02")
    sio = socket_for(delegate)
    assert sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)["ok"]
    before = scrape(client)["council_event_emit_seconds_count"]
    checked = delegate.post(f"/api/meetings/{demo_meeting_id}/attendance/check-in", json={})
    assert checked.status_code == 200, checked.json
    assert any(m["name"] == "attendance.updated" for m in sio.get_received())
    after = scrape(client)
    assert after["council_event_emit_seconds_count"] > before
    assert after["council_event_emit_seconds_sum"] >= 0


def test_open_votes_are_counted_from_the_database(app, client, login, demo_meeting_id):
    hall = Hall(app, login, demo_meeting_id)
    assert scrape(client)["council_open_votes"] == 0
    hall.check_in(range(1, 41))
    motion = hall.opened(title="Thông qua nghị quyết")
    assert scrape(client)["council_open_votes"] == 1
    assert hall.close(motion["id"]).status_code == 200
    assert scrape(client)["council_open_votes"] == 0


@pytest.fixture
def held_slots(app):
    """Every processing slot taken, so an upload waits in the queue until released."""
    slots = processing._processing_slots(app)
    taken = 0
    while slots.acquire(blocking=False):
        taken += 1
    yield slots
    for _ in range(taken):
        slots.release()


def test_processing_queue_length(client, login, demo_meeting_id, held_slots):
    secretary = login("secretary")
    metrics = scrape(client)
    assert metrics["council_documents_processing"] == 0
    assert metrics["council_documents_processing_oldest_seconds"] == 0
    item = item_ids(secretary, demo_meeting_id)[1]
    first = upload(secretary, item, vietnamese_pdf(2, "Một"), title="Tờ trình một", kind="main")
    second = upload(secretary, item, vietnamese_pdf(2, "Hai"), title="Tờ trình hai", kind="main")
    assert (first.status_code, second.status_code) == (202, 202)
    metrics = scrape(client)
    assert metrics["council_documents_processing"] == 2
    assert metrics["council_documents_processing_oldest_seconds"] >= 0

    held_slots.release()
    try:
        wait_for(secretary, first.json["id"])
        wait_for(secretary, second.json["id"])
        settle()
    finally:
        held_slots.acquire()
    metrics = scrape(client)
    assert metrics["council_documents_processing"] == 0
    assert metrics["council_documents_processing_oldest_seconds"] == 0
