"""What every benchmark reports, and the statistics they share.

A benchmark module in bench/ defines `NAME` and `run(workdir: Path) -> list[Figure]`; it
may save PNG plots under bench/results/ and list them in its figures' `plot` field.
Figures are medians or percentiles of repeated runs; side-by-side figures carry the
baseline measured in the same run and the ratio, never a constant from elsewhere.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    benchmark: str
    name: str
    value: float
    unit: str
    #: The target as a person reads it, e.g. "< 100 ms"; None when there is none.
    target: str | None = None
    #: Whether the target is met; None when there is no target.
    met: bool | None = None
    #: Same quantity for the comparison measured in the same run (e.g. a bare server).
    baseline: float | None = None
    baseline_label: str | None = None
    ratio: float | None = None
    notes: str = ""
    plot: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else math.nan


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return float(ordered[rank - 1])


def cpu_seconds(pids: Sequence[int | None]) -> float:
    """User + system CPU time the processes have used so far."""
    return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids if pid)


def at_most(value: float, limit: float) -> bool:
    return not math.isnan(value) and value <= limit


def at_least(value: float, limit: float) -> bool:
    return not math.isnan(value) and value >= limit


def machine() -> dict[str, Any]:
    """A description of the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory_gib = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory_gib = round(pages / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }
