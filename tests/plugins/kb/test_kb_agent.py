"""The agent's side: suggestions on the ticket page, one-click insert, drafts from tickets."""

from __future__ import annotations

from helpline import db
from helpline.services import messages
from helpline_kb import activity, articles


async def test_ticket_page_suggests_articles_matching_the_subject(kb, factory, customer, signin):
    article = await kb.article("Reset your password")
    await kb.article("Change your invoice address")
    ticket = await factory.ticket(requester=customer, subject="I forgot my password")
    page = (await (await signin(await factory.user("agent"))).get(f"/tickets/{ticket.number}")).text
    assert "Knowledge base" in page
    assert f"/p/kb/insert/{ticket.number}/{article.id}?mode=link" in page
    assert "invoice" not in page.lower()


async def test_inserting_a_link_appends_it_to_the_reply_and_records_the_use(
    kb, helpline, factory, customer, agent, signin
):
    article = await kb.article("Reset your password")
    ticket = await factory.ticket(requester=customer, subject="Password trouble")
    web = await signin(agent)
    response = await web.post(
        f"/p/kb/insert/{ticket.number}/{article.id}?mode=link",
        data={"body": "Hello, see below."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="composer-body"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "Hello, see below.\n\nReset your password: http" in response.text
    assert article.path in response.text
    assert await activity.usage_for_ticket(helpline, ticket.id) == [article.id]
    text = await web.post(f"/p/kb/insert/{ticket.number}/{article.id}?mode=text", data={"body": ""})
    assert "open settings and follow the steps" in text.text


async def test_customers_cannot_use_the_agent_helpers(kb, factory, customer, signin):
    article = await kb.article()
    ticket = await factory.ticket(requester=customer, subject="Password")
    web = await signin(customer)
    assert (await web.post(f"/p/kb/insert/{ticket.number}/{article.id}")).status_code == 403
    assert (await web.post(f"/p/kb/from-ticket/{ticket.number}")).status_code == 403
    assert (await web.get(f"/p/kb/suggest/{ticket.number}?q=pass")).status_code == 403


async def test_draft_article_from_a_tickets_solution(helpline, factory, customer, agent, signin):
    ticket = await factory.ticket(
        requester=customer, subject="VPN drops every hour", body="It disconnects."
    )
    await messages.add_message(helpline, agent, ticket.number, body="Update the client to 4.2.")
    web = await signin(agent)
    response = await web.post(f"/p/kb/from-ticket/{ticket.number}")
    assert response.status_code == 303
    found, _ = await articles.list_articles(helpline, agent, state="draft")
    draft = found[0]
    assert draft.title == "VPN drops every hour" and draft.source_ticket_id == ticket.id
    assert "It disconnects." in draft.body and "Update the client to 4.2." in draft.body
    assert response.headers["location"] == f"/p/kb/articles/{draft.id}/edit"


async def test_panel_search_box_finds_other_articles(kb, factory, customer, agent, signin):
    await kb.article("Invoices explained")
    ticket = await factory.ticket(requester=customer, subject="Password")
    web = await signin(agent)
    html = (await web.get(f"/p/kb/suggest/{ticket.number}?q=invoic")).text
    assert "Invoices" in html and "<mark>" in html


async def test_helpful_votes_count_once_per_visitor(kb, helpline, browser_client, signin, customer):
    article = await kb.article()
    anonymous = await browser_client()
    await anonymous.get(article.path)
    for answer in ("yes", "yes", "no"):
        response = await anonymous.post(f"{article.path}/vote", data={"helpful": answer})
        assert response.status_code == 303
    web = await signin(customer)
    await web.get(article.path)
    await web.post(f"{article.path}/vote", data={"helpful": "yes"})
    await web.post(f"{article.path}/vote", data={"helpful": "yes"})
    counted = await articles.get_article(helpline, None, article.id)
    assert (counted.helpful_yes, counted.helpful_no) == (1, 1)


async def test_views_are_counted_in_batches(kb, helpline, client):
    article = await kb.article()
    for _ in range(3):
        await client.get(article.path)
    assert (await activity.views(helpline, [article.id]))[article.id] == 3
    assert await db.fetchval(helpline.engine, "SELECT views FROM kb_view") == 3


async def test_help_centre_follows_the_browser_language(kb, client):
    response = await client.get("/help", headers={"accept-language": "fr-CH, de;q=0.9, en;q=0.8"})
    assert response.headers["location"] == "/help/de"
    response = await client.get("/help", headers={"accept-language": "fr"})
    assert response.headers["location"] == "/help/en"
    await client.get("/help/de")
    assert (await client.get("/help")).headers["location"] == "/help/de"


async def test_article_moved_to_another_category_redirects_to_its_new_address(kb, client):
    article = await kb.article()
    response = await client.get(f"/help/en/old-category/{article.slug}")
    assert response.status_code == 301 and response.headers["location"] == article.path
    assert (await client.get("/help/xx")).status_code == 404


async def test_disabled_plugin_hides_the_help_centre(kb, helpline, client):
    article = await kb.article()
    await helpline.set_plugin_enabled("kb", False)
    assert (await client.get(article.path)).status_code == 404
    assert (await client.get("/help/sitemap.xml")).status_code == 404


async def test_dashboard_widget_counts_deflections_for_publishers(kb, helpline, manager, agent):
    article = await kb.article()
    await activity.record_deflection(helpline, None, article.id, "password")
    widgets = await helpline.hook("dashboard_widgets", helpline=helpline, actor=manager)
    html = str(next(w for items in widgets for w in items)["html"])
    assert "<strong>1</strong> request answered" in html
    assert not [w for items in await helpline.hook(
        "dashboard_widgets", helpline=helpline, actor=agent
    ) for w in items]  # fmt: skip


async def test_files_with_unusual_names_download_safely(kb, helpline, client):
    from helpline_kb import links

    article = await kb.article()
    info = await links.add_attachment(
        helpline, kb.manager, article.id, "Über <script>.svg", "image/svg+xml", b"<svg/>"
    )
    response = await client.get(info.url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "<" not in info.filename
