"""Attempt throttling with growing delays, shared by all processes through Valkey (memory in the
demo). An attempt is counted before the work it guards and the decision is taken in the same
atomic step, so parallel requests cannot all slip in before the first one is counted."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from valkey.asyncio import Valkey

from portal.config import Settings
from portal.stores import valkey_client

Clock = Callable[[], float]


@dataclass(frozen=True)
class Rule:
    """`free` attempts pass at once; each one after waits `delay_seconds`, doubling up to
    `max_delay_seconds`, after the one before. A key is forgotten after `window_seconds` quiet."""

    name: str
    free: int
    delay_seconds: float
    max_delay_seconds: float
    window_seconds: int

    def delay_after(self, count: int) -> float:
        if count < self.free:
            return 0.0
        # The exponent is capped so a long run of attempts cannot overflow the float.
        return float(min(self.delay_seconds * 2.0 ** min(count - self.free, 60), self.max_delay_seconds))

    @property
    def ttl_seconds(self) -> int:
        return math.ceil(self.window_seconds + self.max_delay_seconds)


Counted = Sequence[tuple[Rule, str]]

# KEYS: the counters; ARGV: now, then free, delay, max delay, window and ttl per key. Refuses
# (the seconds to wait, as a string to keep the fraction) without counting when any key must
# wait; otherwise counts the attempt on every key. The window is judged by the caller's clock
# (the TTL only cleans up), so tests that move the clock see the same rules as the memory.
_HIT = """
local now = tonumber(ARGV[1])
local wait = 0
local counts = {}
for i, key in ipairs(KEYS) do
    local at = 1 + (i - 1) * 5
    local free, delay, cap = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
    local state = redis.call('HMGET', key, 'count', 'last')
    local count = tonumber(state[1]) or 0
    local last = tonumber(state[2]) or 0
    if now - last >= tonumber(ARGV[at + 4]) then count = 0 end
    counts[i] = count
    if count >= free then
        local left = last + math.min(delay * 2 ^ math.min(count - free, 60), cap) - now
        if left > wait then wait = left end
    end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
    redis.call('HSET', key, 'count', counts[i] + 1, 'last', ARGV[1])
    redis.call('EXPIRE', key, tonumber(ARGV[1 + (i - 1) * 5 + 5]))
end
return '0'
"""

_REFUND = """
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0') or 0
if count > 0 then redis.call('HINCRBY', KEYS[1], 'count', -1) end
return count
"""


class Throttle:
    """Counters of attempts under `Rule`s; `clock` is replaceable so tests move time instead
    of waiting for it."""

    def __init__(self, prefix: str, valkey: Valkey | None = None, clock: Clock = time.time) -> None:
        self._prefix = prefix
        self._valkey = valkey
        self.clock = clock
        # Memory: key -> [count, last attempt, expires at]. Each operation runs without an
        # await between reading and writing, so it is atomic within the one event loop.
        self._memory: dict[str, list[float]] = {}
        self._hit_script = valkey.register_script(_HIT) if valkey is not None else None
        self._refund_script = valkey.register_script(_REFUND) if valkey is not None else None

    @classmethod
    def for_settings(cls, settings: Settings) -> Throttle:
        prefix = f"{settings.key_prefix}:throttle"
        return cls(prefix, valkey_client(settings.valkey_url) if settings.valkey_url else None)

    def _key(self, rule: Rule, subject: str) -> str:
        return f"{self._prefix}:{rule.name}:{subject}"

    async def hit(self, counted: Counted) -> float:
        """Counts an attempt under every (rule, subject) and answers 0, or refuses without
        counting and answers the seconds until the next attempt may pass."""
        now = self.clock()
        if self._hit_script is not None:
            arguments: list[float | int] = [now]
            for rule, _subject in counted:
                arguments += [
                    rule.free,
                    rule.delay_seconds,
                    rule.max_delay_seconds,
                    rule.window_seconds,
                    rule.ttl_seconds,
                ]
            keys = [self._key(rule, subject) for rule, subject in counted]
            return float(await self._hit_script(keys=keys, args=arguments))
        states = [(rule, self._state(self._key(rule, subject), rule, now)) for rule, subject in counted]
        wait = max((last + rule.delay_after(int(count)) - now for rule, (count, last, _) in states), default=0.0)
        if wait > 0:
            return wait
        for (rule, subject), (_rule, (count, _last, _expires)) in zip(counted, states, strict=True):
            self._memory[self._key(rule, subject)] = [count + 1, now, now + rule.ttl_seconds]
        self._sweep(now)
        return 0.0

    async def waiting(self, counted: Counted) -> float:
        """The seconds until an attempt may pass (0: now), counting nothing."""
        now = self.clock()
        wait = 0.0
        for rule, subject in counted:
            key = self._key(rule, subject)
            count: float
            last: float
            if self._valkey is not None:
                raw_count, raw_last = await self._valkey.hmget(key, ["count", "last"])  # type: ignore[misc]
                count, last = float(raw_count or 0), float(raw_last or 0)
                if now - last >= rule.window_seconds:
                    count = 0
            else:
                count, last, _expires = self._state(key, rule, now)
            wait = max(wait, last + rule.delay_after(int(count)) - now)
        return wait

    async def refund(self, counted: Counted) -> None:
        """Takes back one attempt (it turned out to be the right one)."""
        for rule, subject in counted:
            key = self._key(rule, subject)
            if self._refund_script is not None:
                await self._refund_script(keys=[key])
            elif key in self._memory and self._memory[key][0] > 0:
                self._memory[key][0] -= 1

    async def forget(self, rule: Rule, subject: str) -> None:
        key = self._key(rule, subject)
        if self._valkey is not None:
            await self._valkey.delete(key)
        else:
            self._memory.pop(key, None)

    async def remember(self, name: str, subject: str, seconds: int) -> None:
        """Marks `subject` under `name` for `seconds` (an address an account signed in from)."""
        key = f"{self._prefix}:{name}:{subject}"
        if self._valkey is not None:
            await self._valkey.set(key, b"1", ex=seconds)
        else:
            self._memory[key] = [0, 0, self.clock() + seconds]

    async def remembers(self, name: str, subject: str) -> bool:
        key = f"{self._prefix}:{name}:{subject}"
        if self._valkey is not None:
            return bool(await self._valkey.exists(key))
        entry = self._memory.get(key)
        return entry is not None and entry[2] > self.clock()

    def _state(self, key: str, rule: Rule, now: float) -> tuple[float, float, float]:
        entry = self._memory.get(key)
        if entry is None or now - entry[1] >= rule.window_seconds:
            return (0, 0, 0)
        return (entry[0], entry[1], entry[2])

    def _sweep(self, now: float) -> None:
        # Keeps the demo's memory bounded: expired counters go once the table grows.
        if len(self._memory) > 10_000:
            self._memory = {key: entry for key, entry in self._memory.items() if entry[2] > now}
