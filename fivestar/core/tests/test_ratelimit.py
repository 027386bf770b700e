"""The shared per-address counter (fivestar/core/ratelimit.py): N per window then refused, a new window starts
again and removes the old rows, addresses and names are counted apart and stored as digests, and parallel requests
from several connections (several gunicorn workers) cannot pass the limit."""

import threading

import pytest
from django.db import connection
from django.test import override_settings

from fivestar.core.models import RateCounter
from fivestar.core.ratelimit import hit, message

LIMITS = {"objection": (3, 600), "public_qr": (2, 60)}
T0 = 1_800_000_000.0  # a whole number of 600-second windows


@pytest.mark.django_db
@override_settings(FIVESTAR_RATE_LIMITS=LIMITS)
def test_n_allowed_then_refused_until_the_window_ends():
    decisions = [hit("objection", "10.0.0.1", now=T0 + i) for i in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert decisions[3].retry_after == 600 - 3
    assert message(decisions[3]) == "操作过于频繁：同一网络地址10 分钟内最多3次，请10 分钟后再试。"
    # Another address, another limit name: counted apart.
    assert hit("objection", "10.0.0.2", now=T0 + 5).allowed
    assert hit("public_qr", "10.0.0.1", now=T0 + 5).allowed
    # The next window: allowed again, and the rows of windows that are over are gone.
    assert hit("objection", "10.0.0.1", now=T0 + 600).allowed
    assert RateCounter.objects.filter(key__startswith="objection:").count() == 1
    assert RateCounter.objects.count() == 1  # the public_qr window (60 s) ended too


@pytest.mark.django_db
@override_settings(FIVESTAR_RATE_LIMITS={**LIMITS, "objection": (0, 600)})
def test_zero_turns_a_limit_off_and_nothing_is_stored():
    assert all(hit("objection", "10.0.0.1", now=T0).allowed for _ in range(10))
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
@override_settings(FIVESTAR_RATE_LIMITS=LIMITS)
def test_the_address_is_stored_as_a_digest():
    hit("objection", "192.168.77.55", now=T0)
    key = RateCounter.objects.get().key
    assert "192.168" not in key and key.startswith("objection:") and key.endswith(f":{int(T0 // 600)}")


@pytest.mark.django_db
@override_settings(FIVESTAR_RATE_LIMITS=LIMITS)
def test_one_query_per_request_once_the_window_is_open(django_assert_num_queries):
    hit("objection", "10.0.0.9", now=T0)
    with django_assert_num_queries(1):
        hit("objection", "10.0.0.9", now=T0 + 1)


@pytest.mark.django_db(transaction=True)
@override_settings(FIVESTAR_RATE_LIMITS={"objection": (5, 600)})
def test_parallel_requests_from_several_connections_pass_at_most_the_limit():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("parallel writers need a file-based SQLite or PostgreSQL test database")
    barrier, results = threading.Barrier(20), []

    def request():
        try:
            barrier.wait(timeout=30)
            results.append(hit("objection", "10.7.7.7", now=T0).allowed)
        except Exception as exc:  # noqa: BLE001  (reported below)
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 5 and results.count(False) == 15, results
    assert RateCounter.objects.get().count == 20
