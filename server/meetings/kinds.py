"""The values a session's states and kinds take (pure: the models, the schemas and other
features' shapes share them, and the database's CHECK constraints are made from them)."""

from __future__ import annotations

from typing import Literal

MeetingStatus = Literal["draft", "scheduled", "in_progress", "closed"]
AgendaKind = Literal[
    "section",
    "report",
    "submission",
    "resolution",
    "review",
    "discussion",
    "question",
    "procedure",
    "other",
]
AgendaStatus = Literal["pending", "done"]
AttendanceState = Literal["present", "online", "excused", "absent"]
#: How attendance was recorded: by the member, by scanning the hall code, by the secretariat.
AttendanceMethod = Literal["self", "qr", "secretariat"]
SpeakerKind = Literal["debate", "question"]
SpeakerStatus = Literal["waiting", "speaking", "done", "withdrawn"]
