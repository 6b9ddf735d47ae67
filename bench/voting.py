"""Voting under load: N delegates cast their ballots within one second, over HTTP, as tablets do.

A council of 500 members, all checked in, against one real server process (python -m
server.wsgi, gevent), on SQLite (the embedded default) and on PostgreSQL (durable: fsync and
synchronous_commit on):

- the 500 tablets log in, connect their Socket.IO socket and join the session once (simulated
  in a few gevent client processes, bench/voting_client.py); then for N = 50, 200, 500:
- baseline: the first N tablets send getCurrentUser (an authenticated read) at the moments
  they will later vote, spread evenly over one second;
- the chair opens an open (named) vote; each of the N tablets casts its ballot at its moment;
  we record every answer and its latency;
- the chair closes the vote; we record when `vote.closed` reaches each of the 500 tablets;
- ballots lost: acknowledged (200) ballots missing from the result's named list (must be 0).

Figures: ballots lost, failed answers, ack latency p50 / p99 (and p99 over the baseline's p99,
same tablets, same schedule, same run), close -> result on every tablet (p50, max).
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.common import RESULTS, Figure, at_most, cpu_seconds, median, percentile
from tests.conftest import build_app
from tests.live import ROOT, LiveServer, Tablet, prepare_database
from tests.services import PostgresServer, start_postgres

NAME = "voting"
SIZES = (50, 200, 500)
PLOT = "voting.png"
#: Tablets per client process.
TABLETS_PER_CLIENT = 125
ACK_P99_TARGET_MS = 200.0
RESULT_TARGET_MS = 100.0


def username(n: int) -> str:
    """delegate01..delegate50 exist in the demo; the bench adds delegate051..delegate500."""
    return f"delegate{n:02d}" if n <= 50 else f"delegate{n:03d}"


def prepare(url: str, storage: Path, members: int) -> None:
    """The demo council grown to `members` delegates, every one of them checked in."""
    prepare_database(url, storage)
    app = build_app(url, storage)
    from server.accounts import services as accounts
    from server.accounts.models import Role, User
    from server.councils import services as councils
    from server.extensions import db
    from server.meetings.models import Attendance, Meeting

    with app.app_context():
        model = db.session.scalar(sa.select(User).where(User.username == "delegate01"))
        assert model is not None
        meeting = db.session.scalar(sa.select(Meeting).order_by(Meeting.id))
        assert meeting is not None
        for n in range(51, members + 1):
            user = accounts.create_user(username(n), f"Đại biểu số {n}", is_demo=True)
            user.password_hash = model.password_hash  # the demo password
            councils.set_membership(
                None, meeting.council_id, user.id, roles=[Role.DELEGATE], is_member=True, seat=n
            )
        for _membership, user in councils.members(meeting.council_id):
            db.session.add(
                Attendance(
                    meeting_id=meeting.id, user_id=user.id, state="present", method="secretariat"
                )
            )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def durable_postgres(root: Path) -> PostgresServer:
    """PostgreSQL as in production: fsync and synchronous_commit on (the test servers turn
    them off for speed)."""
    server = start_postgres(root)
    server.stop()
    options = (
        f"-p {server.port} -k {server.root} -c listen_addresses=127.0.0.1 "
        "-c max_connections=300 -c shared_buffers=128MB"
    )
    # The same pg_ctl call as the test servers', with production durability.
    server._run(
        "pg_ctl", "-D", str(server.datadir), "-o", options, "-l",
        str(server.root / "server.log"), "-w", "-t", "60", "start",
    )  # fmt: skip
    return server


class Clients:
    """Simulated tablets in a few gevent processes."""

    def __init__(
        self, url: str, meeting_id: int, users: list[str], workdir: Path, server_pid: int
    ) -> None:
        self.meeting_id = meeting_id
        self.server_pid = server_pid
        self.cpu = (0.0, 0.0)
        self.processes: list[subprocess.Popen[str]] = []
        self.logs: list[Path] = []
        self.sizes: list[int] = []
        self.unjoined = 0
        for start in range(0, len(users), TABLETS_PER_CLIENT):
            chunk = users[start : start + TABLETS_PER_CLIENT]
            config = workdir / f"clients-{start}.json"
            config.write_text(
                json.dumps(
                    {"url": url, "meeting_id": meeting_id, "tablets": [[u, "demo"] for u in chunk]}
                )
            )
            self.logs.append(workdir / f"clients-{start}.log")
            with self.logs[-1].open("ab") as log:
                self.processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "bench.voting_client", str(config)],
                        cwd=ROOT,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=log,
                        text=True,
                    )
                )
            self.sizes.append(len(chunk))
        try:
            for process in self.processes:
                ready = self._read(process)
                assert "ready" in ready, ready
                self.unjoined += int(ready["unjoined"])
        except BaseException:
            self.kill()
            raise

    def _read(self, process: subprocess.Popen[str]) -> dict[str, Any]:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            log = self.logs[self.processes.index(process)]
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"a client process died; its log ends:\n{tail}")
        message: dict[str, Any] = json.loads(line)
        return message

    @staticmethod
    def _send(process: subprocess.Popen[str], message: dict[str, Any]) -> None:
        assert process.stdin is not None
        process.stdin.write(json.dumps(message) + "\n")
        process.stdin.flush()

    def round(
        self, method: str, path: str, bodies: list[Any], offsets: list[float]
    ) -> list[tuple[int, float, float]]:
        """The first len(bodies) tablets each send one request at t0 + its offset:
        [(status, sent, ms)] per tablet. `cpu` is then what the server process and the
        tablets' processes spent on the round, in CPU seconds."""
        tablets_before = cpu_seconds([p.pid for p in self.processes])
        server_before = cpu_seconds([self.server_pid])
        t0 = time.time() + 0.5
        index = 0
        for process, size in zip(self.processes, self.sizes, strict=True):
            mine = range(min(size, max(0, len(bodies) - index)))
            requests = [[i, method, path, bodies[index + i], offsets[index + i]] for i in mine]
            self._send(process, {"round": 1, "t0": t0, "requests": requests})
            index += size
        answers: list[tuple[int, float, float]] = []
        for process in self.processes:
            found = sorted(self._read(process)["answers"])
            answers += [(status, sent, ms) for _, status, sent, ms in found]
        self.cpu = (
            cpu_seconds([self.server_pid]) - server_before,
            cpu_seconds([p.pid for p in self.processes]) - tablets_before,
        )
        return answers

    def await_closed(self, motion_id: int) -> list[float | None]:
        """When each joined tablet had the result (None: not within 30 s)."""
        for process in self.processes:
            self._send(process, {"await": "vote.closed", "motion_id": motion_id, "timeout": 30})
        received: list[float | None] = []
        for process in self.processes:
            answer = self._read(process)
            received += answer["received"]
            assert answer["unjoined"] <= self.unjoined
        return received

    def quit(self) -> None:
        for process in self.processes:
            try:
                self._send(process, {"quit": True})
                process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait(timeout=30)

    def kill(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)


def measure(server: LiveServer, clients: Clients, users: list[str], n: int) -> dict[str, Any]:
    """One vote in which the first `n` of the connected tablets vote within one second."""
    chair = Tablet(server.url, "chair")
    secretary = Tablet(server.url, "secretary")
    meeting_id = clients.meeting_id
    voters = users[:n]
    rng = random.Random(n)
    offsets = [i / n for i in range(n)]
    rng.shuffle(offsets)
    baseline = clients.round("GET", "/api/me", [None] * n, offsets)
    baseline_cpu = clients.cpu

    motion = secretary.api(
        "POST",
        f"/api/meetings/{meeting_id}/motions",
        json={"title": f"Biểu quyết thử tải {n} đại biểu"},
    ).json()
    opened = chair.api("POST", f"/api/motions/{motion['id']}/open", json={})
    assert opened.status_code == 200, opened.text
    choices = [{"choice": rng.choice(("yes", "yes", "no", "abstain"))} for _ in range(n)]
    path = f"/api/motions/{motion['id']}/ballot"
    answers = clients.round("POST", path, choices, offsets)
    ballots_cpu = clients.cpu
    started = time.time()
    closed = chair.api("POST", f"/api/motions/{motion['id']}/close")
    close_answer_ms = (time.time() - started) * 1000
    assert closed.status_code == 200, closed.text
    received = clients.await_closed(motion["id"])
    result = closed.json()["result"]
    council_id = secretary.api("GET", "/api/councils").json()["councils"][0]["id"]
    members = {
        m["username"]: m["user_id"]
        for m in secretary.api("GET", f"/api/councils/{council_id}/members").json()["members"]
    }
    chair.close()
    secretary.close()
    named = {e["user_id"]: e["choice"] for e in result["named"]}
    acked = [voters[i] for i, (status, _, _) in enumerate(answers) if status == 200]
    lost = sum(
        1
        for i, u in enumerate(voters)
        if answers[i][0] == 200 and named.get(members[u]) != choices[i]["choice"]
    )
    sends = sorted(sent for _, sent, _ in answers)
    # Ballots the server took per second: acknowledged ballots over the time from the first
    # ballot sent to the last acknowledgement.
    last_ack = max((sent + ms / 1000 for status, sent, ms in answers if status == 200), default=0)
    throughput = len(acked) / (last_ack - sends[0]) if acked and last_ack > sends[0] else 0.0
    return {
        "n": n,
        "acked": len(acked),
        "failed": n - len(acked),
        "statuses": dict(sorted(Counter(str(status) for status, _, _ in answers).items())),
        "lost": lost,
        "counted": result["cast"],
        "ack_ms": [ms for status, _, ms in answers if status == 200],
        "baseline_ms": [ms for status, _, ms in baseline if status == 200],
        "send_window_s": sends[-1] - sends[0],
        "ballots_per_s": throughput,
        # CPU seconds (server, tablets) over each round: the ballots', and getCurrentUser's.
        "cpu": ballots_cpu,
        "baseline_cpu": baseline_cpu,
        "close_answer_ms": close_answer_ms,
        "result_ms": [(r - started) * 1000 for r in received if r is not None],
        "missing_result": sum(1 for r in received if r is None),
        "unjoined": clients.unjoined,
        "tablets": len(users),
    }


def figures_for(backend: str, raw: dict[str, Any]) -> list[Figure]:
    n = raw["n"]
    label = f"{backend}, N={n}"
    ack_p50 = percentile(raw["ack_ms"], 50)
    ack_p99 = percentile(raw["ack_ms"], 99)
    base_p99 = percentile(raw["baseline_ms"], 99)
    result_max = max(raw["result_ms"]) if raw["result_ms"] else math.nan
    notes = (
        f"{raw['acked']} acknowledged, {raw['counted']} counted; sent over "
        f"{raw['send_window_s']:.2f} s"
    )
    return [
        Figure(NAME, f"{label}: ballots lost", raw["lost"], "ballots", "= 0", raw["lost"] == 0,
               notes=notes),
        Figure(NAME, f"{label}: answers not 200", raw["failed"], "ballots", "= 0",
               raw["failed"] == 0,
               notes="answers by status: " + ", ".join(
                   f"{k if k != '0' else 'no answer'}: {v}" for k, v in raw["statuses"].items()
               )),
        Figure(NAME, f"{label}: ack latency p50", ack_p50, "ms",
               baseline=percentile(raw["baseline_ms"], 50), baseline_label="getCurrentUser p50",
               ratio=ack_p50 / percentile(raw["baseline_ms"], 50)),
        Figure(NAME, f"{label}: ack latency p99", ack_p99, "ms",
               f"< {ACK_P99_TARGET_MS:.0f} ms", at_most(ack_p99, ACK_P99_TARGET_MS),
               baseline=base_p99, baseline_label="getCurrentUser p99", ratio=ack_p99 / base_p99),
        Figure(NAME, f"{label}: close -> result on all {raw['tablets']} tablets (max)",
               result_max, "ms",
               f"< {RESULT_TARGET_MS:.0f} ms", at_most(result_max, RESULT_TARGET_MS),
               notes=f"p50 {median(raw['result_ms']):.0f} ms; closeVote answered in "
               f"{raw['close_answer_ms']:.0f} ms; {raw['missing_result']} without it after "
               f"30 s; {raw['unjoined']} tablets could not join at all"),
        Figure(NAME, f"{label}: tablets without the result", raw["missing_result"], "tablets",
               "= 0", raw["missing_result"] == 0),
        Figure(NAME, f"{label}: server CPU per ballot", raw["cpu"][0] * 1000 / n, "ms",
               baseline=raw["baseline_cpu"][0] * 1000 / n,
               baseline_label="per getCurrentUser, same tablets",
               ratio=raw["cpu"][0] / raw["baseline_cpu"][0],
               notes=f"user + system time of the server process over the round; the tablets' "
               f"processes, on the same two cores, took {raw['cpu'][1] * 1000 / n:.1f} ms "
               f"per ballot and {raw['baseline_cpu'][1] * 1000 / n:.1f} ms per "
               "getCurrentUser"),
        Figure(NAME, f"{label}: ballots per second", raw["ballots_per_s"], "ballots/s",
               notes="acknowledged ballots / (last acknowledgement - first ballot sent); "
               "the tablets send all N within one second", plot=PLOT),
    ]  # fmt: skip


def run_backend(backend: str, workdir: Path, raws: list[dict[str, Any]]) -> list[Figure]:
    """The figures of one database; each run's raw figures are appended to `raws`."""
    workdir.mkdir(parents=True, exist_ok=True)
    postgres: PostgresServer | None = None
    if backend == "postgres":
        # Not under workdir: the postgres system user must reach its directory.
        postgres = durable_postgres(Path(tempfile.mkdtemp(prefix="bench-voting-pg-")))
        postgres.create_database("bench")
        url = postgres.url("bench")
    else:
        url = f"sqlite:///{workdir / 'bench.db'}"
    storage = workdir / "storage"
    figures: list[Figure] = []
    try:
        prepare(url, storage, max(SIZES))
        server = LiveServer(database_url=url, storage=storage).start()
        clients: Clients | None = None
        try:
            # Every member's tablet logs in and joins once; each round, the first N vote.
            secretary = Tablet(server.url, "secretary")
            meeting_id = secretary.api("GET", "/api/meetings").json()["meetings"][0]["id"]
            secretary.close()
            users = [username(i) for i in range(1, max(SIZES) + 1)]
            assert server.process is not None
            clients = Clients(server.url, meeting_id, users, workdir, server.process.pid)
            for n in SIZES:
                try:
                    raw = measure(server, clients, users, n)
                except Exception as exc:
                    print(f"   {backend} N={n} failed: {exc}", flush=True)
                    figures.append(
                        Figure(
                            NAME,
                            f"{backend}, N={n}: run",
                            math.nan,
                            "",
                            notes=f"failed: {exc}"[:300],
                        )
                    )
                    continue
                print(
                    f"   {backend} N={n}: {json.dumps({k: v for k, v in raw.items() if not k.endswith('_ms')})}",  # noqa: E501
                    flush=True,
                )
                raws.append({"backend": backend, **raw})
                figures += figures_for(backend, raw)
        finally:
            if clients is not None:
                clients.quit()
            server.stop()
    finally:
        if postgres is not None:
            postgres.remove()
    return figures


def run(workdir: Path) -> list[Figure]:
    figures: list[Figure] = []
    raws: list[dict[str, Any]] = []
    for backend in ("sqlite", "postgres"):
        figures += run_backend(backend, workdir / backend, raws)
    plot(raws)
    return figures


def plot(raws: list[dict[str, Any]]) -> None:
    """Ballots per second and acknowledgement latency against N, per database."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (rate, latency) = plt.subplots(1, 2, figsize=(11, 4.5))
    for i, backend in enumerate(("sqlite", "postgres")):
        runs = sorted((r for r in raws if r["backend"] == backend), key=lambda r: r["n"])
        ns = [r["n"] for r in runs]
        rate.plot(ns, [r["ballots_per_s"] for r in runs], "o-", color=f"C{i}", label=backend)
        for pct, style in ((50, "-"), (99, "--")):
            latency.plot(
                ns,
                [percentile(r["ack_ms"], pct) for r in runs],
                "o" + style,
                color=f"C{i}",
                label=f"{backend} p{pct}",
            )
    latency.axhline(ACK_P99_TARGET_MS, color="C3", linewidth=0.8, label="target p99")
    rate.set_title("Ballots taken per second (N sent within 1 s)")
    rate.set_xlabel("delegates voting (N)")
    rate.set_ylabel("ballots / s")
    latency.set_title("castVote: ballot -> acknowledgement")
    latency.set_xlabel("delegates voting (N)")
    latency.set_ylabel("ms")
    for ax in (rate, latency):
        ax.set_xticks(SIZES)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    RESULTS.mkdir(parents=True, exist_ok=True)
    fig.savefig(RESULTS / PLOT, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="bench-voting-") as tmp:
        for figure in run(Path(tmp)):
            print(figure)
