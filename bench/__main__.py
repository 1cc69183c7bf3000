"""`make bench`: every benchmark, one table of figures (this machine is shared: quote ratios
measured in one run)."""

import platform
import sys
from datetime import UTC, datetime

from app.services import Services
from app.settings import Settings
from bench import bench_compose, bench_http, bench_lookup, bench_partners


def main() -> int:
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
          f"{platform.processor() or platform.machine()}, Python {sys.version.split()[0]}")
    services = Services.load(Settings())
    rows: dict[str, float] = {}
    rows |= bench_lookup.run(services)
    rows |= bench_compose.run(services)
    rows |= bench_http.run()
    rows |= bench_partners.run()  # partners: keys, origins, rate limits
    for name, value in rows.items():
        print(f"| {name:28} | {value:12.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
