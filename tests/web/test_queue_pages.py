"""The agent queue at /tickets: views, filters, sorting, paging, bulk actions, saved filters."""

from __future__ import annotations

import re

import pytest

from helpline import hookimpl
from helpline.services import history, tickets
from helpline.tables import SavedView

HTMX = {"HX-Request": "true", "HX-Target": "queue-list"}


def numbers(html: str) -> list[int]:
    """Ticket numbers in the order the list shows them."""
    return [int(n) for n in re.findall(r'<tr data-href="/tickets/(\d+)"', html)]


def sidebar(html: str) -> str:
    return html.split('id="queue-views"', 1)[1].split("</nav>", 1)[0]


def view_count(html: str, key: str) -> int:
    match = re.search(rf'data-view="{key}"[^>]*>.*?<span class="count">(\d+)</span>', html, re.S)
    assert match, f"view {key!r} not in the sidebar"
    return int(match.group(1))


async def test_agents_managers_and_admins_see_the_queue(signin, factory, agent, manager, admin):
    ticket = await factory.ticket(subject="Cannot print invoices")
    for actor in (agent, manager, admin):
        web = await signin(actor)
        response = await web.get("/tickets")
        assert response.status_code == 200
        assert "Cannot print invoices" in response.text
        assert numbers(response.text) == [ticket.number]
        assert 'href="/tickets/new"' in response.text


async def test_customers_and_staff_without_ticket_access_are_refused(
    helpline, signin, factory, customer, admin
):
    from helpline.services import roles

    await factory.ticket(requester=customer, subject="My own request")
    web = await signin(customer)
    for method, url in (("GET", "/tickets"), ("GET", "/tickets/views"), ("POST", "/tickets/bulk")):
        response = await web.request(method, url)
        assert response.status_code == 403, url
        assert "My own request" not in response.text
    await roles.create_role(
        helpline, admin, name="billing-clerk", label="Clerk", permissions=["users.view"]
    )
    clerk = await signin(await factory.user("billing-clerk"))
    assert (await clerk.get("/tickets")).status_code == 403


async def test_anonymous_visitors_are_sent_to_sign_in(browser_client):
    web = await browser_client()
    response = await web.get("/tickets?priority=urgent")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/tickets")
    assert (await web.get("/tickets", headers=HTMX)).headers["HX-Redirect"].startswith("/login")


async def test_views_show_their_tickets_and_the_unassigned_count_drops_after_assigning(
    helpline, signin, factory, manager
):
    team = await factory.team("Billing")
    agent = await factory.user("agent", teams=[team])
    mine = await factory.ticket(subject="Mine", assignee=agent.id)
    loose = [await factory.ticket(subject=f"Loose {i}") for i in range(3)]
    billing = await factory.ticket(subject="Billing question", team=team)
    done = await factory.ticket(subject="Already done", assignee=agent.id)
    await tickets.update_ticket(helpline, manager, done.number, version=None, status="solved")

    web = await signin(agent)
    page = (await web.get("/tickets")).text
    assert set(numbers(page)) == {mine.number, billing.number, *(t.number for t in loose)}
    assert view_count(page, "mine") == 1
    assert view_count(page, "unassigned") == 4
    assert view_count(page, "teams") == 1
    assert view_count(page, "open") == 5
    assert view_count(page, "solved") == 1
    views = {
        "/tickets?category=unsolved&assignee=me": {mine.number},
        "/tickets?category=unsolved&assignee=none": {billing.number, *(t.number for t in loose)},
        "/tickets?category=unsolved&team=mine": {billing.number},
        "/tickets?solved_within=7": {done.number},
    }
    for url, expected in views.items():
        assert url.replace("&", "&amp;") in page, url
        assert set(numbers((await web.get(url)).text)) == expected, url

    response = await web.post(
        "/tickets/bulk",
        data={"action": "assign", "assignee": "me", "ticket": [str(loose[0].number)]},
    )
    assert response.status_code == 303
    page = (await web.get("/tickets")).text
    assert "1 updated" in page
    assert view_count(page, "unassigned") == 3
    assert view_count(page, "mine") == 2
    refreshed = await web.get("/tickets/views", headers={"HX-Request": "true"})
    assert "<html" not in refreshed.text
    assert view_count(refreshed.text, "unassigned") == 3


async def test_an_agent_never_sees_another_teams_ticket(signin, factory):
    ours, theirs = await factory.team("Support"), await factory.team("Sales")
    agent = await factory.user("agent", teams=[ours])
    hidden = await factory.ticket(subject="Zeppelin pricing secret", team=theirs, tags=["vip"])
    shown = await factory.ticket(subject="Zeppelin support question", team=ours, tags=["vip"])
    web = await signin(agent)
    urls = [
        "/tickets",
        "/tickets?category=any",
        "/tickets?category=unsolved&assignee=none",
        "/tickets?category=unsolved&team=mine",
        f"/tickets?team={theirs}",
        "/tickets?q=zeppelin",
        "/tickets?tag=vip&sort=team",
    ]
    for url in urls:
        page = (await web.get(url)).text
        assert hidden.number not in numbers(page), url
        assert "pricing secret" not in page, url
    assert numbers((await web.get("/tickets?q=zeppelin")).text) == [shown.number]
    assert view_count((await web.get("/tickets")).text, "unassigned") == 1
    quick = await web.get(f"/tickets/search?q=%23{hidden.number}")
    assert quick.headers["location"] != f"/tickets/{hidden.number}"


async def test_filters_and_sorting_come_from_the_query_string(
    helpline, signin, factory, agent, manager
):
    urgent = await factory.ticket(
        subject="Alpha outage", priority="urgent", type="incident", tags=["outage"]
    )
    low = await factory.ticket(subject="Charlie question", priority="low", assignee=agent.id)
    normal = await factory.ticket(subject="Bravo request", priority="normal")
    await tickets.update_ticket(helpline, manager, normal.number, version=None, status="pending")
    web = await signin(agent)

    async def listed(query: str) -> list[int]:
        response = await web.get("/tickets?" + query)
        assert response.status_code == 200, query
        return numbers(response.text)

    assert await listed("priority=urgent") == [urgent.number]
    assert await listed("type=incident") == [urgent.number]
    assert await listed("tag=outage") == [urgent.number]
    assert await listed("status=pending") == [normal.number]
    assert await listed("assignee=me") == [low.number]
    assert await listed("q=bravo") == [normal.number]
    assert await listed("category=pending") == [normal.number]
    assert await listed("sort=number") == [urgent.number, low.number, normal.number]
    assert await listed("sort=-number") == [normal.number, low.number, urgent.number]
    assert await listed("sort=subject") == [urgent.number, normal.number, low.number]
    assert await listed("sort=-priority") == [urgent.number, normal.number, low.number]
    assert (await listed("sort=-updated_at"))[0] == normal.number
    assert await listed("sort=nonsense&priority=low") == [low.number]
    page = (await web.get("/tickets?sort=subject&priority=urgent")).text
    assert 'aria-sort="ascending"' in page
    assert 'href="/tickets?priority=urgent&amp;sort=-subject"' in page


async def test_a_filter_form_sent_without_javascript_lands_on_a_tidy_url(signin, agent):
    web = await signin(agent)
    response = await web.get(
        "/tickets?q=&category=unsolved&status=&priority=urgent&sort=-updated_at&per_page=25"
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/tickets?category=unsolved&priority=urgent"


async def test_pages_hold_25_50_or_100_tickets(signin, factory, agent):
    made = [await factory.ticket(subject=f"Ticket number {i}") for i in range(30)]
    newest_first = [t.number for t in reversed(made)]
    web = await signin(agent)
    first = (await web.get("/tickets?sort=-number")).text
    assert numbers(first) == newest_first[:25]
    assert "1\u201325 of 30" in first
    assert 'href="/tickets?sort=-number&amp;page=2"' in first
    second = (await web.get("/tickets?sort=-number&page=2")).text
    assert numbers(second) == newest_first[25:]
    assert "Page 2 of 2" in second
    assert numbers((await web.get("/tickets?sort=-number&per_page=50")).text) == newest_first
    assert len(numbers((await web.get("/tickets?per_page=7")).text)) == 25
    assert numbers((await web.get("/tickets?page=9")).text) == []


async def test_an_htmx_request_gets_only_the_list_with_its_url(signin, factory, agent):
    ticket = await factory.ticket(subject="Fragment me", priority="high")
    web = await signin(agent)
    response = await web.get("/tickets?priority=high&q=&sort=-number", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="queue-filters"' not in response.text
    assert numbers(response.text) == [ticket.number]
    assert response.headers["HX-Push-Url"] == "/tickets?priority=high&sort=-number"
    assert 'id="queue-sort" name="sort" value="-number" hx-swap-oob="true"' in response.text
    assert "HX-Request" in response.headers["Vary"]
    content = await web.get("/tickets", headers={"HX-Request": "true"})
    assert "<html" not in content.text and 'id="queue-list"' in content.text
    restore = await web.get(
        "/tickets", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.text


async def test_bulk_changes_go_through_the_services_and_write_history(
    helpline, signin, factory, agent
):
    first, second = await factory.ticket(subject="First"), await factory.ticket(subject="Second")
    web = await signin(agent)
    chosen = [str(first.number), str(second.number)]
    for data, field, new in (
        ({"action": "assign", "assignee": str(agent.id)}, "assignee", agent.email),
        ({"action": "status", "status": "pending"}, "status", "pending"),
        ({"action": "priority", "priority": "high"}, "priority", "high"),
        ({"action": "tag", "tag": "Printer Jam"}, "tags", "printer-jam"),
    ):
        response = await web.post(
            "/tickets/bulk", data={**data, "ticket": chosen, "back": "category=any"}
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/tickets?category=any"
        for ticket in (first, second):
            events = await history.events(ticket.id)
            assert any(
                e.field == field and e.new == new and e.actor_id == agent.id for e in events
            ), field
    page = (await web.get("/tickets?category=any")).text
    assert "2 updated" in page
    now = await tickets.get_ticket(helpline, agent, first.number)
    assert (now.assignee_id, now.status, now.priority, now.tags) == (
        agent.id,
        "pending",
        "high",
        ["printer-jam"],
    )

    unassign = await web.post(
        "/tickets/bulk", data={"action": "assign", "assignee": "none", "ticket": chosen}
    )
    assert unassign.status_code == 303
    assert (await tickets.get_ticket(helpline, agent, second.number)).assignee_id is None


async def test_bulk_merge_closes_the_selected_tickets_into_the_target(
    helpline, signin, factory, agent
):
    target, dup1, dup2 = [await factory.ticket(subject=s) for s in ("Main", "Dup one", "Dup two")]
    web = await signin(agent)
    response = await web.post(
        "/tickets/bulk",
        data={
            "action": "merge",
            "target": f"#{target.number}",
            "ticket": [str(dup1.number), str(dup2.number), str(target.number)],
        },
    )
    assert response.status_code == 303
    for dup in (dup1, dup2):
        merged = await tickets.get_ticket(helpline, agent, dup.number)
        assert merged.merged_into_id == target.id and merged.status_category == "closed"
        assert any(e.kind == "merged" for e in await history.events(dup.id))
    assert (await tickets.get_ticket(helpline, agent, target.number)).merged_into_id is None
    assert "2 updated" in (await web.get("/tickets")).text


async def test_bulk_reports_each_ticket_that_failed_and_why(helpline, signin, factory, customer):
    ours, theirs = await factory.team("Support"), await factory.team("Sales")
    agent = await factory.user("agent", teams=[ours])
    visible = await factory.ticket(requester=customer, team=ours)
    invisible = await factory.ticket(requester=customer, team=theirs)
    web = await signin(agent)
    response = await web.post(
        "/tickets/bulk",
        data={
            "action": "priority",
            "priority": "urgent",
            "ticket": [str(visible.number), str(invisible.number)],
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert f"1 updated, 1 failed: #{invisible.number} (not found)" in response.text
    assert response.headers["HX-Trigger"] == "queue-changed"
    assert (await tickets.get_ticket(helpline, agent, visible.number)).priority == "urgent"
    admin = await factory.user("admin")
    assert (await tickets.get_ticket(helpline, admin, invisible.number)).priority == "normal"
    assert await history.events(invisible.id) == [
        e for e in await history.events(invisible.id) if e.kind == "created"
    ]


async def test_bulk_without_permission_fails_per_ticket(helpline, signin, factory, admin):
    from helpline.services import roles

    await roles.create_role(
        helpline,
        admin,
        name="triage",
        label="Triage",
        permissions=["tickets.view_all", "tickets.update"],
    )
    triage = await factory.user("triage")
    ticket = await factory.ticket()
    web = await signin(triage)
    response = await web.post(
        "/tickets/bulk",
        data={"action": "assign", "assignee": "none", "ticket": [str(ticket.number)]},
    )
    assert response.status_code == 303
    page = (await web.get("/tickets")).text
    assert f"0 updated, 1 failed: #{ticket.number} (you may not change assignee)" in page


async def test_bulk_form_mistakes_are_shown_next_to_the_fields(signin, factory, agent):
    ticket = await factory.ticket()
    web = await signin(agent)
    nothing = await web.post("/tickets/bulk", data={"action": "tag", "tag": "keep-me"})
    assert nothing.status_code == 422
    assert "Select at least one ticket." in nothing.text
    assert 'value="keep-me"' in nothing.text
    bad_target = await web.post(
        "/tickets/bulk", data={"action": "merge", "target": "99999", "ticket": [str(ticket.number)]}
    )
    assert bad_target.status_code == 422
    assert "There is no ticket #99999 that you can see." in bad_target.text
    assert (
        f'name="ticket" value="{ticket.number}" aria-label="Select ticket #{ticket.number}" checked'
        in bad_target.text
    )
    no_action = await web.post(
        "/tickets/bulk", data={"ticket": [str(ticket.number)]}, headers={"HX-Request": "true"}
    )
    assert no_action.status_code == 422 and "<html" not in no_action.text
    assert "Choose what to do" in no_action.text


async def test_select_all_on_page_applies_to_every_listed_ticket(helpline, signin, factory, agent):
    made = [await factory.ticket() for _ in range(3)]
    web = await signin(agent)
    response = await web.post(
        "/tickets/bulk",
        data={
            "action": "tag",
            "tag": "batch",
            "all_on_page": "1",
            "page_ticket": [str(t.number) for t in made],
        },
    )
    assert response.status_code == 303
    for ticket in made:
        assert (await tickets.get_ticket(helpline, agent, ticket.number)).tags == ["batch"]


async def test_saved_filters_belong_to_the_agent_who_saved_them(signin, factory, agent):
    urgent = await factory.ticket(subject="Urgent one", priority="urgent")
    await factory.ticket(subject="Calm one")
    web = await signin(agent)
    saved = await web.post(
        "/tickets/views", data={"name": "  Fires  ", "query": "priority=urgent&page=3"}
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/tickets?priority=urgent"
    page = (await web.get("/tickets?priority=urgent")).text
    assert re.search(
        r'data-saved-view="\d+" aria-current="page"><span>Fires</span><span class="count">1</span>',
        page,
    )
    (row,) = await SavedView.select().where(SavedView.user == agent.id)
    assert row["query"] == "priority=urgent"
    opened = await web.get(f"/tickets/views/{row['id']}")
    assert opened.headers["location"] == "/tickets?priority=urgent"
    assert numbers((await web.get(opened.headers["location"])).text) == [urgent.number]

    other = await signin(await factory.user("agent"))
    assert "Fires" not in sidebar((await other.get("/tickets")).text)
    assert (await other.get(f"/tickets/views/{row['id']}")).status_code == 404
    assert (await other.post(f"/tickets/views/{row['id']}/delete")).status_code == 404
    assert await SavedView.count().where(SavedView.id == row["id"]) == 1

    deleted = await web.post(f"/tickets/views/{row['id']}/delete")
    assert deleted.status_code == 303
    assert "Fires" not in sidebar((await web.get("/tickets")).text)
    assert await SavedView.count() == 0


async def test_a_saved_filter_needs_a_name(signin, agent):
    web = await signin(agent)
    response = await web.post("/tickets/views", data={"name": "  ", "query": "priority=high"})
    assert response.status_code == 422
    assert "Give the filter a name." in response.text
    assert '<option value="high" selected>High</option>' in response.text


async def test_quick_search_opens_a_ticket_by_number_or_searches_words(signin, factory, agent):
    ticket = await factory.ticket(subject="Blue screen on login")
    web = await signin(agent)
    by_number = await web.get(f"/tickets/search?q=%23{ticket.number}")
    assert by_number.headers["location"] == f"/tickets/{ticket.number}"
    by_words = await web.get("/tickets/search?q=blue+screen")
    assert by_words.headers["location"] == "/tickets?q=blue+screen"
    assert numbers((await web.get(by_words.headers["location"])).text) == [ticket.number]


class WidgetPlugin:
    @hookimpl
    def dashboard_widgets(self, helpline, actor):
        return [
            {"title": "Backlog", "html": f"<strong class='backlog'>Hello {actor.name}</strong>"}
        ]


class TestDashboardWidgets:
    @pytest.fixture
    def helpline_plugins(self):
        return [("widgets", WidgetPlugin())]

    async def test_plugin_widgets_render_above_the_list(self, signin, agent):
        web = await signin(agent)
        page = (await web.get("/tickets")).text
        assert "<h2>Backlog</h2>" in page
        assert f"<strong class='backlog'>Hello {agent.name}</strong>" in page
        assert page.index("Backlog") < page.index('id="queue-list"')
        fragment = (await web.get("/tickets", headers=HTMX)).text
        assert "Backlog" not in fragment
