"""GET /v1/embassies, /v1/embassies/{id}, /v1/embassies/nearest: the contract over HTTP."""

import httpx
import pytest

PROBLEM = "application/problem+json"


async def test_the_directory_lists_every_record(client: httpx.AsyncClient) -> None:
    answer = await client.get("/v1/embassies")
    assert answer.status_code == 200
    records = answer.json()
    assert len(records) > 200
    assert {r["status"] for r in records} >= {"open", "closed"}
    assert len({r["id"] for r in records}) == len(records)


async def test_filters_by_country_and_kind(client: httpx.AsyncClient) -> None:
    answer = await client.get("/v1/embassies", params={"country": "de", "kind": "embassy"})
    assert [r["id"] for r in answer.json()] == ["de-berlin-embassy"]


async def test_an_embassy_object_has_the_contracts_fields(client: httpx.AsyncClient) -> None:
    bern = (await client.get("/v1/embassies/ch-bern-embassy")).json()
    for field in (
        "id",
        "kind",
        "name",
        "country",
        "city",
        "address",
        "lat",
        "lon",
        "emails",
        "phones",
        "website",
        "accredited_to",
        "status",
        "coord_precision",
        "sources",
        "updated_at",
    ):
        assert field in bern
    assert bern["accredited_to"][0] == "CH" and "LI" in bern["accredited_to"]
    assert bern["sources"]["emails"]["rusbotschaft@bluewin.ch"]


async def test_an_unknown_id_is_a_404_problem(client: httpx.AsyncClient) -> None:
    answer = await client.get("/v1/embassies/xx-nowhere-embassy")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["status"] == 404


@pytest.mark.parametrize(
    "params, field",
    [
        ({"country": "ZZ"}, "country"),
        ({"country": "DEU"}, "country"),
        ({"kind": "palace"}, "kind"),
    ],
)
async def test_bad_filters_are_422_naming_the_field(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    answer = await client.get("/v1/embassies", params=params)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    assert [e["field"] for e in answer.json()["errors"]] == [field]


@pytest.mark.parametrize(
    "params, country, first, reason",
    [
        ({"q": "Basel"}, "CH", "ch-bern-embassy", "embassy in your country"),
        ({"q": "Мюнхен"}, "DE", "de-berlin-embassy", "embassy in your country"),
        ({"q": "Paris, France"}, "FR", "fr-paris-embassy", "embassy in your country"),
        ({"q": "Vaduz"}, "LI", "ch-bern-embassy", "embassy in Bern, accredited to Liechtenstein"),
        ({"lat": "48.5770", "lon": "7.8150"}, "DE", "de-berlin-embassy", "embassy in your country"),
        ({"lat": "48.5734", "lon": "7.7521"}, "FR", "fr-paris-embassy", "embassy in your country"),
        (
            {"lat": "31.7202", "lon": "-106.4608"},
            "MX",
            "mx-mexico-city-embassy",
            "embassy in your country",
        ),
        ({"country": "GE"}, "GE", "ge-tbilisi-interests_section", None),
        ({"country": "li", "city": "Vaduz"}, "LI", "ch-bern-embassy", None),
        (
            {"q": "Sanaa"},
            "YE",
            "sa-riyadh-embassy",
            "the Russian embassy in Sanaa is suspended: the ambassador to Yemen works from"
            " Riyadh, Saudi Arabia",
        ),
        ({"q": "Honiara"}, "SB", "au-canberra-embassy", None),
        ({"q": "Bridgetown, Barbados"}, "BB", "gy-georgetown-embassy", None),
        ({"q": "Apia"}, "WS", "nz-wellington-embassy", None),
    ],
)
async def test_nearest_follows_the_policy(
    client: httpx.AsyncClient,
    params: dict[str, str],
    country: str,
    first: str,
    reason: str | None,
) -> None:
    answer = await client.get("/v1/embassies/nearest", params=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["location"]["country"] == country
    assert body["results"][0]["embassy"]["id"] == first
    if reason:
        assert body["results"][0]["reason"] == reason


async def test_nearest_says_how_it_located_the_person(client: httpx.AsyncClient) -> None:
    place = (await client.get("/v1/embassies/nearest", params={"q": "Kehl"})).json()
    assert place["location"] | {"lat": 0, "lon": 0} == {
        "lat": 0,
        "lon": 0,
        "country": "DE",
        "city": "Kehl",
        "source": "place",
        "precision": "city",
    }
    point = await client.get("/v1/embassies/nearest", params={"lat": 48.577, "lon": 7.815})
    assert point.json()["location"]["source"] == "coordinates"
    assert point.json()["location"]["precision"] == "point"
    assert point.json()["location"]["city"] == "Kehl"


async def test_no_relations_gives_the_nearest_embassy_and_says_so(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/v1/embassies/nearest", params={"q": "Kyiv", "limit": 3})).json()
    ids = [r["embassy"]["id"] for r in body["results"]]
    assert "ua-kyiv-embassy" not in ids
    assert body["results"][0]["reason"].startswith("no diplomatic relations")
    distances = [r["distance_km"] for r in body["results"]]
    assert distances == sorted(distances)


async def test_kind_any_lists_missions_in_the_country_first(client: httpx.AsyncClient) -> None:
    body = (
        await client.get(
            "/v1/embassies/nearest", params={"q": "Cologne", "kind": "any", "limit": 5}
        )
    ).json()
    countries = [r["embassy"]["country"] for r in body["results"]]
    assert countries[:2] == ["DE", "DE"]
    assert body["results"][0]["embassy"]["id"] == "de-bonn-consulate_general"
    assert all(r["embassy"]["status"] == "open" for r in body["results"])


async def test_limit_bounds(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/embassies/nearest", params={"q": "Basel", "limit": 20})).json()
    assert len(body["results"]) == 20
    for bad in ("0", "21", "many"):
        answer = await client.get("/v1/embassies/nearest", params={"q": "Basel", "limit": bad})
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == "limit"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": "Qwxzzy Hollow"}, "q"),
        ({"lat": "48.1"}, "lon"),
        ({"lat": "91", "lon": "0"}, "lat"),
        ({"lat": "north", "lon": "0"}, "lat"),
        ({"country": "XX"}, "country"),
        ({}, "location"),  # the test client's address is documentation space: not located
    ],
)
async def test_what_cannot_be_resolved_is_a_422_that_says_so(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    answer = await client.get("/v1/embassies/nearest", params=params)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert answer.json()["detail"]


async def test_the_client_ip_locates_the_person_only_through_trusted_proxies(
    client: httpx.AsyncClient,
) -> None:
    # The peer (203.0.113.7) is not a trusted proxy, so its X-Forwarded-For is ignored.
    answer = await client.get(
        "/v1/embassies/nearest", headers={"X-Forwarded-For": "81.169.145.105"}
    )
    assert answer.status_code == 422
