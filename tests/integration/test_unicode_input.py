"""Text arrives in NFC whatever keyboard typed it: "Nguyễn" spelled with combining marks
(NFD) is the same name as the precomposed one, never a second candidate."""

from __future__ import annotations

import unicodedata

import pymupdf

from tests.factories import PASSWORD
from tests.integration.documents_helpers import item_ids, upload, vietnamese_pdf, wait_for
from tests.integration.test_voting import Hall

NAME = "Nguyễn Thị Ánh Tuyết"
NFD = unicodedata.normalize("NFD", NAME)


def test_the_two_spellings_differ_as_typed():
    assert NFD != NAME
    assert unicodedata.normalize("NFC", NFD) == NAME


def test_the_same_candidate_in_both_spellings_is_one_name(app, login, demo_meeting_id):
    hall = Hall(app, login, demo_meeting_id)
    body = {
        "agenda_item_id": hall.resolution_items[0],
        "title": unicodedata.normalize("NFD", "Bầu Phó Chủ tịch"),
        "kind": "election",
        "max_choices": 1,
        "options": [{"label": NAME}, {"label": NFD}],
    }
    twice = hall.secretary.post(f"/api/meetings/{demo_meeting_id}/motions", json=body)
    assert twice.status_code == 422
    assert twice.json["error"]["code"] == "motion_option_duplicate"
    body["options"] = [{"label": NFD}, {"label": "Trần Văn Bình"}]
    made = hall.secretary.post(f"/api/meetings/{demo_meeting_id}/motions", json=body)
    assert made.status_code == 201, made.json
    assert made.json["title"] == "Bầu Phó Chủ tịch"
    assert made.json["options"][0]["label"] == NAME


def test_names_and_titles_are_stored_in_nfc(login, demo_meeting_id):
    admin = login("admin")
    council = admin.post(
        "/api/councils",
        json={"name": unicodedata.normalize("NFD", "HĐND xã Ea Tu"), "level": "commune"},
    )
    assert council.json["name"] == "HĐND xã Ea Tu"
    # A password is kept exactly as typed: it is compared, never shown.
    password = unicodedata.normalize("NFD", "Mật khẩu ") + PASSWORD
    user = admin.post(
        "/api/users",
        json={
            "username": "tuyet.nguyen",
            "full_name": NFD,
            "position": unicodedata.normalize("NFD", "Đại biểu"),
            "password": password,
            "council_id": council.json["id"],
            "roles": ["delegate"],
        },
    )
    assert user.status_code == 201, user.json
    assert (user.json["full_name"], user.json["position"]) == (NAME, "Đại biểu")
    assert login("tuyet.nguyen", password).user["full_name"] == NAME


def test_a_pdfs_own_title_is_made_nfc(login, demo_meeting_id):
    secretary = login("secretary")
    doc = pymupdf.open("pdf", vietnamese_pdf(pages=1))
    doc.set_metadata({"title": unicodedata.normalize("NFD", "Tờ trình dự toán ngân sách")})
    answer = upload(secretary, item_ids(secretary, demo_meeting_id)[0], doc.tobytes())
    assert answer.status_code == 202, answer.json
    assert wait_for(secretary, answer.json["id"])["title"] == "Tờ trình dự toán ngân sách"
