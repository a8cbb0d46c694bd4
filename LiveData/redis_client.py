"""``LiveDataRedis``: the one client for Thor's quote keys in Redis (SPEC §3.2).

| key | type | content |
|---|---|---|
| ``live_data:latest:quotes`` | hash | field = canonical symbol, value = quote JSON |
| ``live_data:quotes:{SYMBOL}`` | pub/sub channel | quote JSON on every change |
| ``live_data:stream:quotes`` | stream, approximate MAXLEN | one entry per changed quote: ``symbol``, ``quote`` |
| ``live_data:feed:status`` | hash | the poller's last poll time, counts, last error |

Quote JSON carries prices as JSON numbers (or null); this client hands them back as ``Decimal`` so
that tick arithmetic stays exact. Redis errors (``redis.exceptions.RedisError``) propagate to the
caller, which decides whether to retry (the poller) or answer 503 (the API).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import redis

from LiveData.ticks import Quote

LATEST_QUOTES_KEY = "live_data:latest:quotes"
QUOTE_CHANNEL = "live_data:quotes:{symbol}"
QUOTE_STREAM_KEY = "live_data:stream:quotes"
RECORDER_STATUS_KEY = "live_data:recorder"
FEED_STATUS_KEY = "live_data:feed:status"
POLLER_LOCK_KEY = "live_data:poller:lock"


def stream_id_key(entry_id: str) -> tuple[int, int]:
    """A stream entry id (``"1700000000000-3"``) → ``(milliseconds, sequence)`` for ordering."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Exact for feed prices: they come from Excel doubles or short decimal text.
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps_quote(quote: Mapping[str, Any]) -> str:
    """Quote dict → compact JSON (Decimal → number, datetime → ISO-8601)."""
    return json.dumps(quote, default=_json_default, separators=(",", ":"))


def loads_quote(text: str | bytes) -> Quote:
    """Quote JSON → dict with Decimal prices. Raises ``ValueError`` for malformed JSON."""
    value = json.loads(text, parse_float=Decimal)
    if not isinstance(value, dict) or not isinstance(value.get("symbol"), str):
        raise ValueError("quote JSON is not an object with a symbol")
    return cast(Quote, value)


class LiveDataRedis:
    """Reads and writes quotes, the quote stream and the feed status.

    ``client`` is a redis-py client created with ``decode_responses=True`` (or a fakeredis one).
    """

    def __init__(self, client: redis.Redis, *, stream_maxlen: int = 100_000) -> None:
        # redis-py types every command as "value | Awaitable[value]" (sync and asyncio share them);
        # this client is the synchronous one.
        self.client: Any = client
        self.stream_maxlen = stream_maxlen

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> LiveDataRedis:
        """A client for ``url`` with short timeouts, so a dead Redis fails fast instead of hanging."""
        client = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=2,
            socket_timeout=5,
            health_check_interval=30,
            retry_on_timeout=False,
        )
        return cls(client, **kwargs)

    # --- writing --------------------------------------------------------------------------------
    def publish_quote(self, quote: Quote, *, changed: bool = True) -> None:
        """Store one quote as the latest for its symbol; when ``changed``, also announce it."""
        self.publish_quotes([quote], changed={quote["symbol"]} if changed else set())

    def publish_quotes(self, quotes: Iterable[Quote], *, changed: set[str]) -> int:
        """Store every quote in the latest hash, and send the ``changed`` symbols to their channel
        and to the stream, all in one round trip. Returns the number of stream entries written."""
        pipe = self.client.pipeline(transaction=False)
        latest: dict[str | bytes, str] = {}
        sent = 0
        for quote in quotes:
            symbol = quote["symbol"]
            payload = dumps_quote(quote)
            latest[symbol] = payload
            if symbol in changed:
                pipe.publish(QUOTE_CHANNEL.format(symbol=symbol), payload)
                pipe.xadd(
                    QUOTE_STREAM_KEY,
                    {"symbol": symbol, "quote": payload},
                    maxlen=self.stream_maxlen,
                    approximate=True,
                )
                sent += 1
        if latest:
            pipe.hset(LATEST_QUOTES_KEY, mapping=latest)
        pipe.execute()
        return sent

    # --- reading --------------------------------------------------------------------------------
    def get_latest_quote(self, symbol: str) -> Quote | None:
        """The latest quote for a canonical symbol, or None when there is none."""
        raw = self.client.hget(LATEST_QUOTES_KEY, symbol.upper())
        return loads_quote(raw) if raw else None

    def get_latest_quotes(self, symbols: Iterable[str] | None = None) -> dict[str, Quote]:
        """Latest quotes by symbol in one round trip (all of them, or just ``symbols``).

        A stored value that is not valid JSON is left out rather than failing the whole snapshot.
        """
        if symbols is None:
            raw_map = self.client.hgetall(LATEST_QUOTES_KEY)
        else:
            wanted = [s.upper() for s in symbols]
            raw_map = dict(zip(wanted, self.client.hmget(LATEST_QUOTES_KEY, wanted), strict=True)) if wanted else {}
        quotes: dict[str, Quote] = {}
        for symbol, raw in raw_map.items():
            if not raw:
                continue
            try:
                quotes[symbol] = loads_quote(raw)
            except ValueError:
                continue
        return quotes

    def get_latest_quotes_and_hash(self, key: str) -> tuple[dict[str, Quote], dict[str, str]]:
        """All latest quotes and the raw fields of hash ``key`` (another app's per-symbol summary),
        in one round trip."""
        pipe = self.client.pipeline(transaction=False)
        pipe.hgetall(LATEST_QUOTES_KEY)
        pipe.hgetall(key)
        raw_quotes, extra = pipe.execute()
        quotes: dict[str, Quote] = {}
        for symbol, raw in (raw_quotes or {}).items():
            try:
                quotes[symbol] = loads_quote(raw)
            except ValueError:
                continue
        return quotes, dict(extra or {})

    # --- the quote stream -----------------------------------------------------------------------
    def ensure_group(self, group: str, *, start_id: str = "0") -> None:
        """Create consumer group ``group`` on the quote stream if it does not exist yet.

        ``start_id`` "0" means a new group also sees entries written before it existed."""
        try:
            self.client.xgroup_create(QUOTE_STREAM_KEY, group, id=start_id, mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def read_stream(
        self,
        *,
        group: str,
        consumer: str,
        count: int = 500,
        block_ms: int | None = 1000,
        pending: bool = False,
    ) -> list[tuple[str, Quote | None]]:
        """Entries for ``consumer`` in ``group``: ``[(entry_id, quote or None if malformed)]``.

        ``pending=True`` returns entries delivered earlier but never acknowledged (the ones a
        stopped consumer left behind); otherwise new entries, waiting up to ``block_ms``.
        """
        stream_id = "0" if pending else ">"
        response = self.client.xreadgroup(
            group, consumer, {QUOTE_STREAM_KEY: stream_id}, count=count, block=None if pending else block_ms
        )
        entries: list[tuple[str, Quote | None]] = []
        for _stream, items in response or []:
            for entry_id, fields in items:
                quote: Quote | None
                try:
                    quote = loads_quote(fields["quote"]) if fields and "quote" in fields else None
                except ValueError:
                    quote = None
                entries.append((entry_id, quote))
        return entries

    def read_stream_resuming(
        self, *, group: str, consumer: str, count: int, block_ms: int | None, recovering: bool
    ) -> tuple[list[tuple[str, Quote | None]], bool]:
        """One batch for a consumer that must never skip an entry: while ``recovering`` (after a
        start, a crash or a failed step) the entries delivered earlier but never acknowledged, and
        once none are left the new ones. Returns ``(entries, still recovering)``, entries as
        :meth:`read_stream` gives them."""
        if recovering:
            entries = self.read_stream(group=group, consumer=consumer, count=count, pending=True)
            if entries:
                return entries, True
        return self.read_stream(group=group, consumer=consumer, count=count, block_ms=block_ms), False

    def last_stream_id(self) -> str:
        """The id of the quote stream's newest entry ("0-0" when it is empty)."""
        newest = self.client.xrevrange(QUOTE_STREAM_KEY, count=1)
        return str(newest[0][0]) if newest else "0-0"

    def wait_for_quotes(self, after: str, *, block_ms: int) -> tuple[str, set[str]] | None:
        """Wait up to ``block_ms`` for quote stream entries newer than ``after``; returns the newest
        one's id and the symbols they carry, or None when none came (at most 10,000 entries)."""
        response = self.client.xread({QUOTE_STREAM_KEY: after}, count=10_000, block=block_ms)
        newest, symbols = None, set()
        for _stream, items in response or []:
            for entry_id, fields in items:
                newest = str(entry_id)
                if fields and fields.get("symbol"):
                    symbols.add(str(fields["symbol"]))
        return (newest, symbols) if newest is not None else None

    def trimmed_gap(self, group: str) -> tuple[str, str] | None:
        """``(last_delivered_id, first_entry_id)`` when the stream's oldest entry comes after the
        entry ``group`` last read, so entries between the two may have been trimmed (capped stream)
        before the group read them; None when nothing can be missing (or no such group/stream).
        Whether anything really was missing only the tick archive can tell."""
        try:
            groups = self.client.xinfo_groups(QUOTE_STREAM_KEY)
        except redis.ResponseError:  # no stream yet
            return None
        last = next((g["last-delivered-id"] for g in groups if g["name"] == group), None)
        if last is None:
            return None
        first = self.client.xrange(QUOTE_STREAM_KEY, "-", "+", count=1)
        if not first:
            return None
        first_id = first[0][0]
        return (last, first_id) if stream_id_key(first_id) > stream_id_key(last) else None

    def ack(self, group: str, entry_ids: list[str]) -> int:
        """Acknowledge processed entries; returns how many were pending."""
        return int(self.client.xack(QUOTE_STREAM_KEY, group, *entry_ids)) if entry_ids else 0

    def backlog(self, group: str) -> dict[str, int] | None:
        """How far ``group`` is behind the capped stream: ``unwritten`` (entries delivered but not
        acknowledged, plus those not delivered yet), ``length`` (entries the stream holds), ``maxlen``
        (its cap) and ``headroom`` (entries that may still arrive before the trim reaches the oldest
        unwritten one: ``maxlen − unwritten``, never below 0). None without the stream or group."""
        try:
            groups = self.client.xinfo_groups(QUOTE_STREAM_KEY)
            length = int(self.client.xlen(QUOTE_STREAM_KEY))
        except redis.ResponseError:
            return None
        found = next((g for g in groups if g["name"] == group), None)
        if found is None:
            return None
        unwritten = int(found.get("pending") or 0) + int(found.get("lag") or 0)
        return {
            "unwritten": unwritten,
            "length": length,
            "maxlen": self.stream_maxlen,
            "headroom": max(0, self.stream_maxlen - unwritten),
        }

    def set_recorder_status(self, values: Mapping[str, Any]) -> None:
        """Merge ``values`` into the tick recorder's status hash (None becomes an empty string)."""
        self.client.hset(RECORDER_STATUS_KEY, mapping={k: "" if v is None else str(v) for k, v in values.items()})

    def recorder_status(self) -> dict[str, str]:
        """The tick recorder's status hash (empty before its first write)."""
        return dict(self.client.hgetall(RECORDER_STATUS_KEY))

    # --- feed status ----------------------------------------------------------------------------
    def set_feed_status(self, values: Mapping[str, Any]) -> None:
        """Merge ``values`` into the feed status hash (None becomes an empty string)."""
        self.client.hset(FEED_STATUS_KEY, mapping={k: "" if v is None else str(v) for k, v in values.items()})

    def feed_status(self) -> dict[str, str]:
        """The poller's status hash (empty when no poller has run)."""
        return dict(self.client.hgetall(FEED_STATUS_KEY))

    def poller_lock(self, ttl: float) -> Any:
        """A token-safe lock (redis-py ``Lock``) that lets only one poller write at a time."""
        return self.client.lock(POLLER_LOCK_KEY, timeout=ttl, thread_local=False)

    def ping(self) -> bool:
        """True when Redis answers; raises ``RedisError`` when it does not."""
        return bool(self.client.ping())


_default: LiveDataRedis | None = None
_default_lock = threading.Lock()


def get_live_data_redis() -> LiveDataRedis:
    """The process's client for ``settings.REDIS_URL`` (created on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                from django.conf import settings

                _default = LiveDataRedis.from_url(settings.REDIS_URL, stream_maxlen=settings.THOR_STREAM_MAXLEN)
    return _default


def set_live_data_redis(client: LiveDataRedis | None) -> None:
    """Replace the process's client (tests); ``None`` makes the next call reconnect from settings."""
    global _default
    _default = client
