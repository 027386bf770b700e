"""What the province benchmarks print, shared: sections headed by a fresh reference-workload time (the machine's
load moves during a long run, so each section's ratios are to the reference timed just before it), timed lines,
page p95 with query counts, and the rules of the shipped framework the generated data points at."""

import statistics
import time

from reference import load_average, reference

REF: list[float] = []


def section(title: str) -> None:
    """A heading, with the reference workload timed again: on a busy machine the load moves during a run, and each
    section's ratios are to the reference timed just before it."""
    REF.insert(0, reference())
    print(f"{title} (reference workload now {REF[0]:.3f}s; load average {load_average()})", flush=True)


def line(label: str, seconds: float, extra: str = "") -> None:
    print(f"  {label:<48} {seconds * 1000:10.1f} ms = {seconds / REF[0]:7.3f} × reference{extra}", flush=True)


def timed(label: str, fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    line(label, time.perf_counter() - started)
    return result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(client, label: str, url: str, repeat: int) -> int:
    """p95 and median of `repeat` requests (after one warm-up) and the queries of one; returns that count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(url)
    if first.status_code != 200:
        raise SystemExit(f"{url}: HTTP {first.status_code}")
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
    print(f"  {label:<48} p95 {p95(times) * 1000:8.1f} ms = {p95(times) / REF[0]:6.3f} × reference  "
          f"median {statistics.median(times) * 1000:7.1f} ms  {len(ctx.captured_queries):3d} queries  {len(first.content) / 1024:6.1f} KB",
          flush=True)
    return len(ctx.captured_queries)


def rules() -> list[tuple[str, str]]:
    """(star, rule) of the shipped rural framework's non-indicator rules, published (the list names stars from it)."""
    from round import framework

    compiled = framework().compiled()
    return [(r.star_code, r.code) for r in compiled.rules_by_code.values() if not r.indicator]
