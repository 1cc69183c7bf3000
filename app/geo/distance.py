"""Great-circle distance."""

from math import asin, cos, pi, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
# x * RADIANS_PER_DEGREE is the float math.radians(x) gives, without a call: lookups
# convert many angles. Likewise the comparison with 1.0 below is min(1.0, s).
RADIANS_PER_DEGREE = pi / 180.0
DIAMETER_KM = 2 * EARTH_RADIUS_KM


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres."""
    p1, p2 = lat1 * RADIANS_PER_DEGREE, lat2 * RADIANS_PER_DEGREE
    dp, dl = p2 - p1, (lon2 - lon1) * RADIANS_PER_DEGREE
    a, b = sin(dp / 2), sin(dl / 2)
    h = a * a + cos(p1) * cos(p2) * (b * b)  # x * x: half the cost of x ** 2 (a pow call)
    s = sqrt(h)
    return DIAMETER_KM * asin(s if s < 1.0 else 1.0)
