"""Run the benchmarks and write bench/results/latest.json and latest.md.

python -m bench              # every benchmark
python -m bench fanout       # only some, by NAME
"""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench.common import RESULTS, Figure, machine

#: Benchmark modules in the order they run.
MODULES: list[str] = ["voting", "annotations", "client", "client_reader"]


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def write_markdown(figures: list[Figure], info: dict[str, object], path: Path) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {info['date']} with `make bench` (`python -m bench`) on: {info['machine']}.",
        "Each figure is a median or percentile of repeated runs; ratios compare with a "
        "baseline measured in the same run.",
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


def main(argv: list[str]) -> int:
    wanted = argv or [m for m in MODULES]
    RESULTS.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []
    failures: list[str] = []
    started = time.monotonic()
    for name in wanted:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}", flush=True)
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
            try:
                found = module.run(Path(tmp))
            except Exception:
                traceback.print_exc()
                failures.append(name)
                continue
        for f in found:
            print(f"   {f.name}: {_fmt(f.value)} {f.unit}  {f.target or ''}", flush=True)
        figures.extend(found)
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "seconds": round(time.monotonic() - started, 1),
        "failed": failures,
    }
    (RESULTS / "latest.json").write_text(
        json.dumps(
            {**info, "figures": [f.as_dict() for f in figures]}, indent=2, ensure_ascii=False
        )
        + "\n"
    )
    write_markdown(figures, info, RESULTS / "latest.md")
    print(f"wrote {RESULTS / 'latest.md'} in {info['seconds']} s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
