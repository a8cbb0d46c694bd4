"""The ten control markets, east to west (SPEC §10, and the market-open plan's Euronext region,
issue 14). Plain data: used by the seed migrations and by ``seed_control_markets``."""

from __future__ import annotations

CONTROL_MARKETS: list[dict[str, object]] = [
    # country, display name, IANA timezone, exchange calendar, local open/close, futures capture
    {
        "country": "Japan",
        "display_name": "Tokyo",
        "timezone_name": "Asia/Tokyo",
        "calendar_code": "XTKS",
        "open_time": "09:00",
        "close_time": "15:30",
        "enable_futures_capture": True,
        "weight": "0.25",
    },
    {
        "country": "China",
        "display_name": "Shanghai",
        "timezone_name": "Asia/Shanghai",
        "calendar_code": "XSHG",
        "open_time": "09:30",
        "close_time": "15:00",
        "enable_futures_capture": True,
        "weight": "0.10",
    },
    {
        "country": "India",
        "display_name": "Bombay",
        "timezone_name": "Asia/Kolkata",
        "calendar_code": "XBOM",
        "open_time": "09:15",
        "close_time": "15:30",
        "enable_futures_capture": True,
        "weight": "0.05",
    },
    {
        "country": "Germany",
        "display_name": "Frankfurt",
        "timezone_name": "Europe/Berlin",
        "calendar_code": "XETR",
        "open_time": "09:00",
        "close_time": "17:30",
        "enable_futures_capture": False,
        "weight": "0.20",
    },
    # Euronext Amsterdam: the market-open plan's region; the engine document's (newer) control list
    # has no Euronext, so it is shown and scheduled but captures nothing until an admin turns it on.
    {
        "country": "Netherlands",
        "display_name": "Amsterdam",
        "timezone_name": "Europe/Amsterdam",
        "calendar_code": "XAMS",
        "open_time": "09:00",
        "close_time": "17:30",
        "enable_futures_capture": False,
        "weight": "0.00",
    },
    {
        "country": "United Kingdom",
        "display_name": "London",
        "timezone_name": "Europe/London",
        "calendar_code": "XLON",
        "open_time": "08:00",
        "close_time": "16:30",
        "enable_futures_capture": True,
        "weight": "0.05",
    },
    {
        "country": "Pre_USA",
        "display_name": "Pre-USA (New York pre-market)",
        "timezone_name": "America/New_York",
        "calendar_code": "XNYS",
        "open_time": "08:30",
        "close_time": "09:30",
        "enable_futures_capture": True,
        "weight": "0.05",
        "calendar_hours": False,
    },
    {
        "country": "USA",
        "display_name": "New York",
        "timezone_name": "America/New_York",
        "calendar_code": "XNYS",
        "open_time": "09:30",
        "close_time": "16:00",
        "enable_futures_capture": True,
        "weight": "0.25",
    },
    {
        "country": "Canada",
        "display_name": "Toronto",
        "timezone_name": "America/Toronto",
        "calendar_code": "XTSE",
        "open_time": "09:30",
        "close_time": "16:00",
        "enable_futures_capture": False,
        "weight": "0.03",
    },
    {
        "country": "Mexico",
        "display_name": "Mexico City",
        "timezone_name": "America/Mexico_City",
        "calendar_code": "XMEX",
        "open_time": "08:30",
        "close_time": "15:00",
        "enable_futures_capture": False,
        "weight": "0.02",
    },
]

CONTROL_COUNTRIES: list[str] = [str(m["country"]) for m in CONTROL_MARKETS]

#: Upper-cased alias → canonical country (from the original's country-code table).
COUNTRY_ALIASES: dict[str, str] = {
    "USA": "USA",
    "US": "USA",
    "UNITED STATES": "USA",
    "AMERICA": "USA",
    "NEW YORK": "USA",
    "PRE_USA": "Pre_USA",
    "PRE-USA": "Pre_USA",
    "PRE USA": "Pre_USA",
    "JAPAN": "Japan",
    "JP": "Japan",
    "TOKYO": "Japan",
    "CHINA": "China",
    "CN": "China",
    "SHANGHAI": "China",
    "INDIA": "India",
    "IN": "India",
    "BOMBAY": "India",
    "MUMBAI": "India",
    "GERMANY": "Germany",
    "DE": "Germany",
    "FRANKFURT": "Germany",
    "NETHERLANDS": "Netherlands",
    "NL": "Netherlands",
    "AMSTERDAM": "Netherlands",
    "EURONEXT": "Netherlands",
    "HOLLAND": "Netherlands",
    "UNITED KINGDOM": "United Kingdom",
    "UK": "United Kingdom",
    "GB": "United Kingdom",
    "GREAT BRITAIN": "United Kingdom",
    "ENGLAND": "United Kingdom",
    "LONDON": "United Kingdom",
    "CANADA": "Canada",
    "CA": "Canada",
    "TORONTO": "Canada",
    "MEXICO": "Mexico",
    "MX": "Mexico",
    "MEXICO CITY": "Mexico",
}


def normalize_country(raw: str | None) -> str | None:
    """Canonical country for a user's spelling (``us``, ``United States``, ``london`` → ``USA``,
    ``USA``, ``United Kingdom``), or None when it names no control market."""
    if raw is None:
        return None
    return COUNTRY_ALIASES.get(raw.strip().upper())
