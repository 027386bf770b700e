"""The fixed reference workload every benchmark times in its own run.

A number from a busy or slower machine is compared through its ratio to this workload measured in the
same run; every script in bench/ imports it from here, so ratios are comparable.
"""

from __future__ import annotations

import hashlib
import time


def reference() -> float:
    """A fixed CPU-bound workload in pure Python (dicts, strings, hashing), about 1 s on an idle core."""
    started = time.perf_counter()
    digest = b""
    table: dict[str, int] = {}
    for i in range(400_000):
        key = f"rule-{i % 5000}-{i}"
        table[key[:10]] = table.get(key[:10], 0) + len(key)
        if i % 100 == 0:
            digest = hashlib.sha256(digest + key.encode()).digest()
    sum(table.values())
    return time.perf_counter() - started


def load_average() -> str:
    """The machine's load average (1, 5, 15 min) as uptime prints it, for the record next to the numbers."""
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            return ", ".join(fh.read().split()[:3])
    except OSError:
        return "?"
