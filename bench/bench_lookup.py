"""Nearest-embassy lookups in-process, next to a plain linear scan of the same data.

Targets (issue 3): from coordinates <= 20 µs, from a place name <= 100 µs (median).
The linear scans are what one would write without indexes: every city by haversine for
the coordinate's city, every open embassy by haversine; every city's name for a place.
"""

from app.directory.policy import choose
from app.geo.distance import great_circle_km
from app.geo.gazetteer import City
from app.geo.normalize import name_key
from app.services import Services
from app.settings import Settings
from bench.timing import median_us

POINTS = [(47.5584, 7.5733), (48.137, 11.575), (45.764, 4.835), (48.2082, 16.3738),
          (40.4168, -3.7038), (47.1415, 9.5215), (43.6532, -79.3832), (-1.2921, 36.8219),
          (35.6762, 139.6503), (-33.8688, 151.2093), (50.4501, 30.5234), (19.4326, -99.1332),
          (48.5730, 7.8152), (31.7202, -106.4608), (-23.5505, -46.6333), (1.3521, 103.8198)]
PLACES = ["Basel", "München", "Мюнхен", "Paris, France", "Lyon", "Vaduz", "Toronto",
          "Nairobi", "Osaka", "Lima", "Kehl", "Ciudad Juárez", "El Paso", "Görlitz",
          "São Paulo", "Wien"]


def _linear_point(cities: list[City], embassies: list[tuple[float, float]],
                  lat: float, lon: float) -> tuple[City, int]:
    city = min(cities, key=lambda c: great_circle_km(lat, lon, c.lat, c.lon))
    best = min(range(len(embassies)),
               key=lambda i: great_circle_km(lat, lon, *embassies[i]))
    return city, best


def _linear_place(cities: list[City], q: str) -> City | None:
    wanted = name_key(q.split(",")[0])
    found = [c for c in cities if name_key(c.name) == wanted]
    return max(found, key=lambda c: c.population) if found else None


def run(services: Services) -> dict[str, float]:
    geo, directory = services.geo, services.directory
    cities = list(geo.gazetteer.cities())
    open_points = [(r.lat, r.lon) for r in directory.records if r.status == "open"]

    def from_point(p: tuple[float, float]) -> object:
        return choose(directory, geo.from_coordinates(*p), "embassy", 3)

    def from_place(q: str) -> object:
        return choose(directory, geo.from_place(q), "embassy", 3)

    point_us = median_us(from_point, POINTS * 50)
    place_us = median_us(from_place, PLACES * 50)
    linear_point_us = median_us(lambda p: _linear_point(cities, open_points, *p), POINTS, 3)
    linear_place_us = median_us(lambda q: _linear_place(cities, q), PLACES, 3)
    return {
        "lookup_point_us": point_us,
        "lookup_point_linear_us": linear_point_us,
        "lookup_point_speedup": linear_point_us / point_us,
        "lookup_place_us": place_us,
        "lookup_place_linear_us": linear_place_us,
        "lookup_place_speedup": linear_place_us / place_us,
        "gazetteer_cities": float(len(cities)),
    }


if __name__ == "__main__":
    for name, value in run(Services.load(Settings())).items():
        print(f"{name:28} {value:12.1f}")
