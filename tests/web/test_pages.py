"""The web routes over HTTP: the script, its config, the embed page and form, the demo."""

import httpx

FORM = {"name": "Jane Doe", "place": "Basel", "lang": "en"}


async def test_the_widget_script_is_served_as_javascript(client: httpx.AsyncClient) -> None:
    answer = await client.get("/widget.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert 'customElements.define("embassy-letter"' in answer.text
    style = await client.get("/static/widget.css")
    assert style.status_code == 200 and "--el-accent" in style.text


async def test_the_config_says_what_this_service_can_do(client: httpx.AsyncClient) -> None:
    config = (await client.get("/widget/config.json")).json()
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert config["sending"] is ("post" in paths.get("/v1/letters", {}))
    assert config["reporting"] is ("post" in paths.get("/v1/letters/reported", {}))
    assert config["languages"] == ["de", "en", "es", "fr", "ru"]
    assert config["messages"]["de"]["write"] == "Meinen Brief schreiben"
    assert config["from_name"] == "Embassy Letters"


async def test_the_embed_page_is_a_working_form(client: httpx.AsyncClient) -> None:
    answer = await client.get("/embed/navalny-appeal", headers={"Accept-Language": "fr"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in answer.text
    assert 'action="/embed/navalny-appeal#result"' in answer.text
    assert '<script src="/widget.js" defer></script>' in answer.text


async def test_an_unknown_campaign_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/embed/nope")).status_code == 404
    assert (await client.post("/embed/nope", data=FORM)).status_code == 404


async def test_an_unknown_campaigns_page_says_so_in_the_browsers_language(
    client: httpx.AsyncClient,
) -> None:
    headers = {"Accept": "text/html,*/*;q=0.8", "Accept-Language": "es"}
    answer = await client.get("/embed/nope", headers=headers)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert '<html lang="es">' in answer.text and "Esta campaña no existe." in answer.text
    asked = await client.get("/embed/nope", params={"lang": "de"}, headers=headers)
    assert '<html lang="de">' in asked.text  # the page's own `lang` wins, as on the form


async def test_a_client_that_asks_for_json_gets_the_problem(client: httpx.AsyncClient) -> None:
    for path in ("/embed/nope", "/embed/nope?lang=fr"):
        answer = await client.get(path, headers={"Accept": "application/json"})
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"] == "/problems/not-found"
    posted = await client.post("/embed/navalny-appeal", data={**FORM, "name": ""},
                               headers={"Accept": "application/problem+json"})
    assert posted.status_code == 422
    assert posted.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in posted.json()["errors"]] == ["name"]


async def test_the_form_composes_with_what_people_typed_escaped(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post(
        "/embed/navalny-appeal", data={**FORM, "name": "<script>alert(1)</script>"}
    )
    assert answer.status_code == 200
    assert "<script>alert(1)</script>" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
    assert 'data-link="mailto" href="mailto:rusbotschaft@bluewin.ch?subject=' in answer.text


async def test_a_place_that_cannot_be_found_is_said_on_the_page(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/embed/navalny-appeal", data={**FORM, "place": "Xqzzyville"})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in answer.text and "Xqzzyville" in answer.text
    assert 'value="Jane Doe"' in answer.text  # what was typed stays in the form


async def test_the_form_prints_the_letter(client: httpx.AsyncClient) -> None:
    answer = await client.post("/embed/navalny-appeal/pdf", data={**FORM, "place": "Lyon"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    assert 'filename="letter-fr-paris-embassy.pdf"' in answer.headers["content-disposition"]


async def test_the_demo_page_shows_the_snippet_to_copy(client: httpx.AsyncClient) -> None:
    answer = await client.get("/")
    assert answer.status_code == 200
    assert (
        '&lt;script src="http://localhost:8000/widget.js" defer&gt;&lt;/script&gt;' in answer.text
    )
    assert '&lt;iframe src="http://localhost:8000/embed/navalny-appeal"' in answer.text
    assert '<embassy-letter campaign="navalny-appeal"></embassy-letter>' in answer.text
