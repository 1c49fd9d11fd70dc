"""kb.write, kb.publish and kb.manage_categories: who sees the editing UI and who may act."""

from __future__ import annotations

import pytest

from helpline.errors import Forbidden
from helpline_kb import articles


async def test_roles_get_the_knowledge_base_permissions(agent, manager, customer, admin):
    # Combined with the built-in roles: agents keep every core permission.
    assert agent.can("tickets.reply") and manager.can("tickets.view_all")
    assert agent.can("kb.write") and not agent.can("kb.publish")
    assert manager.can("kb.publish") and manager.can("kb.manage_categories")
    assert admin.can("kb.publish")
    assert not any(customer.can(c) for c in ("kb.write", "kb.publish", "kb.manage_categories"))


async def test_agent_writes_drafts_but_cannot_publish(helpline, agent):
    draft = await articles.create_article(helpline, agent, title="Agent tip", body="Text")
    assert draft.state == "draft"
    with pytest.raises(Forbidden):
        await articles.create_article(helpline, agent, title="Live", body="Text", state="published")
    with pytest.raises(Forbidden):
        await articles.update_article(
            helpline, agent, draft.id, version=draft.version, state="published"
        )


async def test_agent_editor_form_cannot_publish_even_when_the_field_is_forged(
    helpline, agent, signin
):
    web = await signin(agent)
    page = (await web.get("/p/kb/articles/new")).text
    assert '<select name="state">' not in page
    response = await web.post(
        "/p/kb/articles/new",
        data={"title": "Forged", "body": "Text", "language": "en", "state": "published"},
    )
    assert response.status_code == 303
    found, _ = await articles.list_articles(helpline, agent)
    assert [a.state for a in found if a.title == "Forged"] == ["draft"]


async def test_manager_publishes(helpline, manager, signin):
    web = await signin(manager)
    assert '<select name="state">' in (await web.get("/p/kb/articles/new")).text
    response = await web.post(
        "/p/kb/articles/new",
        data={"title": "Live", "body": "Text", "language": "en", "state": "published"},
    )
    assert response.status_code == 303
    found, _ = await articles.list_articles(helpline, None)
    assert [a.title for a in found] == ["Live"]


async def test_customers_cannot_open_the_editor_or_staff_pages(kb, customer, signin):
    article = await kb.article()
    web = await signin(customer)
    for url in (
        "/p/kb/",
        "/p/kb/articles/new",
        f"/p/kb/articles/{article.id}",
        f"/p/kb/articles/{article.id}/edit",
        f"/p/kb/articles/{article.id}/revisions",
        "/p/kb/categories",
    ):
        assert (await web.get(url)).status_code == 403, url
    response = await web.post(
        f"/p/kb/articles/{article.id}/edit", data={"title": "Hacked", "body": "x", "version": "1"}
    )
    assert response.status_code == 403
    assert "Edit" not in (await web.get(article.path)).text.split("kb-body")[0].split("<h1>")[1]


async def test_anonymous_visitors_are_sent_to_sign_in_for_staff_pages(client):
    response = await client.get("/p/kb/")
    assert response.status_code in (302, 303, 401)


async def test_only_category_managers_manage_categories(agent, manager, signin):
    assert (await (await signin(agent)).get("/p/kb/categories")).status_code == 403
    web = await signin(manager)
    response = await web.post("/p/kb/categories", data={"name": "Billing", "position": "1"})
    assert response.status_code == 303
    assert "Billing" in (await web.get("/p/kb/categories")).text
    response = await web.post("/p/kb/categories", data={"name": "Billing"})
    assert response.status_code == 400 and "already uses" in response.text


async def test_editing_links_show_only_for_writers(kb, helpline, admin, factory, signin):
    from helpline.services import roles

    await roles.create_role(
        helpline, admin, name="reader", label="Reader", permissions=["tickets.view_team"]
    )
    reader = await factory.user("reader")
    article = await kb.article(state="internal")
    page = (await (await signin(reader)).get(f"/p/kb/articles/{article.id}")).text
    assert article.title in page and "/edit" not in page and "New article" not in page
    assert (await (await signin(reader)).get("/p/kb/articles/new")).status_code == 403
    writer_page = (await (await signin(kb.manager)).get(f"/p/kb/articles/{article.id}")).text
    assert f"/p/kb/articles/{article.id}/edit" in writer_page


async def test_api_create_needs_write_and_publish_needs_publish(api, agent, customer, manager):
    as_customer = await api(customer)
    body = {"title": "From API", "body": "Text"}
    assert (await as_customer.post("/api/v1/kb/articles", json=body)).status_code == 403
    as_agent = await api(agent)
    created = await as_agent.post("/api/v1/kb/articles", json=body)
    assert created.status_code == 201, created.text
    article = created.json()
    assert article["state"] == "draft"
    patch = {"version": article["version"], "state": "published"}
    refused = await as_agent.patch(f"/api/v1/kb/articles/{article['id']}", json=patch)
    assert refused.status_code == 403
    as_manager = await api(manager)
    done = await as_manager.patch(f"/api/v1/kb/articles/{article['id']}", json=patch)
    assert done.status_code == 200 and done.json()["state"] == "published"
    stale = await as_manager.patch(f"/api/v1/kb/articles/{article['id']}", json=patch)
    assert stale.status_code == 409


async def test_api_is_in_the_openapi_schema(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/v1/kb/articles" in schema["paths"]
    assert "/api/v1/kb/articles/search" in schema["paths"]
    assert not any(p.startswith("/help") for p in schema["paths"])
