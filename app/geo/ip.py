"""The country of an IP address, from geoip2fast's GeoLite2 country data.

`scripts/build_gazetteer.py` packs geoip2fast's networks into runs of (first address,
country): 500k runs in ~3 MB of arrays, where geoip2fast itself keeps ~57 MB of Python
ints resident for the same IPv4+IPv6 data (37 MB for IPv4 alone). IPv6 is kept at /64
resolution, the smallest network anyone is assigned.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path

from app.geo.packed import read_packed
from app.paths import DATA

DATA_FILE = DATA / "gazetteer" / "ip.bin"


@dataclass(frozen=True, slots=True, eq=False)
class IpCountries:
    countries: tuple[str, ...]  # run value n > 0 is countries[n - 1]; 0 is unknown
    source: str  # the GeoLite2 release the data comes from
    _v4_start: array[int]
    _v4_country: array[int]
    _v6_start: array[int]  # upper 64 bits
    _v6_country: array[int]

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> IpCountries:
        packed = read_packed(path)
        codes = packed.texts["countries"]
        a = packed.arrays
        return cls(tuple(codes[i : i + 2] for i in range(0, len(codes), 2)),
                   str(packed.meta["source"]),
                   a["v4_start"], a["v4_country"], a["v6_start"], a["v6_country"])

    def country(self, ip: str) -> str | None:
        """ISO alpha-2 of a public address; None for private, reserved, unknown or invalid."""
        try:
            address = ip_address(ip.strip())
        except ValueError:
            return None
        if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if not address.is_global:
            return None
        if isinstance(address, IPv4Address):
            run = self._v4_country[bisect_right(self._v4_start, int(address)) - 1]
        else:
            run = self._v6_country[bisect_right(self._v6_start, int(address) >> 64) - 1]
        return self.countries[run - 1] if run else None
