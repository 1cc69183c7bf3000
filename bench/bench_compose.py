"""Composing one letter in-process: lookup + render + links (target ≤ 150 µs median)."""

from datetime import UTC, datetime

from app.letters.compose import Context, compose
from app.letters.schemas import ComposeRequest, Coordinates, Sender
from app.services import Services
from app.settings import Settings
from bench.timing import median_us

PLACES = [("Basel", "CH"), ("Munich", "DE"), ("Lyon", "FR"), ("Vienna", "AT"), ("Madrid", "ES"),
          ("Vaduz", "LI"), ("Toronto", "CA"), ("Nairobi", "KE"), ("Osaka", "JP"), ("Lima", "PE")]
POINTS = [(47.5584, 7.5733), (48.137, 11.575), (45.764, 4.835), (48.2082, 16.3738),
          (40.4168, -3.7038), (47.1415, 9.5215), (43.6532, -79.3832), (-1.2921, 36.8219)]


def requests() -> list[ComposeRequest]:
    out = []
    for i, (city, country) in enumerate(PLACES * 20):
        lang = ("en", "de", "fr", "es", "ru")[i % 5]
        out.append(ComposeRequest(campaign_id="navalny-appeal", language=lang,
                                  sender=Sender(name=f"Person {i}", city=city, country=country)))
    for i, (lat, lon) in enumerate(POINTS * 25):
        out.append(ComposeRequest(campaign_id="navalny-appeal", language="en",
                                  sender=Sender(name=f"Point {i}"),
                                  location=Coordinates(lat=lat, lon=lon)))
    return out


def run(services: Services) -> dict[str, float]:
    ctx = Context(geo=services.geo, directory=services.directory, campaigns=services.campaigns,
                  accept_language=None, client_ip=None, now=datetime.now(UTC))
    reqs = requests()
    latin = [r for r in reqs if r.language != "ru"]
    return {
        "compose_us": median_us(lambda r: compose(ctx, r), reqs),
        "compose_latin_us": median_us(lambda r: compose(ctx, r), latin),
    }


if __name__ == "__main__":
    for name, value in run(Services.load(Settings())).items():
        print(f"{name:24} {value:10.1f}")
