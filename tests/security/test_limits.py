"""Ids beyond what the database holds are refused cleanly, in paths and in bodies."""

from __future__ import annotations


def test_huge_ids_are_not_found_or_invalid(login, demo_meeting_id):
    secretary = login("secretary")
    assert secretary.get("/api/councils/9223372036854775808/members").status_code == 404
    assert secretary.get(f"/api/meetings/{2**31}").status_code == 404
    response = secretary.post(
        f"/api/meetings/{demo_meeting_id}/attendance/check-in", json={"user_id": 2**40}
    )
    assert response.status_code == 422
    assert "user_id" in response.json["error"]["fields"]
    state = secretary.get(f"/api/meetings/{demo_meeting_id}/state?since={2**60}")
    assert state.status_code == 422


def test_null_for_a_required_field_changes_nothing(login, demo_meeting_id):
    secretary = login("secretary")
    item = secretary.get(f"/api/meetings/{demo_meeting_id}").json["agenda"][1]
    response = secretary.patch(f"/api/agenda/{item['id']}", json={"title": None, "kind": None})
    assert response.status_code == 200
    assert response.json["title"] == item["title"]
