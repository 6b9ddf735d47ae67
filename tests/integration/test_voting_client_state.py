"""What the voting screens read from the meeting state besides the `votes` section."""

from __future__ import annotations

from typing import Any


def test_meeting_section_carries_the_councils_ballot_change_default(
    app: Any, login: Any, demo_meeting_id: int
) -> None:
    chair = login("chair")
    url = f"/api/meetings/{demo_meeting_id}/state"
    assert chair.get(url).json["state"]["meeting"]["allow_ballot_change"] is True

    with app.app_context():
        from server.extensions import db
        from server.meetings.models import Meeting

        meeting = db.session.get(Meeting, demo_meeting_id)
        meeting.council.settings = {**meeting.council.settings, "allow_ballot_change": False}
        db.session.commit()

    assert chair.get(url).json["state"]["meeting"]["allow_ballot_change"] is False
