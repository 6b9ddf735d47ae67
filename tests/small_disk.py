"""A real, small filesystem to fill up: a tmpfs mounted with `size=` for one test.

Full-disk behaviour is tested against a disk that is really full (ENOSPC from the kernel,
at whatever write meets it: a chunk of an upload, a worker's output, SQLite's journal), not
against an error injected at one function. Mounting needs root with CAP_SYS_ADMIN (CI runs
as root); where it is refused the tests are skipped, or fail under REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import service_missing

FILLER = ".filler"


@dataclass
class SmallDisk:
    root: Path

    def free(self) -> int:
        """Bytes an unprivileged write may still take."""
        stat = os.statvfs(self.root)
        return stat.f_bavail * stat.f_frsize

    def fill(self, leave: int = 0) -> None:
        """Take all the free space but `leave` bytes (rounded down to the page size)."""
        block = os.statvfs(self.root).f_frsize
        take = max(0, self.free() - leave) // block * block
        with (self.root / FILLER).open("ab") as filler:
            chunk = b"\xa5" * (1 << 20)
            while take > 0:
                try:
                    take -= filler.write(chunk[: min(take, len(chunk))])
                    filler.flush()
                except OSError:
                    break  # full already

    def empty(self) -> None:
        (self.root / FILLER).unlink(missing_ok=True)

    def files(self) -> list[Path]:
        """Every file on the disk but the filler, as paths relative to its root."""
        return sorted(
            p.relative_to(self.root)
            for p in self.root.rglob("*")
            if p.is_file() and p.name != FILLER
        )


@contextmanager
def small_disk(path: Path, size_mb: int = 16) -> Iterator[SmallDisk]:
    """A tmpfs of `size_mb` MiB mounted at `path` for the duration (lazily unmounted: a PDF
    worker may still hold a file of it open)."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0700", "tmpfs", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        refused = mounted.stderr.strip() if mounted.returncode else ""
    except FileNotFoundError as exc:
        refused = str(exc)
    if refused:
        service_missing(
            f"cannot mount a small tmpfs to fill up ({refused}): the full-disk tests need "
            "root with CAP_SYS_ADMIN"
        )
    try:
        yield SmallDisk(path)
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)
