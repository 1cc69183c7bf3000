"""Composing one letter in-process: lookup + render + links + the answer's JSON (target ≤ 150 µs
median).

Timed is what the compose route does with a letter once its body is parsed and its rate limit
passed (app/letters/router.py): `compose_parts`, then `answer_json`, the JSON bytes it answers
with, under the mail policy the settings give. (Until 2026-12-02 this timed `compose()`, which
builds the answer's pydantic models and never writes them: the PDF route's path, not compose's.)
The median of ROUNDS passes over the requests, each pass's mean a letter, in the CPU time of
the thread (`time.thread_time`): on this shared 2-core host, with the load above 2, wall time
also counted the time other processes had the core (the same code gave 73 to 176 µs a letter
in three runs a minute apart), and a pass the host's load slows anyway is outvoted.
"""

import time
from datetime import UTC, datetime

from app.letters.answer import answer_json
from app.letters.compose import Context, compose_parts
from app.letters.recipients import mail_policy
from app.letters.schemas import ComposeRequest, Coordinates, Sender
from app.services import Services
from app.settings import Settings
from bench.timing import median_us

ROUNDS = 15
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
                  accept_language=None, client_ip=None, now=datetime.now(UTC),
                  mail=mail_policy(services.settings))
    reqs = requests()
    latin = [r for r in reqs if r.language != "ru"]

    def route(request: ComposeRequest) -> bytes:
        return answer_json(compose_parts(ctx, request))

    return {
        "compose_us": median_us(route, reqs, ROUNDS, time.thread_time),
        "compose_latin_us": median_us(route, latin, ROUNDS, time.thread_time),
    }


if __name__ == "__main__":
    for name, value in run(Services.load(Settings())).items():
        print(f"{name:24} {value:10.1f}")
