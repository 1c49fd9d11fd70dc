"""Drafts and internal articles never reach customers or anonymous visitors, by any road."""

from __future__ import annotations

import pytest

from helpline_kb import links


@pytest.fixture
async def three(kb):
    cat = await kb.category("Account")
    public = await kb.article("Reset your password", category_id=cat.id)
    internal = await kb.article(
        "Password override for admins", state="internal", category_id=cat.id
    )
    draft = await kb.article("Password policy draft", state="draft", category_id=cat.id)
    await links.set_related(kb.helpline, kb.manager, public.id, [internal.id, draft.id])
    return public, internal, draft


async def test_anonymous_visitor_reads_only_published_articles(three, client):
    public, internal, draft = three
    assert (await client.get(public.path)).status_code == 200
    assert (await client.get(internal.path)).status_code == 404
    assert (await client.get(draft.path)).status_code == 404


async def test_search_category_and_home_pages_hide_drafts_and_internal_articles(three, client):
    public, internal, draft = three
    for url in ("/help/en/search?q=password", "/help/en/account", "/help/en"):
        page = (await client.get(url)).text
        assert public.path in page, url
        assert internal.path not in page and draft.path not in page, url
        assert "override" not in page and "draft" not in page.lower(), url


async def test_sitemap_lists_only_published_articles(three, client):
    public, internal, draft = three
    sitemap = (await client.get("/help/sitemap.xml")).text
    assert public.path in sitemap
    assert internal.path not in sitemap and draft.path not in sitemap


async def test_related_articles_never_link_to_hidden_ones(three, client, signin, customer):
    public, internal, draft = three
    for web in (client, await signin(customer)):
        page = (await web.get(public.path)).text
        assert internal.title not in page and draft.title not in page


async def test_customer_signed_in_sees_no_more_than_anonymous_visitors(three, signin, customer):
    _public, internal, _draft = three
    web = await signin(customer)
    assert (await web.get(internal.path)).status_code == 404
    assert internal.path not in (await web.get("/help/en/search?q=password")).text


async def test_agent_sees_internal_articles_but_customers_never_do_in_the_api(
    three, api, customer, agent, factory
):
    public, internal, draft = three
    as_customer = await api(customer)
    listed = (await as_customer.get("/api/v1/kb/articles")).json()
    assert [a["id"] for a in listed["items"]] == [public.id]
    found = (await as_customer.get("/api/v1/kb/articles/search?q=password")).json()
    assert [a["id"] for a in found["items"]] == [public.id]
    assert (await as_customer.get(f"/api/v1/kb/articles/{internal.id}")).status_code == 404
    assert (await as_customer.get(f"/api/v1/kb/articles/{draft.id}")).status_code == 404
    reader = await api(await factory.user("agent"))
    ids = {a["id"] for a in (await reader.get("/api/v1/kb/articles")).json()["items"]}
    assert internal.id in ids and public.id in ids


async def test_staff_without_write_permission_do_not_see_drafts(three, helpline, agent):
    import msgspec

    from helpline_kb import articles, search

    public, internal, draft = three
    reader = msgspec.structs.replace(agent, permissions=frozenset({"tickets.view_team"}))
    found, _ = await articles.list_articles(helpline, reader)
    assert {a.id for a in found} == {public.id, internal.id}
    hits, _ = await search.search(helpline, reader, "password")
    assert draft.id not in {h.id for h in hits}


async def test_translations_are_linked_only_when_the_visitor_may_read_them(kb, client):
    english = await kb.article("Change your email address")
    german = await kb.article("E-Mail-Adresse ändern", language="de", translation_of=english.id)
    french_draft = await kb.article("Entwurf", language="de", state="draft")
    page = (await client.get(english.path)).text
    assert german.path in page
    assert french_draft.path not in page
    assert english.path in (await client.get(german.path)).text


async def test_attachments_of_hidden_articles_are_not_served(three, helpline, kb, client):
    public, internal, _draft = three
    shown = await links.add_attachment(
        helpline, kb.manager, public.id, "steps.png", "image/png", b"\x89PNG public"
    )
    secret = await links.add_attachment(
        helpline, kb.manager, internal.id, "../../secret.png", "image/png", b"\x89PNG secret"
    )
    assert secret.filename == "secret.png"
    assert (await client.get(shown.url)).content == b"\x89PNG public"
    assert (await client.get(secret.url)).status_code == 404


async def test_portal_suggestions_never_offer_hidden_articles(three, signin, customer):
    public, internal, draft = three
    web = await signin(customer)
    html = (await web.get("/portal/new/suggestions?subject=password+problem")).text
    assert public.path in html
    assert internal.path not in html and draft.path not in html
