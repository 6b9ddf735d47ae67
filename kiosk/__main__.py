"""python -m kiosk [--config kiosk.toml] [--pid-file PATH]

Starts Chromium in kiosk mode on the hall display (or the tablet app) of the council room
server named in the configuration, with its own profile, and restarts it if it dies.
See docs/kiosk.md for setting up a room.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kiosk.config import ConfigError, load
from kiosk.launcher import Launcher


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("/etc/council-kiosk.toml"),
        help="TOML file (default /etc/council-kiosk.toml)",
    )
    parser.add_argument(
        "--pid-file", type=Path, default=None, help="write the running Chromium's pid here"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s kiosk: %(message)s")
    try:
        config = load(args.config)
    except ConfigError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    return Launcher(config, pid_file=args.pid_file).run()


if __name__ == "__main__":
    sys.exit(main())
