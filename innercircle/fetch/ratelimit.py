"""Per-host politeness: at most N requests in flight and at most R request starts a second.

Every single HTTP exchange (each redirect hop, each retry, robots.txt) passes through the
gate of the host it talks to, so a redirect to another site is polite to that site too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostGate:
    """A semaphore for concurrency plus start-time spacing for rate."""

    def __init__(self, connections: int, rate_per_s: float) -> None:
        self._sem = asyncio.Semaphore(connections)
        self._lock = asyncio.Lock()
        self.min_interval_s = 1.0 / rate_per_s
        self._next_start = 0.0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._sem:
            async with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start)
                self._next_start = start + self.min_interval_s
            if start > now:
                await asyncio.sleep(start - now)
            yield


class GateRegistry:
    """One :class:`HostGate` per host key, created on first use (within one event loop)."""

    def __init__(self, connections: int, rate_per_s: float) -> None:
        self._connections = connections
        self._rate = rate_per_s
        self._gates: dict[str, HostGate] = {}

    def get(self, host_key: str) -> HostGate:
        gate = self._gates.get(host_key)
        if gate is None:
            gate = self._gates[host_key] = HostGate(self._connections, self._rate)
        return gate
