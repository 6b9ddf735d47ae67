"""Run the benchmarks and write bench/results/latest.json and latest.md.

python -m bench              # every benchmark
python -m bench fanout       # only some, by NAME: their rows are replaced, the others kept

Each benchmark's run is recorded with its date, duration and the machine's load average,
since other work on a shared machine slows every figure.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import RESULTS, Figure, machine

#: Benchmark modules in the order they run.
MODULES: list[str] = ["documents", "fanout", "voting", "annotations", "client", "client_reader"]


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def write_markdown(figures: list[Figure], info: dict[str, Any], path: Path) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Measured with `make bench` (`python -m bench`) on: {info['machine']}.",
        "Each figure is a median or percentile of repeated runs; ratios compare with a "
        "baseline measured in the same run.",
        "",
        "| benchmark | measured | took | load average (1 min) at start / end | result |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, run in info["runs"].items():
        load = f"{run['load'][0]:.1f} / {run['load'][1]:.1f}" if run.get("load") else ""
        result = "failed" if run.get("failed") else "ok"
        lines.append(f"| {name} | {run['date']} | {run['seconds']:.0f} s | {load} | {result} |")
    lines += [
        "",
        "| benchmark | figure | value | target | met | baseline | ratio | notes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        baseline = f"{_fmt(f.baseline)} ({f.baseline_label})" if f.baseline is not None else ""
        lines.append(
            f"| {f.benchmark} | {f.name} | {_fmt(f.value)} {f.unit} | {f.target or ''} | {met} "
            f"| {baseline} | {_fmt(f.ratio)} | {f.notes} |"
        )
    plots = sorted({f.plot for f in figures if f.plot})
    if plots:
        lines += ["", "Plots: " + ", ".join(f"[{p}]({p})" for p in plots)]
    path.write_text("\n".join(lines) + "\n")


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def _previous(path: Path) -> dict[str, Any]:
    """The last results, to keep the rows of the benchmarks not run now."""
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data.get("runs"), dict) else {}


def main(argv: list[str]) -> int:
    unknown = [name for name in argv if name not in MODULES]
    if unknown:
        print(f"unknown benchmarks {unknown}; known: {MODULES}", file=sys.stderr)
        return 2
    wanted = argv or list(MODULES)
    RESULTS.mkdir(parents=True, exist_ok=True)
    latest = RESULTS / "latest.json"
    previous = _previous(latest) if argv else {}
    runs: dict[str, Any] = {
        name: run for name, run in previous.get("runs", {}).items() if name not in wanted
    }
    figures = [Figure(**f) for f in previous.get("figures", []) if f["benchmark"] in runs]
    failures: list[str] = []
    for name in wanted:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}", flush=True)
        started, load_at_start = time.monotonic(), _load()
        found: list[Figure] = []
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
            try:
                found = module.run(Path(tmp))
            except Exception:
                traceback.print_exc()
                failures.append(name)
        runs[name] = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": round(time.monotonic() - started, 1),
            "load": [round(load_at_start, 2), round(_load(), 2)],
            "failed": name in failures,
        }
        for f in found:
            print(f"   {f.name}: {_fmt(f.value)} {f.unit}  {f.target or ''}", flush=True)
        figures.extend(found)
    order = {name: i for i, name in enumerate(MODULES)}
    runs = dict(sorted(runs.items(), key=lambda item: order.get(item[0], len(order))))
    figures.sort(key=lambda f: order.get(f.benchmark, len(order)))  # stable within one
    info = {"machine": machine(), "runs": runs}
    latest.write_text(
        json.dumps(
            {**info, "figures": [f.as_dict() for f in figures]}, indent=2, ensure_ascii=False
        )
        + "\n"
    )
    write_markdown(figures, info, RESULTS / "latest.md")
    total = sum(run["seconds"] for run in runs.values())
    print(f"wrote {RESULTS / 'latest.md'}; the benchmarks in it took {total:.0f} s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
