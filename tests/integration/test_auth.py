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


def test_repeated_failures_are_throttled_per_account(api, app):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    codes = [api.login("delegate02", "wrong").status_code for _ in range(limit)]
    assert codes == [401] * limit
    blocked = api.login("delegate02", "demo")  # even the right password now waits
    assert blocked.status_code == 429
    assert blocked.json["error"]["code"] == "login_throttled"
    assert "phút" in blocked.json["error"]["message"]
    # Another account from the same address is not blocked by this account's failures.
    assert api.login("delegate03").status_code == 200


def test_failures_are_throttled_per_address(api, app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for n in range(3):
        assert api.login(f"delegate{n + 10}", "wrong").status_code == 401
    assert api.login("delegate20", "demo").status_code == 429


def test_login_takes_json_only(api):
    response = api.client.post("/api/auth/login", data={"username": "a", "password": "b"})
    assert response.status_code == 415
    assert response.json["error"]["code"] == "json_required"


def test_login_validates_fields(api):
    response = api.client.post("/api/auth/login", json={"username": "", "extra": 1})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert set(fields) == {"username", "password", "extra"}


def test_anonymous_is_401(api):
    response = api.get("/api/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "not_authenticated"


def test_state_change_without_csrf_is_refused(login):
    secretary = login("secretary")
    token, secretary.csrf = secretary.csrf, None
    response = secretary.post(
        "/api/users",
        json={
            "username": "newperson",
            "full_name": "Người Mới",
            "roles": ["guest"],
        },
    )
    assert response.status_code == 403
    assert response.json["error"]["code"] == "csrf_failed"
    response = secretary.post(
        "/api/users",
        json={"username": "newperson", "full_name": "Người Mới", "roles": ["guest"]},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 201


def test_logout_ends_the_session(login):
    delegate = login("delegate01")
    assert delegate.post("/api/auth/logout").status_code == 200
    assert delegate.get("/api/me").status_code == 401


def test_password_change_logs_out_other_sessions(login):
    tablet = login("delegate05")
    phone = login("delegate05")
    response = tablet.post(
        f"/api/users/{tablet.user['id']}/password", json={"password": "a-new-long-password"}
    )
    assert response.status_code == 200
    assert tablet.get("/api/me").status_code == 200
    assert phone.get("/api/me").status_code == 401


def test_disabled_account_cannot_log_in(login, api):
    secretary = login("secretary")
    delegate = login("delegate07")
    uid = delegate.user["id"]
    assert secretary.patch(f"/api/users/{uid}", json={"active": False}).status_code == 200
    assert delegate.get("/api/me").status_code == 401
    response = api.login("delegate07")
    assert response.status_code == 403
    assert response.json["error"]["code"] == "account_disabled"


def test_user_management_is_for_the_secretariat(login):
    delegate = login("delegate01")
    response = delegate.post(
        "/api/users",
        json={
            "username": "intruder",
            "full_name": "X",
            "roles": ["admin"],
        },
    )
    assert response.status_code == 403
    secretary = login("secretary")
    response = secretary.post(
        "/api/users",
        json={
            "username": "newadmin",
            "full_name": "X",
            "roles": ["admin"],
        },
    )
    assert response.status_code == 403, "only an admin creates admins"
    taken = secretary.post(
        "/api/users",
        json={
            "username": "delegate01",
            "full_name": "X",
            "roles": ["guest"],
        },
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
    assert api.client.get("/api/me").status_code == 200
    assert secretary.post(f"/api/devices/{devices[0]['id']}/revoke").status_code == 200
    assert api.client.get("/api/me").status_code == 401, "a revoked tablet is logged out"


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


def test_secretary_cannot_make_anyone_admin_even_themselves(login):
    secretary = login("secretary")
    response = secretary.patch(
        f"/api/users/{secretary.user['id']}", json={"roles": ["secretary", "admin"]}
    )
    assert response.status_code == 403
    admin = login("admin")
    assert (
        admin.patch(
            f"/api/users/{secretary.user['id']}", json={"roles": ["secretary", "chair"]}
        ).status_code
        == 200
    )


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
