"""Fan-out: how long until every tablet has the chair's `setCurrentAgendaItem`.

N simulated tablets, each logged in with a real session, join one meeting; the chair
moves the session to another item (`PUT /api/meetings/{id}/current-item`) and every
tablet records when its `agenda.current` arrives. Latency = arrival - the moment the
chair's request was sent, pooled over all tablets and rounds: p50, p99, max.
Configurations:

- one server process (PostgreSQL, no Redis), N = 50, 200, 500 (tablets added in steps);
- two processes sharing PostgreSQL and Redis, N = 500 (tablets spread over both);
- four processes, N = 2,000.

Every configuration is measured side by side with a bare python-socketio server that only
rebroadcasts (bench/bare_server.py: the same gevent / simple-websocket / python-socketio
stack and, with several processes, the same Redis queue; no Flask, login or database).
Both sets of tablets are connected at once and the rounds alternate between the two, so
both see the same background load: the machine's two cores are shared with the client
processes, PostgreSQL, Redis and whatever else runs. Reported besides: our p99 over the
bare p99, the servers' CPU time per broadcast, memory per tablet (RSS growth over N), and
tablets that never got an event within 10 s (missed).

The tablets speak Socket.IO directly over websocket-client (bench/fanout_clients.py
explains why; `FANOUT_CLIENT=python-socketio` uses python-socketio clients instead). They
are guest accounts of the demo council, so the meeting's state stays the demo council's
size while N grows.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import requests

from bench.common import RESULTS, Figure, at_most, cpu_seconds, median, percentile
from tests.live import ROOT, LiveServer
from tests.services import PostgresServer, RedisServer, free_port, start_postgres, start_redis

NAME = "fanout"

SINGLE_STEPS = (50, 200, 500)
#: (server processes, tablets), with Redis and PostgreSQL.
SEVERAL = ((2, 500), (4, 2000))
ROUNDS = 20
ROUNDS_LARGE = 10
WARMUP_ROUNDS = 2
AWAIT_TIMEOUT = 10.0
TABLETS_PER_CLIENT_PROCESS = 250
MAX_CLIENT_PROCESSES = 4
TARGET_P99_MS = 100.0
TARGET_RATIO = 1.3
BENCH_USERS = 2000
PLOT = "fanout.png"
CLIENT_KIND = os.environ.get("FANOUT_CLIENT", "lean")


# --- Client processes -------------------------------------------------------------------


class ClientProcess:
    """A `python -m bench.fanout_clients` process hosting some tablets."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.fanout_clients"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def send(self, body: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(body) + "\n")
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("tablet process ended")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        try:
            self.send({"cmd": "close"})
            self.receive()
        except (OSError, RuntimeError, ValueError):
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Tablets:
    """Tablets over several client processes, in groups (one per server under test)."""

    def __init__(self, processes: int) -> None:
        self.clients = [ClientProcess() for _ in range(processes)]
        self.counts: dict[str, int] = {}
        #: Connection attempts that failed and were tried again, per group.
        self.retried: dict[str, int] = {}

    def _all(self, body: dict[str, Any] | Callable[[int], dict[str, Any]]) -> list[Any]:
        for i, client in enumerate(self.clients):
            client.send(body(i) if callable(body) else body)
        return [client.receive() for client in self.clients]

    def add(self, group: str, specs: Sequence[dict[str, Any]], meeting_id: int) -> None:
        """Connect and join these tablets, spread over the client processes."""
        done = self.counts.get(group, 0)
        parts: list[list[dict[str, Any]]] = [[] for _ in self.clients]
        for i, spec in enumerate(specs):
            parts[(done + i) % len(self.clients)].append(spec)
        answers = self._all(
            lambda i: {
                "cmd": "connect",
                "group": group,
                "meeting_id": meeting_id,
                "kind": CLIENT_KIND,
                "tablets": parts[i],
            }
        )
        failed = sum(a["failed"] for a in answers)
        if failed:
            raise RuntimeError(f"{failed} tablets could not join: {answers}")
        self.counts[group] = done + sum(a["connected"] for a in answers)
        self.retried[group] = self.retried.get(group, 0) + sum(a["retried"] for a in answers)

    def await_seq(self, group: str, seq: int) -> int:
        body = {"cmd": "await", "group": group, "seq": seq, "timeout": AWAIT_TIMEOUT}
        return sum(a["missing"] for a in self._all(body))

    def times(self, group: str, seqs: list[int]) -> dict[int, list[float]]:
        merged: dict[int, list[float]] = {seq: [] for seq in seqs}
        for answer in self._all({"cmd": "collect", "group": group, "seqs": seqs}):
            for seq, values in answer["times"].items():
                merged[int(seq)].extend(values)
        return merged

    def close(self) -> None:
        for client in self.clients:
            client.close()


def client_processes(n: int) -> int:
    return max(1, min(MAX_CLIENT_PROCESSES, math.ceil(n / TABLETS_PER_CLIENT_PROCESS)))


# --- Servers ----------------------------------------------------------------------------


@dataclass
class BareServer:
    redis_url: str | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> BareServer:
        args = [sys.executable, "-m", "bench.bare_server", str(self.port)]
        if self.redis_url:
            args.append(self.redis_url)
        # Its stderr is only gevent's noise about WebSocket frames after a close.
        self.process = subprocess.Popen(args, cwd=ROOT, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/healthz", timeout=1)
                return self
            except requests.RequestException:
                time.sleep(0.1)
        raise TimeoutError("bare server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None


def rss_mib(pids: Sequence[int | None]) -> float:
    return sum(psutil.Process(pid).memory_info().rss for pid in pids if pid) / 2**20


# --- The chair --------------------------------------------------------------------------


class Chair:
    """Moves the session from item to item; knows the seq each move produces."""

    def __init__(self, base_url: str, meeting_id: int, items: list[int], bare: bool) -> None:
        self.base_url = base_url
        self.meeting_id = meeting_id
        self.items = items
        self.bare = bare
        self.http = requests.Session()
        self.turn = 0
        self.seq = 0
        if not bare:
            response = self.http.post(
                f"{base_url}/api/auth/login",
                json={"username": "chair", "password": "demo"},
                timeout=30,
            )
            response.raise_for_status()
            self.http.headers["X-CSRF-Token"] = response.json()["csrf_token"]
            state = self.http.get(f"{base_url}/api/meetings/{meeting_id}/state", timeout=30)
            self.seq = int(state.json()["seq"])

    def move(self) -> tuple[int, float]:
        """Send the next move; (the seq it produces, when the request left)."""
        item = self.items[self.turn % len(self.items)]
        self.turn += 1
        self.seq += 1
        started = time.time()
        if self.bare:
            response = self.http.post(
                f"{self.base_url}/fire", json={"seq": self.seq, "agenda_item_id": item}, timeout=30
            )
        else:
            response = self.http.put(
                f"{self.base_url}/api/meetings/{self.meeting_id}/current-item",
                json={"agenda_item_id": item},
                timeout=30,
            )
        response.raise_for_status()
        return self.seq, started


# --- Measuring --------------------------------------------------------------------------


@dataclass
class Measured:
    latencies_ms: list[float]
    missed: int
    rounds: int
    tablets: int
    #: Server CPU time (user + system, all its processes) per broadcast.
    cpu_ms: float
    #: How long the chair's request took to answer (median).
    request_ms: float
    #: Joins that failed (the server dropped the connection) and were tried again.
    join_retries: int = 0

    def p(self, pct: float) -> float:
        return percentile(self.latencies_ms, pct)

    @property
    def max(self) -> float:
        return max(self.latencies_ms) if self.latencies_ms else math.nan


@dataclass
class Side:
    """One side of a comparison: its servers, its chair and its group of tablets."""

    group: str
    chair: Chair
    pids: list[int | None]
    sent: dict[int, float] = field(default_factory=dict)
    requests_ms: list[float] = field(default_factory=list)
    missed: int = 0
    cpu: float = 0.0

    def round(self, tablets: Tablets, record: bool) -> None:
        before = cpu_seconds(self.pids)
        seq, started = self.chair.move()
        answered = time.time()
        missing = tablets.await_seq(self.group, seq)
        if record:
            self.cpu += cpu_seconds(self.pids) - before
            self.sent[seq] = started
            self.requests_ms.append((answered - started) * 1000)
            self.missed += missing

    def result(self, tablets: Tablets, rounds: int) -> Measured:
        times = tablets.times(self.group, list(self.sent))
        latencies = [(t - self.sent[seq]) * 1000 for seq, values in times.items() for t in values]
        return Measured(
            latencies,
            self.missed,
            rounds,
            tablets.counts[self.group],
            self.cpu * 1000 / rounds,
            median(self.requests_ms),
            tablets.retried.get(self.group, 0),
        )


def measure_pair(tablets: Tablets, ours: Side, bare: Side, rounds: int) -> tuple[Any, Any]:
    """Alternate rounds between the two sides, so both run under the same load."""
    for side in (ours, bare):
        side.sent.clear()
        side.requests_ms.clear()
        side.missed, side.cpu = 0, 0.0
        for _ in range(WARMUP_ROUNDS):
            side.round(tablets, record=False)
    for n in range(rounds):
        for side in (ours, bare) if n % 2 else (bare, ours):
            side.round(tablets, record=True)
            time.sleep(0.05)
    return ours.result(tablets, rounds), bare.result(tablets, rounds)


# --- Setup ------------------------------------------------------------------------------


@dataclass
class Setup:
    url: str
    meeting_id: int
    items: list[int]
    names: list[str]
    cookies: list[str] = field(default_factory=list)

    def logins(self, n: int, urls: Sequence[str]) -> list[str]:
        """Session cookies for the first n tablet accounts (logging in those not yet)."""
        if len(self.cookies) < n:
            self.cookies.extend(login_all(self.names[len(self.cookies) : n], urls))
        return self.cookies[:n]


def prepare(pg: PostgresServer, workdir: Path) -> Setup:
    """A migrated, seeded database with BENCH_USERS guest accounts in the demo council."""
    import sqlalchemy as sa

    from server.accounts.models import CouncilMembership, User
    from server.accounts.passwords import hash_password
    from server.extensions import db
    from server.meetings import services
    from server.meetings.models import Meeting
    from tests.conftest import build_app
    from tests.live import prepare_database

    pg.create_database("bench")
    url = pg.url("bench")
    prepare_database(url, workdir / "storage")
    app = build_app(url, workdir / "storage")
    with app.app_context():
        meeting = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).first()
        assert meeting is not None
        password_hash = hash_password("bench")
        names = [f"bench{n:04d}" for n in range(BENCH_USERS)]
        rows = [
            {"username": u, "full_name": f"Máy tính bảng {u}", "password_hash": password_hash}
            for u in names
        ]
        ids = db.session.scalars(sa.insert(User).returning(User.id), rows).all()
        db.session.execute(
            sa.insert(CouncilMembership),
            [
                {
                    "council_id": meeting.council_id,
                    "user_id": i,
                    "is_member": False,
                    "role_guest": True,
                }
                for i in ids
            ],
        )
        db.session.commit()
        items = [row.id for row in services.agenda(meeting)][:6]
        meeting_id = int(meeting.id)
        db.session.remove()
        db.engine.dispose()
    return Setup(url, meeting_id, items, names)


def login_all(names: Sequence[str], urls: Sequence[str]) -> list[str]:
    """A session cookie for each user, logging in through the given servers in turn."""

    def login(job: tuple[int, str]) -> str:
        index, username = job
        response = requests.post(
            f"{urls[index % len(urls)]}/api/auth/login",
            json={"username": username, "password": "bench"},
            timeout=60,
        )
        response.raise_for_status()
        return f"council_session={response.cookies['council_session']}"

    with ThreadPoolExecutor(max_workers=4 * len(urls)) as pool:
        return list(pool.map(login, enumerate(names)))


# --- The run ----------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    processes: int
    n: int
    ours: Measured
    bare: Measured
    rss_per_tablet_kib: float
    bare_rss_per_tablet_kib: float


def run(workdir: Path) -> list[Figure]:
    started = time.monotonic()
    # Its own temporary directory: as root, PostgreSQL runs as `postgres`, which cannot
    # enter the harness's private workdir.
    pg = start_postgres(Path(tempfile.mkdtemp(prefix="bench-pg-")))
    redis = start_redis(workdir / "redis")
    results: list[Result] = []
    try:
        setup = prepare(pg, workdir)
        log(f"database ready, {BENCH_USERS} tablet accounts", started)
        results += single_process(setup, workdir, started)
        for count, n in SEVERAL:
            results.append(several(setup, redis, workdir, count, n, started))
    finally:
        redis.remove()
        pg.remove()
    elapsed = time.monotonic() - started
    plot(results)
    save_raw(results, elapsed)
    return figures(results, elapsed)


def log(message: str, since: float) -> None:
    print(f"   [{time.monotonic() - since:4.0f} s] {message}", file=sys.stderr, flush=True)


def _spec(urls: Sequence[str], cookies: Sequence[str | None], start: int, stop: int) -> list[Any]:
    return [{"url": urls[i % len(urls)], "cookie": cookies[i]} for i in range(start, stop)]


def _report(r: Result, since: float) -> None:
    log(
        f"N={r.n}, {r.label}: p50 {r.ours.p(50):.0f} / p99 {r.ours.p(99):.0f} ms "
        f"(bare {r.bare.p(50):.0f} / {r.bare.p(99):.0f}), missed {r.ours.missed}, "
        f"joins retried {r.ours.join_retries}",
        since,
    )


def single_process(setup: Setup, workdir: Path, since: float) -> list[Result]:
    steps = SINGLE_STEPS
    bare = BareServer()
    server = LiveServer(database_url=setup.url, storage=workdir / "storage")
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda s: s.start(), [bare, server]))
    tablets = Tablets(client_processes(max(steps)))
    results = []
    try:
        cookies = setup.logins(max(steps), [server.url])
        log(f"logged in {len(cookies)} tablets", since)
        ours_side = Side(
            "ours", Chair(server.url, setup.meeting_id, setup.items, False), [server.pid]
        )
        bare_side = Side("bare", Chair(bare.url, 1, setup.items, True), [bare.pid])
        base_ours, base_bare = rss_mib([server.pid]), rss_mib([bare.pid])
        done = 0
        for n in steps:
            tablets.add("ours", _spec([server.url], cookies, done, n), setup.meeting_id)
            tablets.add("bare", _spec([bare.url], [None] * n, done, n), 1)
            done = n
            kib = (rss_mib([server.pid]) - base_ours) * 1024 / n
            bare_kib = (rss_mib([bare.pid]) - base_bare) * 1024 / n
            ours, bare_measured = measure_pair(tablets, ours_side, bare_side, ROUNDS)
            results.append(Result("1 process", 1, n, ours, bare_measured, kib, bare_kib))
            _report(results[-1], since)
    finally:
        tablets.close()
        server.stop()
        bare.stop()
    return results


def several(
    setup: Setup, redis: RedisServer, workdir: Path, count: int, n: int, since: float
) -> Result:
    rounds = ROUNDS if n <= 500 else ROUNDS_LARGE
    bares = [BareServer(redis_url=redis.url) for _ in range(count)]
    servers = [
        LiveServer(database_url=setup.url, storage=workdir / "storage", redis_url=redis.url)
        for _ in range(count)
    ]
    tablets = Tablets(client_processes(n))
    try:
        with ThreadPoolExecutor(max_workers=len(servers) + len(bares)) as pool:
            list(pool.map(lambda server: server.start(), [*bares, *servers]))
        urls, bare_urls = [s.url for s in servers], [b.url for b in bares]
        pids, bare_pids = [s.pid for s in servers], [b.pid for b in bares]
        log(f"{count} + {count} servers started", since)
        cookies = setup.logins(n, urls)
        log(f"logged in {n} tablets", since)
        base_ours, base_bare = rss_mib(pids), rss_mib(bare_pids)
        tablets.add("ours", _spec(urls, cookies, 0, n), setup.meeting_id)
        log(f"{n} tablets joined our meeting", since)
        tablets.add("bare", _spec(bare_urls, [None] * n, 0, n), 1)
        kib = (rss_mib(pids) - base_ours) * 1024 / n
        bare_kib = (rss_mib(bare_pids) - base_bare) * 1024 / n
        log(f"N={n} connected over {count} processes of each", since)
        ours, bare_measured = measure_pair(
            tablets,
            Side("ours", Chair(urls[0], setup.meeting_id, setup.items, False), list(pids)),
            Side("bare", Chair(bare_urls[0], 1, setup.items, True), list(bare_pids)),
            rounds,
        )
    finally:
        tablets.close()
        for server in servers:
            server.stop()
        for bare in bares:
            bare.stop()
    result = Result(f"{count} processes + Redis", count, n, ours, bare_measured, kib, bare_kib)
    _report(result, since)
    return result


# --- Reporting --------------------------------------------------------------------------

BARE = "bare python-socketio"


def _ratio(value: float, base: float) -> float | None:
    return value / base if base and not math.isnan(base) else None


def figures(results: list[Result], elapsed: float) -> list[Figure]:
    out: list[Figure] = []
    for r in results:
        where = f"N={r.n}, {r.label}"
        notes = (
            f"{r.ours.tablets} tablets x {r.ours.rounds} rounds, "
            f"{client_processes(r.n)} client processes"
        )
        headline = r.n == 500 and r.processes == 1
        p99, bare_p99 = r.ours.p(99), r.bare.p(99)
        ratio = _ratio(p99, bare_p99)

        def latency(
            name: str,
            value: float,
            base: float,
            where: str = where,
            notes: str = notes,
            **extra: Any,
        ) -> Figure:
            return Figure(
                NAME,
                f"{name} latency, {where}",
                value,
                "ms",
                baseline=base,
                baseline_label=BARE,
                ratio=_ratio(value, base),
                notes=notes,
                plot=PLOT,
                **extra,
            )

        out.append(latency("p50", r.ours.p(50), r.bare.p(50)))
        if headline:
            out.append(
                latency(
                    "p99",
                    p99,
                    bare_p99,
                    target=f"< {TARGET_P99_MS:.0f} ms and <= {TARGET_RATIO}x bare",
                    met=at_most(p99, TARGET_P99_MS)
                    and ratio is not None
                    and at_most(ratio, TARGET_RATIO),
                )
            )
        else:
            out.append(latency("p99", p99, bare_p99))
        out.append(latency("max", r.ours.max, r.bare.max))
        out.append(
            Figure(
                NAME,
                f"tablets that missed the event, {where}",
                r.ours.missed,
                "events",
                target="0",
                met=r.ours.missed == 0,
                baseline=r.bare.missed,
                baseline_label=BARE,
                notes=f"over {r.ours.rounds} rounds of {r.ours.tablets} tablets; "
                f"joins tried again: {r.ours.join_retries} (bare {r.bare.join_retries})",
            )
        )
        out.append(
            Figure(
                NAME,
                f"server CPU per broadcast, {where}",
                r.ours.cpu_ms,
                "ms",
                baseline=r.bare.cpu_ms,
                baseline_label=BARE,
                ratio=_ratio(r.ours.cpu_ms, r.bare.cpu_ms),
                notes="user + system time of the server process(es) per chair's move",
            )
        )
        out.append(
            Figure(
                NAME,
                f"chair's request, answered in (median), {where}",
                r.ours.request_ms,
                "ms",
                baseline=r.bare.request_ms,
                baseline_label=BARE,
                ratio=_ratio(r.ours.request_ms, r.bare.request_ms),
                notes="ours: login check, database transaction, audit entry, stored event",
            )
        )
        out.append(
            Figure(
                NAME,
                f"server memory per tablet, {where}",
                r.rss_per_tablet_kib,
                "KiB",
                baseline=r.bare_rss_per_tablet_kib,
                baseline_label=BARE,
                ratio=_ratio(r.rss_per_tablet_kib, r.bare_rss_per_tablet_kib),
                notes="RSS growth of the server process(es) over N, after connect and join",
            )
        )
    out.append(
        Figure(NAME, "benchmark duration", elapsed, "s", notes="setup, logins and every run")
    )
    return out


def save_raw(results: list[Result], elapsed: float) -> None:
    def summary(m: Measured) -> dict[str, Any]:
        return {
            "p50_ms": m.p(50),
            "p99_ms": m.p(99),
            "max_ms": m.max,
            "missed": m.missed,
            "cpu_ms_per_broadcast": m.cpu_ms,
            "request_ms_median": m.request_ms,
            "join_retries": m.join_retries,
            "samples": len(m.latencies_ms),
        }

    rows = [
        {
            "config": r.label,
            "processes": r.processes,
            "n": r.n,
            "rounds": r.ours.rounds,
            "ours": summary(r.ours) | {"rss_per_tablet_kib": r.rss_per_tablet_kib},
            "bare": summary(r.bare) | {"rss_per_tablet_kib": r.bare_rss_per_tablet_kib},
        }
        for r in results
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fanout.json").write_text(
        json.dumps({"seconds": round(elapsed, 1), "client": CLIENT_KIND, "runs": rows}, indent=2)
        + "\n"
    )


def plot(results: list[Result]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import ScalarFormatter

    fig, ax = plt.subplots(figsize=(8, 5))
    single = [r for r in results if r.processes == 1]
    ns = [r.n for r in single]
    for pct, style in ((50, "-"), (99, "--")):
        ax.plot(ns, [r.ours.p(pct) for r in single], "o" + style, color="C0", label=f"ours p{pct}")
        ax.plot(ns, [r.bare.p(pct) for r in single], "s" + style, color="C7", label=f"bare p{pct}")
    ax.plot(ns, [r.ours.max for r in single], "o:", color="C0", alpha=0.5, label="ours max")
    for r in results:
        if r.processes > 1:
            ax.plot([r.n], [r.ours.p(99)], "D", color="C3")
            ax.plot([r.n], [r.bare.p(99)], "d", color="C2")
            ax.annotate(
                f"{r.processes} processes + Redis",
                (r.n, r.ours.p(99)),
                textcoords="offset points",
                xytext=(6, 6),
                fontsize=8,
            )
    ax.plot([], [], "D", color="C3", label="ours p99, several processes")
    ax.plot([], [], "d", color="C2", label="bare p99, several processes")
    ax.axhline(TARGET_P99_MS, color="C1", linewidth=0.8, label="target: p99 at N=500")
    ax.set_xscale("log")
    ax.set_xticks(sorted({r.n for r in results}))
    ax.get_xaxis().set_major_formatter(ScalarFormatter())
    ax.set_xlabel("tablets (N)")
    ax.set_ylabel("chair's request -> event on every tablet (ms)")
    ax.set_title("Fan-out of agenda.current (2-core machine, clients on the same cores)")
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    RESULTS.mkdir(parents=True, exist_ok=True)
    fig.savefig(RESULTS / PLOT, dpi=110)
    plt.close(fig)
