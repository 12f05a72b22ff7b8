"""The per-key rate limit (settings.API_THROTTLE_RATE, e.g. "1200/min"): a sliding window
of counters in the cache, counted atomically.

The period is cut into BUCKETS buckets (for a minute: 6 s each); each admitted request
adds one to its key's current bucket. A request is admitted when the current bucket and
the BUCKETS before it hold at most the limit. Any span of one period lies inside those
BUCKETS + 1 buckets, so no period ever admits more than the limit, wherever the clock
stands and however many processes and threads serve the key; the price is a window one
bucket longer than the period.

Atomic: `cache.add` creates a bucket only if it is missing and `cache.incr` is Redis'
INCR (on the in-memory cache, under its lock), so two requests never read the same count
(a read, then a write of the count, admitted 1,797 of a 1,200/min limit under 12
threads). A refused request takes its increment back, so a client that keeps calling
while refused is admitted again once earlier requests leave the window.

Every answer carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (the IETF
httpapi draft; Reset is the seconds until the oldest bucket leaves the window); a 429
also carries Retry-After, the seconds until enough requests have left for one more.
"""

import contextlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from api.models import ApiKey

BUCKETS = 10
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class RateLimit:
    limit: int
    remaining: int
    reset: int  # seconds until the oldest bucket leaves the window
    retry_after: int  # seconds until one more request would be admitted (0: now)

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }


def parse_rate(rate: str) -> tuple[int, int]:
    """ "1200/min" -> (1200, 60): requests and the period's seconds."""
    number, _, period = rate.partition("/")
    return int(number), PERIODS[period[:1]]


def _increment(key: str, timeout: int) -> int:
    # add() never overwrites a count; incr() raises if the bucket vanished in between
    # (the in-memory cache culls when full): then the bucket starts again.
    while True:
        cache.add(key, 0, timeout)
        try:
            return cache.incr(key)
        except ValueError:
            continue


def take(ident, *, rate: str, now: float) -> tuple[bool, RateLimit]:
    """Count one request of `ident` at `now`; whether it is admitted, and the state."""
    limit, period = parse_rate(rate)
    width = period / BUCKETS
    current = math.floor(now / width)
    names = [f"ratelimit:{ident}:{n}" for n in range(current - BUCKETS, current + 1)]
    mine = _increment(names[-1], timeout=math.ceil(width * (BUCKETS + 2)))
    earlier = cache.get_many(names[:-1])
    counts = [int(earlier.get(name, 0)) for name in names[:-1]] + [mine]
    admitted = sum(counts) <= limit
    if not admitted:
        # A refusal does not count (if the in-memory cache culled the bucket meanwhile,
        # there is nothing to give back).
        with contextlib.suppress(ValueError):
            cache.decr(names[-1])
        counts[-1] -= 1
    next_edge = (current + 1) * width - now
    state = RateLimit(
        limit=limit,
        remaining=max(limit - sum(counts), 0),
        reset=math.ceil(next_edge),
        retry_after=0
        if admitted
        else math.ceil(next_edge + width * _buckets_to_leave(counts, limit)),
    )
    return admitted, state


def _buckets_to_leave(counts: list[int], limit: int) -> int:
    """How many bucket edges after the next one pass before one more request fits: the
    oldest buckets leave the window first."""
    total = sum(counts)
    for passed, count in enumerate(counts):
        total -= count
        if total < limit:
            return passed
    return len(counts) - 1


class ProviderKeyThrottle(BaseThrottle):
    """One window per key, so a provider's two keys during a rotation do not share one.
    The state is left on the request for the view to send as headers."""

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return True
        admitted, self.state = take(
            f"key{request.auth.pk}", rate=settings.API_THROTTLE_RATE, now=time.time()
        )
        request.rate_limit = self.state
        return admitted

    def wait(self):
        return self.state.retry_after
