"""Deflection: articles suggested while a customer writes a request; "solved" is counted."""

from __future__ import annotations

from litestar import get

from helpline import hookimpl
from helpline_kb import activity


async def test_hook_portal_request_suggestions(kb, signin, customer):
    article = await kb.article("Reset your password")
    web = await signin(customer)
    form = (await web.get("/portal/new")).text
    assert 'hx-get="/portal/new/suggestions"' in form
    html = (await web.get("/portal/new/suggestions?subject=forgot+password&description=")).text
    assert article.path in html and "This solved my problem" in html
    assert (await web.get("/portal/new/suggestions?subject=")).text.strip() == ""


async def test_solved_by_an_article_counts_as_a_deflected_request(
    kb, helpline, signin, customer, manager
):
    article = await kb.article("Reset your password")
    web = await signin(customer)
    response = await web.post(
        f"/p/kb/deflect/{article.id}",
        data={"subject": "forgot password"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Glad" in response.text
    figures = await activity.report(helpline)
    assert figures["deflected"] == 1
    assert figures["deflecting"][0]["id"] == article.id
    report = (await (await signin(manager)).get("/p/kb/report")).text
    assert "Reset your password" in report


async def test_customers_cannot_deflect_with_hidden_articles(kb, signin, customer):
    draft = await kb.article("Secret draft", state="draft")
    web = await signin(customer)
    assert (await web.post(f"/p/kb/deflect/{draft.id}", data={})).status_code == 404


class Status:
    @hookimpl
    def register_root_routes(self, helpline):
        @get("/status-page", sync_to_thread=False)
        def status_page() -> dict:
            return {"ok": True}

        return [status_page]


async def test_hook_register_root_routes(helpline, client):
    # The kb plugin's own /help pages come through this hook.
    assert (await client.get("/help/en")).status_code == 200
    from helpline_web.app import create_app

    helpline.pm.register(Status(), name="status_test")
    import httpx

    app = create_app(helpline, worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        assert (await http.get("/status-page")).json() == {"ok": True}
        await helpline.set_plugin_enabled("status_test", False)
        assert (await http.get("/status-page")).status_code == 404
