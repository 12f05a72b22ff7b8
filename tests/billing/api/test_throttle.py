"""The per-key rate limit: never more than the limit in any period, however many threads
call at once, in Redis or in memory; every answer says how much is left."""

import os
import random
import threading
from types import SimpleNamespace

import pytest

from api.throttle import ProviderKeyThrottle, take

pytestmark = pytest.mark.django_db


def admitted_by_threads(key, *, threads=12, calls=50) -> int:
    """`threads` threads, started together, each asking the key's throttle `calls` times."""
    request = SimpleNamespace(auth=key)
    start = threading.Barrier(threads)
    admitted = []

    def client():
        start.wait()
        mine = sum(ProviderKeyThrottle().allow_request(request, None) for _ in range(calls))
        admitted.append(mine)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(admitted)


def test_twelve_threads_at_once_get_exactly_the_limit_in_memory(settings, centre_key):
    settings.API_THROTTLE_RATE = "100/min"
    assert admitted_by_threads(centre_key) == 100


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_twelve_threads_at_once_get_exactly_the_limit_in_redis(settings, centre_key):
    assert "Redis" in settings.CACHES["default"]["BACKEND"]
    settings.API_THROTTLE_RATE = "100/min"
    assert admitted_by_threads(centre_key) == 100


def test_no_sliding_minute_admits_more_than_the_limit():
    """A client calling at random moments, in bursts and pauses, for ten minutes."""
    rng = random.Random(12)
    now, admitted = 1_000_000.0, []
    while now < 1_000_600:
        now += rng.choice([0.05, 0.05, 0.3, 2.0, 7.0])
        if take("steady", rate="20/min", now=now)[0]:
            admitted.append(now)
    assert len(admitted) > 150  # it was admitted all along, not starved
    busiest = max(sum(1 for t in admitted if s <= t < s + 60) for s in admitted)
    assert busiest <= 20


def test_a_refused_client_is_told_when_to_come_back_and_is_admitted_then():
    start = 999_996.0  # a bucket's first moment (buckets of 6 s)
    for n in range(3):
        take("c", rate="3/min", now=start + n)
    refused, state = take("c", rate="3/min", now=start + 10)

    assert not refused and (state.remaining, state.retry_after) == (0, 56)
    assert not take("c", rate="3/min", now=start + 10 + 55)[0]
    assert take("c", rate="3/min", now=start + 10 + 56)[0]


def test_every_answer_carries_the_rate_limit_headers(settings, api):
    settings.API_THROTTLE_RATE = "2/min"
    answers = [api.get("/api/v1/contracts") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a["RateLimit-Limit"] for a in answers] == ["2", "2", "2"]
    assert [a["RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
    assert all(0 < int(a["RateLimit-Reset"]) <= 6 for a in answers)
    assert "Retry-After" not in answers[0] and 0 < int(answers[2]["Retry-After"]) <= 66
