"""Login, logout, the current user, CSRF, the login throttle, pairing tokens."""

from __future__ import annotations

import pytest

from server.extensions import db


def test_login_returns_user_roles_and_csrf(api):
    response = api.login("delegate01")
    assert response.status_code == 200
    body = response.json
    assert body["user"]["username"] == "delegate01"
    assert body["user"]["roles"] == ["delegate"]
    assert set(body["user"]) >= {"id", "username", "full_name", "roles"}
    assert len(body["csrf_token"]) >= 32

    me = api.get("/api/me")
    assert me.status_code == 200
    assert me.json["user"]["roles"] == ["delegate"]
    assert me.json["csrf_token"] == body["csrf_token"]


def test_session_cookie_is_httponly_and_samesite(api):
    response = api.login("secretary")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_wrong_password_is_401_with_clear_message(api):
    response = api.login("delegate01", "wrong")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_credentials"
    assert "mật khẩu" in response.json["error"]["message"]


def test_unknown_user_is_401_like_a_wrong_password(api):
    response = api.login("nobody", "whatever")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_credentials"


def test_english_message_on_request(api):
    response = api.client.post(
        "/api/auth/login",
        json={"username": "x", "password": "y"},
        headers={"Accept-Language": "en"},
    )
    assert response.json["error"]["message"] == "The username or password is wrong."


def _login_from(app, username: str, password: str, address: str):
    return app.test_client().post(
        "/api/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _let_time_pass(app, seconds: float) -> None:
    """Move every login delay `seconds` into the past (as if the attacker had waited)."""
    from datetime import timedelta

    import sqlalchemy as sa

    from server.accounts.models import LoginThrottle

    with app.app_context():
        for row in db.session.scalars(sa.select(LoginThrottle)):
            if row.next_allowed_at is not None:
                row.next_allowed_at -= timedelta(seconds=seconds)
        db.session.commit()


def test_failures_from_one_address_make_its_attempts_wait_longer_and_longer(app):
    """A guesser on the hall Wi-Fi slows down its own attempts on an account; there is no
    lock, and the account's owner on another tablet logs in at once."""
    free = app.config["LOGIN_FREE_FAILURES"]
    codes = [_login_from(app, "chair", "wrong", "10.0.0.66").status_code for _ in range(free)]
    assert codes == [401] * free
    waits = []
    for _ in range(4):
        blocked = _login_from(app, "chair", "demo", "10.0.0.66")  # even the right password
        assert blocked.status_code == 429
        assert blocked.json["error"]["code"] == "login_throttled"
        seconds = blocked.json["error"]["seconds"]
        assert f"{seconds} giây" in blocked.json["error"]["message"]
        waits.append(seconds)
        _let_time_pass(app, 3600)
        assert _login_from(app, "chair", "wrong", "10.0.0.66").status_code == 401
    assert waits == sorted(waits), "the delay grows"
    assert waits[-1] > waits[0]
    # The chair on their own tablet is not held up by the guesser's failures.
    assert _login_from(app, "chair", "demo", "10.0.0.12").status_code == 200
    # Nor is another account from the guesser's address.
    assert _login_from(app, "delegate03", "demo", "10.0.0.66").status_code == 200


def test_many_addresses_guessing_one_account_delay_it_briefly_and_staff_clear_it(app, login):
    free = app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]
    for n in range(free):
        assert _login_from(app, "delegate02", "wrong", f"10.1.0.{n}").status_code == 401
    for n in range(5):  # each further guess, from yet another address, waits its turn
        _let_time_pass(app, 3600)
        assert _login_from(app, "delegate02", "wrong", f"10.1.1.{n}").status_code == 401
    held = _login_from(app, "delegate02", "demo", "10.2.0.1")
    assert held.status_code == 429
    seconds = int("".join(ch for ch in held.json["error"]["message"] if ch.isdigit()))
    assert seconds <= 60, "an account is never held longer than a minute"
    secretary = login("secretary")
    uid = login("delegate05").user["id"]
    assert secretary.post(f"/api/users/{uid}/unlock").status_code == 200
    with app.app_context():
        from server.accounts.models import User

        uid = db.session.query(User).filter_by(username="delegate02").one().id
    assert secretary.post(f"/api/users/{uid}/unlock").status_code == 200
    assert _login_from(app, "delegate02", "demo", "10.2.0.1").status_code == 200


def test_failures_from_one_address_across_accounts_slow_that_address(app):
    free = app.config["LOGIN_FREE_FAILURES_PER_ADDRESS"]
    for n in range(free + 1):
        account = f"delegate{n % 40 + 10:02d}"
        _login_from(app, account, "wrong", "10.9.9.9")
    assert _login_from(app, "delegate02", "demo", "10.9.9.9").status_code == 429
    assert _login_from(app, "delegate02", "demo", "10.9.9.10").status_code == 200


def test_login_takes_json_only(api):
    response = api.client.post("/api/auth/login", data={"username": "a", "password": "b"})
    assert response.status_code == 415
    assert response.json["error"]["code"] == "json_required"


def test_login_validates_fields(api):
    response = api.client.post("/api/auth/login", json={"username": "", "extra": 1})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert set(fields) == {"username", "password", "extra"}


def test_a_visitor_asking_who_is_there_gets_an_answer_not_an_error(api):
    response = api.get("/api/me")
    assert response.status_code == 200
    assert response.json["user"] is None
    assert response.json["csrf_token"]
    other = api.get("/api/meetings")
    assert other.status_code == 401
    assert other.json["error"]["code"] == "not_authenticated"


def test_state_change_without_csrf_is_refused(login):
    secretary = login("secretary")
    council = secretary.get("/api/councils").json["councils"][0]["id"]
    body = {
        "username": "newperson",
        "full_name": "Người Mới",
        "council_id": council,
        "roles": ["guest"],
    }
    token, secretary.csrf = secretary.csrf, None
    response = secretary.post("/api/users", json=body)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "csrf_failed"
    garbled = secretary.post("/api/users", json=body, headers={"X-CSRF-Token": "mã-sai-é"})
    assert (garbled.status_code, garbled.json["error"]["code"]) == (403, "csrf_failed")
    response = secretary.post("/api/users", json=body, headers={"X-CSRF-Token": token})
    assert response.status_code == 201


def test_logout_ends_the_session_on_the_server(login, app):
    """The old cookie replayed after logout is refused: the session row ended."""
    delegate = login("delegate01")
    cookie = delegate.client.get_cookie("council_session")
    assert cookie is not None
    assert delegate.post("/api/auth/logout").status_code == 200
    assert delegate.get("/api/me").json["user"] is None
    replay = app.test_client()
    replay.set_cookie("council_session", cookie.value)
    assert replay.get("/api/me").json["user"] is None
    assert replay.get("/api/meetings").status_code == 401


def test_a_session_idle_too_long_ends_sooner_for_staff(login, app):
    from datetime import timedelta

    import sqlalchemy as sa

    from server.accounts.models import UserSession

    chair, delegate = login("chair"), login("delegate01")
    with app.app_context():
        for row in db.session.scalars(sa.select(UserSession)):
            row.last_seen_at -= timedelta(hours=2)
        db.session.commit()
    assert chair.get("/api/meetings").status_code == 401, "staff: idle for more than an hour"
    assert delegate.get("/api/meetings").status_code == 200


def test_a_session_in_use_stays_alive_on_reads_alone(login, app):
    """The chair reads for hours without changing anything: each read counts as use."""
    from datetime import timedelta

    import sqlalchemy as sa

    from server.accounts.models import UserSession

    chair = login("chair")

    def fifty_minutes_pass() -> None:
        with app.app_context():
            for row in db.session.scalars(sa.select(UserSession)):
                row.last_seen_at -= timedelta(minutes=50)
            db.session.commit()

    for _ in range(3):
        fifty_minutes_pass()
        assert chair.get("/api/meetings").status_code == 200
    fifty_minutes_pass()
    fifty_minutes_pass()
    assert chair.get("/api/meetings").status_code == 401


def test_password_change_logs_out_other_sessions(login):
    tablet = login("delegate05")
    phone = login("delegate05")
    response = tablet.post(
        f"/api/users/{tablet.user['id']}/password", json={"password": "a-new-long-password"}
    )
    assert response.status_code == 200
    assert tablet.get("/api/me").json["user"]["username"] == "delegate05"
    assert phone.get("/api/meetings").status_code == 401


def test_disabled_account_cannot_log_in(login, api):
    secretary = login("secretary")
    delegate = login("delegate07")
    uid = delegate.user["id"]
    assert secretary.patch(f"/api/users/{uid}", json={"active": False}).status_code == 200
    assert delegate.get("/api/meetings").status_code == 401
    response = api.login("delegate07")
    assert response.status_code == 403
    assert response.json["error"]["code"] == "account_disabled"


def test_user_management_is_for_the_secretariat(login):
    secretary = login("secretary")
    council = secretary.get("/api/councils").json["councils"][0]["id"]
    delegate = login("delegate01")
    response = delegate.post(
        "/api/users",
        json={"username": "intruder", "full_name": "X", "council_id": council, "roles": ["guest"]},
    )
    assert response.status_code == 403
    response = secretary.post(
        "/api/users", json={"username": "newadmin", "full_name": "X", "is_admin": True}
    )
    assert response.status_code == 403, "only an admin creates admins"
    response = secretary.post("/api/users", json={"username": "floating", "full_name": "X"})
    assert response.status_code == 403, "an account of no council is the admin's"
    taken = secretary.post(
        "/api/users",
        json={"username": "delegate01", "full_name": "X", "council_id": council, "roles": []},
    )
    assert taken.status_code == 409
    assert taken.json["error"]["code"] == "username_taken"


def test_pairing_token_logs_a_tablet_in_once(login, api, app):
    secretary = login("secretary")
    uid = login("delegate09").user["id"]
    created = secretary.post(f"/api/users/{uid}/pairing-tokens")
    assert created.status_code == 201
    token = created.json["token"]

    paired = api.client.post("/api/auth/pair", json={"token": token, "label": "Tablet ghế 9"})
    assert paired.status_code == 200
    assert paired.json["user"]["username"] == "delegate09"

    again = app.test_client().post("/api/auth/pair", json={"token": token})
    assert again.status_code == 401
    assert again.json["error"]["code"] == "pairing_token_invalid"

    devices = secretary.get(f"/api/users/{uid}/devices").json["devices"]
    assert [d["label"] for d in devices] == ["Tablet ghế 9"]
    assert api.client.get("/api/me").json["user"]["username"] == "delegate09"
    assert secretary.post(f"/api/devices/{devices[0]['id']}/revoke").status_code == 200
    assert api.client.get("/api/me").json["user"] is None, "a revoked tablet is logged out"
    assert api.client.get("/api/meetings").status_code == 401


def _paired_tablet(app, login, api, username: str):
    """`api` logged in on a tablet paired with a token the secretariat issued for `username`."""
    secretary = login("secretary")
    uid = login(username).user["id"]
    token = secretary.post(f"/api/users/{uid}/pairing-tokens").json["token"]
    paired = api.client.post("/api/auth/pair", json={"token": token, "label": "Máy ghế 5"})
    assert paired.status_code == 200
    assert paired.json["device_confirmed"] is False
    api.csrf = paired.json["csrf_token"]
    return secretary, uid


def test_a_tablet_the_secretariat_paired_votes_only_once_its_delegate_confirms_it(
    app, login, api, demo_meeting_id
):
    """The secretariat cannot mint a token, pair a tablet and vote as delegate05: the ballot
    waits for delegate05's own password on that tablet, and every step is in the audit log."""
    from server.audit.models import AuditEntry
    from tests.integration.test_voting import Hall

    secretary, uid = _paired_tablet(app, login, api, "delegate05")
    assert api.get("/api/me").json["device_confirmed"] is False
    hall = Hall(app, login, demo_meeting_id)
    hall.check_in(range(1, 41))
    motion = hall.opened()
    refused = api.post(f"/api/motions/{motion['id']}/ballot", json={"choice": "yes"})
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "device_not_confirmed")
    assert "mật khẩu" in refused.json["error"]["message"]

    wrong = api.post("/api/auth/device/confirm", json={"password": "not-theirs"})
    assert (wrong.status_code, wrong.json["error"]["code"]) == (401, "invalid_password")
    assert api.post("/api/auth/device/confirm", json={"password": "demo"}).status_code == 200
    assert api.get("/api/me").json["device_confirmed"] is True
    cast = api.post(f"/api/motions/{motion['id']}/ballot", json={"choice": "yes"})
    assert cast.status_code == 200, cast.json
    # Logging out tells the browser to forget what it cached (HTTPS).
    assert api.post("/api/auth/logout").headers["Clear-Site-Data"] == '"cache"'

    with app.app_context():
        actions = [
            (e.action, e.actor_id, e.subject)
            for e in db.session.query(AuditEntry).order_by(AuditEntry.id)
            if e.action in ("pairing.issued", "device.paired", "device.confirmed")
        ]
    assert actions == [
        ("pairing.issued", secretary.user["id"], f"user:{uid}"),
        ("device.paired", uid, f"user:{uid}"),
        ("device.confirmed", uid, f"user:{uid}"),
    ]


def test_a_password_login_needs_no_confirmation(login):
    delegate = login("delegate06")
    assert delegate.get("/api/me").json["device_confirmed"] is True
    assert delegate.post("/api/auth/device/confirm", json={"password": "x"}).json == {
        "confirmed": True
    }


def test_delegate_cannot_issue_pairing_tokens(login):
    delegate = login("delegate01")
    response = delegate.post(f"/api/users/{delegate.user['id']}/pairing-tokens")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "username", ["admin", "secretary", "chair", "display", "guest", "delegate01", "delegate50"]
)
def test_every_demo_account_logs_in(api, username):
    assert api.login(username).status_code == 200


def test_passwords_are_argon2(app):
    from server.accounts.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(username="delegate01").one()
        assert user.password_hash.startswith("$argon2id$")


def test_the_secretariat_cannot_give_itself_or_anyone_a_staff_role(login):
    secretary = login("secretary")
    council = secretary.get("/api/councils").json["councils"][0]["id"]
    own = secretary.patch(
        f"/api/councils/{council}/members/{secretary.user['id']}",
        json={"roles": ["secretary", "chair"]},
    )
    assert (own.status_code, own.json["error"]["code"]) == (403, "own_membership")
    delegate = login("delegate04").user["id"]
    chair = secretary.patch(
        f"/api/councils/{council}/members/{delegate}", json={"roles": ["delegate", "chair"]}
    )
    assert (chair.status_code, chair.json["error"]["code"]) == (403, "staff_roles_admin_only")
    admin = login("admin")
    given = admin.patch(
        f"/api/councils/{council}/members/{secretary.user['id']}",
        json={"roles": ["secretary", "chair"]},
    )
    assert given.status_code == 200
    assert given.json["roles"] == ["chair", "secretary"]


def test_accounts_of_another_council_are_out_of_reach(app, login):
    from tests.factories import PASSWORD, make_council

    other = make_council(app)
    ours = login("secretary")
    theirs = login(other["secretary"], PASSWORD)
    their_delegate = login("other01", PASSWORD).user["id"]
    our_delegate = login("delegate01").user["id"]

    for path, body in (
        (f"/api/users/{their_delegate}", {"full_name": "X"}),
        (f"/api/users/{their_delegate}/password", {"password": "hijacked-password"}),
        (f"/api/users/{their_delegate}/pairing-tokens", None),
    ):
        method = ours.patch if path.endswith(str(their_delegate)) else ours.post
        assert method(path, json=body).status_code == 403, path
    assert ours.get(f"/api/users/{their_delegate}/devices").status_code == 403
    assert theirs.patch(f"/api/users/{our_delegate}", json={"full_name": "X"}).status_code == 403

    listed = {u["username"] for u in ours.get("/api/users").json["users"]}
    assert "delegate01" in listed
    assert "other01" not in listed
    assert (
        login("admin")
        .patch(f"/api/users/{their_delegate}", json={"full_name": "Đại biểu Một"})
        .status_code
        == 200
    )
