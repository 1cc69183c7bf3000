"""When an embassy may receive a letter: office hours in its own time zone. Pure.

A flood of near-identical letters can get the platform's domain blocked by a mission's mail
server; letters outside office hours or over the daily budget wait, never dropped.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import tzfpy

OPENS = time(9, 0)
CLOSES = time(18, 0)
WORKDAYS = range(0, 5)  # Monday to Friday


def zone_of(lat: float, lon: float) -> ZoneInfo:
    """The time zone at a point (tzfpy's boundaries); UTC where it names none."""
    name = tzfpy.get_tz(lon, lat)
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def next_opening(now: datetime, zone: ZoneInfo) -> datetime | None:
    """None while the office is open; else the next 09:00 of a working day, in UTC."""
    local = now.astimezone(zone)
    if local.weekday() in WORKDAYS and OPENS <= local.time() < CLOSES:
        return None
    day = local.date() if local.time() < OPENS else local.date() + timedelta(days=1)
    while day.weekday() not in WORKDAYS:
        day += timedelta(days=1)
    return datetime.combine(day, OPENS, tzinfo=zone).astimezone(UTC)


def next_utc_day(now: datetime) -> datetime:
    """The start of the next UTC day, when every daily budget starts again."""
    today = now.astimezone(UTC).date()
    return datetime.combine(today + timedelta(days=1), time(0, 0), tzinfo=UTC)
