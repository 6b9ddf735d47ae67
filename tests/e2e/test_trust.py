"""A shared tablet trusts no one's leftovers: caches per user cleared at logout (and when
the session is gone), a tablet paired by the secretariat confirmed by its delegate's own
password before it votes, a login page that logs no error for a visitor, and ballots of one
length whatever they choose."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, check_accessibility, login, screenshots
from tests.e2e.test_reader import meeting_and_documents, open_reader
from tests.e2e.test_voting import Members, delegate_tablet
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.browser

#: What the reader asks for a confidential page (reader/pageSource.js).
IMAGE_ACCEPT = "image/webp,image/png;q=0.9"

#: The names of the caches holding someone's data (lib/userData.js).
USER_CACHES = "async () => (await caches.keys()).filter((n) => n.startsWith('council-'))"


@pytest.fixture
def members(server: LiveServer) -> Iterator[Members]:
    group = Members(server)
    yield group
    group.close()


def user_id(server: LiveServer, username: str) -> int:
    tablet = Tablet(server.url, username)
    try:
        return int(tablet.user["id"])
    finally:
        tablet.close()


def server_image(server: LiveServer, username: str, url: str) -> bytes:
    """What the server gives `username` for a page image (its own stamped copy)."""
    tablet = Tablet(server.url, username)
    try:
        answer = tablet.api("GET", url, headers={"Accept": IMAGE_ACCEPT})
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"] == "image/png"
        return bytes(answer.content)
    finally:
        tablet.close()


def page_image_url(document_id: int, page: int = 1, width: int = 960) -> str:
    return f"/api/documents/{document_id}/pages/{page}/image?width={width}&dpr=1"


def download_for_offline(page: Any) -> None:
    page.get_by_role("button", name="Tải tài liệu để đọc khi mất mạng").click()
    expect(page.get_by_text(re.compile(r"^Đã tải xong \d+ tài liệu"))).to_be_visible(
        timeout=120_000
    )


#: SHA-256 of an image's pixels: the one shown (an <img> in the page), or `data` (a data:
#: URL of the server's bytes). The page's CSP forbids reading a blob: URL back with fetch;
#: drawing the image on a canvas is allowed.
PIXELS = """async ({selector, data}) => {
    let img = selector ? document.querySelector(selector) : new Image();
    if (data) { img.src = data; }
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const hash = await crypto.subtle.digest('SHA-256', pixels);
    return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}"""

SHOWN = '.page-sheet[data-page="1"] img.page-img:not(.is-next)'


def shown_pixels(page: Any) -> str:
    """The first page shown in the reader, from a blob: URL (a confidential document)."""
    expect(page.locator(SHOWN).first).to_have_attribute("src", re.compile(r"^blob:"))
    return str(page.evaluate(PIXELS, {"selector": SHOWN, "data": None}))


def server_pixels(page: Any, image: bytes) -> str:
    data = "data:image/png;base64," + base64.b64encode(image).decode()
    return str(page.evaluate(PIXELS, {"selector": None, "data": data}))


def test_logout_leaves_nothing_of_the_user_in_the_tablets_caches(
    open_page: Any, server: LiveServer
) -> None:
    meeting_id, docs = meeting_and_documents(server)
    secret = next(d for d in docs if d["confidential"])
    plain = next(
        d for d in docs if not d["confidential"] and d["kind"] != "link" and d["page_count"]
    )
    first, second = user_id(server, "delegate01"), user_id(server, "delegate02")
    secret_url = page_image_url(secret["id"])
    plain_url = page_image_url(plain["id"])
    # The confidential page is stamped with each reader's name: two different images.
    first_image = server_image(server, "delegate01", secret_url)
    second_image = server_image(server, "delegate02", secret_url)
    assert first_image != second_image

    tablet = open_page("shared tablet")
    login(tablet, "delegate01")
    tablet.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    download_for_offline(tablet)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tablet.locator(".offline-box").screenshot(path=str(SCREENSHOTS / "trust-offline-box.png"))
    names = tablet.evaluate(USER_CACHES)
    assert f"council-user-{first}-v1" in names, names
    assert "council-pages-v1" not in names
    assert tablet.evaluate(f"caches.match({json.dumps(plain_url)}).then(r => Boolean(r))"), (
        "the downloaded page is not in the cache"
    )
    # The confidential document is not kept for offline reading, but it is read: the page
    # shown is the first delegate's own stamped copy.
    open_reader(tablet, meeting_id, secret["id"])
    first_secret = server_pixels(tablet, first_image)
    second_secret = server_pixels(tablet, second_image)
    assert first_secret != second_secret
    assert shown_pixels(tablet) == first_secret
    screenshots(tablet, "trust-confidential-first-reader")
    # A downloaded page comes from that reader's cache, through the worker.
    with tablet.expect_response(lambda r: r.url.endswith(plain_url)) as answer:
        open_reader(tablet, meeting_id, plain["id"])
    assert answer.value.from_service_worker

    # Logout: nothing of the first delegate is left in Cache Storage.
    tablet.get_by_role("button", name="Đăng xuất").click()
    expect(tablet.get_by_label("Tên đăng nhập")).to_be_visible()
    assert tablet.evaluate(USER_CACHES) == []
    assert (
        tablet.evaluate(
            f"""async () => [
            await caches.match({json.dumps(plain_url)}),
            await caches.match({json.dumps(secret_url)}),
        ].filter(Boolean).length"""
        )
        == 0
    )

    # The next delegate on the same tablet sees their own stamped page, not the first one's
    # (the browser's memory of the same address would give the first one's). The worker
    # is told who reads now (its note, council-sw-state); nothing else is kept yet.
    login(tablet, "delegate02")
    expect(tablet.get_by_role("heading", name="Các kỳ họp")).to_be_visible()
    tablet.wait_for_function("async () => (await caches.keys()).includes('council-sw-state')")
    assert tablet.evaluate(USER_CACHES) == ["council-sw-state"]
    open_reader(tablet, meeting_id, secret["id"])
    assert shown_pixels(tablet) == second_secret
    # Its thumbnails too are the reader's own copies.
    tablet.get_by_role("button", name="Các trang").click()
    expect(tablet.locator(".thumb img").first).to_have_attribute("src", re.compile(r"^blob:"))
    check_accessibility(tablet, "reader: a confidential document's thumbnails")
    screenshots(tablet, "trust-confidential-second-reader")

    # Even if the first delegate's cache were still there, the worker would not serve it.
    fake = f"council-user-{first}-v1"
    tablet.evaluate(
        f"""async () => {{
            const cache = await caches.open({json.dumps(fake)});
            await cache.put({json.dumps(plain_url)}, new Response('not yours',
                {{headers: {{'Content-Type': 'image/png'}}}}));
        }}"""
    )
    served = tablet.evaluate(
        f"fetch({json.dumps(plain_url)}).then(r => r.text()).then(t => t === 'not yours')"
    )
    assert served is False, "the worker served another user's cache"
    tablet.evaluate(f"caches.delete({json.dumps(fake)})")

    # The second delegate downloads too; then their session ends on the server (as a
    # revoked tablet's or an expired one's does): the next answer is a 401, and the tablet
    # forgets them as at a logout.
    tablet.evaluate(f"location.hash = '#/m/{meeting_id}'")
    download_for_offline(tablet)
    assert f"council-user-{second}-v1" in tablet.evaluate(USER_CACHES)
    csrf = tablet.request.get("/api/me").json()["csrf_token"]
    ended = tablet.request.post(
        "/api/auth/logout",
        headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
        data="{}",
    )
    assert ended.ok, ended.text()
    tablet.watch.allow("GET", "/api/", 401)
    tablet.evaluate("location.hash = '#/'")
    expect(tablet.get_by_label("Tên đăng nhập")).to_be_visible()
    tablet.wait_for_function(
        "async () => (await caches.keys()).every(n => !n.startsWith('council-'))"
    )
    # Someone else logging in here gets a fresh page: still nothing of the others.
    login(tablet, "delegate03")
    expect(tablet.get_by_role("heading", name="Các kỳ họp")).to_be_visible()
    tablet.wait_for_function("async () => (await caches.keys()).includes('council-sw-state')")
    assert tablet.evaluate(USER_CACHES) == ["council-sw-state"]


def pair_tablet(
    open_page: Any, server: LiveServer, username: str, before: Callable[[Any], None] | None = None
) -> Any:
    """A tablet paired for `username` with a QR token the secretariat issued (as the QR
    card of test_secretariat.py does); `before(page)` runs before the pairing."""
    secretary = Tablet(server.url, "secretary")
    try:
        made = secretary.api("POST", f"/api/users/{user_id(server, username)}/pairing-tokens")
        assert made.status_code == 201, made.text
        token = made.json()["token"]
    finally:
        secretary.close()
    page = open_page(f"tablet paired for {username}")
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    if before:
        before(page)
    page.goto(f"/#/pair/{token}")
    page.reload()
    expect(page.locator(".topbar-user-name")).to_be_visible()
    # Asked apart from the page (whose answers a test may rewrite): not confirmed yet.
    me = page.request.get("/api/me").json()
    assert me["device_confirmed"] is False, me
    return page


def test_a_tablet_paired_by_the_secretariat_is_confirmed_before_it_votes(
    open_page: Any, server: LiveServer, members: Members
) -> None:
    chair = Tablet(server.url, "chair")
    try:
        meeting_id = chair.api("GET", "/api/meetings").json()["meetings"][0]["id"]
        state = chair.api("GET", f"/api/meetings/{meeting_id}/state").json()["state"]
        item_id = state["agenda"][1]["id"]
        members.check_in(meeting_id, range(7, 9))

        # delegate07's tablet is made to believe /api/me that it may vote, so that the
        # delegate tries: the server refuses the ballot, and the prompt explains.
        def believe_confirmed(page: Any) -> None:
            def answer(route: Any) -> None:
                real = route.fetch()
                route.fulfill(response=real, json={**real.json(), "device_confirmed": True})

            page.route("**/api/me", answer)

        reactive = pair_tablet(open_page, server, "delegate07", before=believe_confirmed)
        reactive.watch.allow("POST", "/api/motions/", 403)
        reactive.watch.allow("POST", "/api/auth/device/confirm", 401)
        proactive = pair_tablet(open_page, server, "delegate08")
        proactive.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
        reactive.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()

        title = "Thông qua Nghị quyết về giá đất (máy tính bảng được ghép)"
        motion = chair.api(
            "POST",
            f"/api/meetings/{meeting_id}/motions",
            json={"agenda_item_id": item_id, "title": title},
        ).json()
        opened = chair.api(
            "POST", f"/api/motions/{motion['id']}/open", json={"override_quorum": True}
        )
        assert opened.status_code == 200, opened.text

        ballot = reactive.get_by_role("dialog", name=title)
        ballot.get_by_role("button", name="Tán thành", exact=True).click()
        ballot.get_by_role("button", name="Xác nhận gửi phiếu").click()
        prompt = ballot.get_by_role("form", name="Xác nhận máy tính bảng của bạn")
        expect(prompt).to_be_visible()
        expect(prompt).to_contain_text("do văn phòng kỳ họp (thư ký) cài đặt")
        expect(ballot).to_contain_text("Bạn chọn: Tán thành. Xác nhận gửi phiếu?")
        expect(reactive.locator("#device-password")).to_be_focused()
        screenshots(reactive, "trust-device-confirm-prompt")
        check_accessibility(reactive, "tablet: confirm this tablet before voting")

        # A wrong password: the server's words, the ballot still waiting.
        prompt.get_by_label("Mật khẩu của bạn").fill("not-my-password")
        prompt.get_by_role("button", name="Xác nhận máy của tôi").click()
        expect(prompt.get_by_role("alert")).to_have_text("Mật khẩu không đúng.")
        expect(reactive.locator("#device-password")).to_be_focused()
        expect(reactive.locator("#device-password")).to_have_value("")
        screenshots(reactive, "trust-device-confirm-wrong")
        # Still logged in: a wrong password is not the end of the session.
        expect(ballot).to_be_visible()

        prompt.get_by_label("Mật khẩu của bạn").fill("demo")
        prompt.get_by_role("button", name="Xác nhận máy của tôi").click()
        expect(ballot.locator(".device-confirmed")).to_contain_text("Đã xác nhận")
        screenshots(reactive, "trust-device-confirmed")
        # One tap sends the ballot that waited.
        with reactive.expect_response(re.compile(r"/api/motions/\d+/ballot$")) as cast:
            ballot.get_by_role("button", name="Xác nhận gửi phiếu").click()
        assert cast.value.status == 200
        expect(ballot.locator(".vote-recorded")).to_contain_text(
            "Phiếu của bạn đã được ghi nhận: Tán thành."
        )

        # delegate08's tablet knows from /api/me: the prompt comes before the choices.
        ballot = proactive.get_by_role("dialog", name=title)
        prompt = ballot.get_by_role("form", name="Xác nhận máy tính bảng của bạn")
        expect(prompt).to_be_visible()
        expect(ballot.get_by_role("button", name="Tán thành", exact=True)).to_have_count(0)
        screenshots(proactive, "trust-device-confirm-before")
        check_accessibility(proactive, "tablet: confirm this tablet when the vote opens")
        prompt.get_by_label("Mật khẩu của bạn").fill("demo")
        prompt.get_by_role("button", name="Xác nhận máy của tôi").click()
        expect(ballot.locator(".device-confirmed")).to_contain_text("Bạn có thể biểu quyết.")
        ballot.get_by_role("button", name="Không tán thành", exact=True).click()
        ballot.get_by_role("button", name="Xác nhận gửi phiếu").click()
        expect(ballot.locator(".vote-recorded")).to_contain_text(
            "Phiếu của bạn đã được ghi nhận: Không tán thành."
        )
        me = proactive.evaluate("fetch('/api/me').then(r => r.json())")
        assert me["device_confirmed"] is True

        closed = chair.api("POST", f"/api/motions/{motion['id']}/close").json()["result"]
        assert (closed["yes"], closed["no"]) == (1, 1), closed
    finally:
        chair.close()


@pytest.mark.parametrize("path", ["/", "/secretariat", "/chair", "/display"])
def test_the_login_page_logs_no_error_for_a_visitor(open_page: Any, path: str) -> None:
    page = open_page(f"visitor {path}", path=path)
    # The fixture's watch saw the first load; this one is followed from before it starts
    # (once nothing is in flight any more, so that the reload cuts nothing short).
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    page.wait_for_load_state("networkidle")
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("requestfailed", lambda r: failed.append(f"{r.method} {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    with page.expect_response(re.compile(r"/api/me$")) as me:
        page.reload()
    assert me.value.status == 200
    assert me.value.json()["user"] is None
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert failed == []
    assert page.watch.problems == []


def test_every_ballot_of_a_motion_is_sent_at_one_length(
    open_page: Any, server: LiveServer, members: Members
) -> None:
    chair = Tablet(server.url, "chair")
    try:
        meeting_id = chair.api("GET", "/api/meetings").json()["meetings"][0]["id"]
        state = chair.api("GET", f"/api/meetings/{meeting_id}/state").json()["state"]
        item_id = state["agenda"][1]["id"]
        members.check_in(meeting_id, range(1, 4))
        tablets = {
            choice: delegate_tablet(open_page, f"delegate{n:02d}")
            for n, choice in ((1, "yes"), (2, "no"), (3, "abstain"))
        }
        bodies: dict[str, str] = {}

        def keep_ballot(choice: str) -> Callable[[Any], None]:
            def on_request(request: Any) -> None:
                if request.method == "POST" and re.search(r"/api/motions/\d+/ballot$", request.url):
                    bodies[choice] = request.post_data or ""

            return on_request

        for choice, page in tablets.items():
            page.on("request", keep_ballot(choice))
        title = "Thông qua Nghị quyết (phiếu cùng độ dài)"
        motion = chair.api(
            "POST",
            f"/api/meetings/{meeting_id}/motions",
            json={"agenda_item_id": item_id, "title": title},
        ).json()
        opened = chair.api(
            "POST", f"/api/motions/{motion['id']}/open", json={"override_quorum": True}
        )
        assert opened.status_code == 200, opened.text
        labels = {"yes": "Tán thành", "no": "Không tán thành", "abstain": "Không biểu quyết"}
        for choice, page in tablets.items():
            ballot = page.get_by_role("dialog", name=title)
            ballot.get_by_role("button", name=labels[choice], exact=True).click()
            ballot.get_by_role("button", name="Xác nhận gửi phiếu").click()
            expect(ballot.locator(".vote-recorded")).to_contain_text(
                f"Phiếu của bạn đã được ghi nhận: {labels[choice]}."
            )
        assert set(bodies) == {"yes", "no", "abstain"}
        assert len({len(b) for b in bodies.values()}) == 1, bodies
        for choice, body in bodies.items():
            sent = json.loads(body)
            assert sent["choice"] == choice
            assert set(sent["pad"]) <= {" "}
        assert json.loads(bodies["abstain"])["pad"] == ""
        result = chair.api("POST", f"/api/motions/{motion['id']}/close").json()["result"]
        assert (result["yes"], result["no"], result["abstain"]) == (1, 1, 1)
    finally:
        chair.close()
