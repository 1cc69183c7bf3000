"""Rate limit strings ("60/minute", "5 per hour") checked where they are configured."""

from limits import RateLimitItem, parse


def parse_rate_limit(value: str) -> RateLimitItem:
    """The limit `value` names; ValueError with the reason when it names none."""
    try:
        return parse(value)
    except ValueError:
        raise ValueError(
            f"{value!r} is not a rate limit; write it as COUNT/PERIOD, e.g. 60/minute"
        ) from None


def check_rate_limit(value: str) -> str:
    parse_rate_limit(value)
    return value.strip()
