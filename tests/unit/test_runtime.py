"""The serving process freezes what start-up made and collects young objects less often."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc, weakref
from server.runtime import YOUNG_THRESHOLD, tune_garbage_collector

before = gc.get_threshold()
started_with = gc.get_freeze_count()
tune_garbage_collector()
assert gc.get_freeze_count() > started_with + 1000, gc.get_freeze_count()
assert gc.get_threshold() == (YOUNG_THRESHOLD, before[1], before[2]), gc.get_threshold()

class Node:
    pass

# Garbage made after start-up is still collected.
a, b = Node(), Node()
a.other, b.other = b, a
gone = weakref.ref(a)
del a, b
gc.collect()
assert gone() is None
print("ok")
"""


def test_tuning_freezes_startup_objects_and_still_collects_later_garbage():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
