"""The agent's ticket page: access, inline edits, conflicts, replies, attachments, actions."""

from __future__ import annotations

import html
import re

import pytest

from helpline import hookimpl
from helpline.services import messages, tickets
from helpline.services.messages import NewAttachment
from helpline.services.users import find_user_id, load_actor

HTMX = {"HX-Request": "true"}


def _form_fields(text: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to `action` in an HTML answer."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', text, re.S)
    assert form, f"no form posting to {action}"
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0))
    return {name: html.unescape(value) for name, value in pairs}


def _panel(ticket, **changes) -> dict[str, str]:
    """What the fields panel posts: every field as shown, plus the ones the agent changed."""
    shown = {
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "assignee": str(ticket.assignee_id or ""),
        "team": str(ticket.team_id or ""),
        "tags": ", ".join(ticket.tags),
    }
    data = {"version": str(ticket.version), **shown}
    data.update({f"was_{name}": value for name, value in shown.items()})
    data.update(changes)
    return data


@pytest.fixture
async def team_setup(factory):
    """Two teams, an agent in each, and a ticket of the first team."""
    first = await factory.user("agent", name="Ada Agent")
    second = await factory.user("agent", name="Otto Other")
    team_a = await factory.team("Billing", members=[first])
    await factory.team("Shipping", members=[second])
    requester = await factory.user("customer", name="Carla Customer")
    ticket = await factory.ticket(requester=requester, subject="Invoice is wrong", team=team_a)
    return {
        "agent": await load_actor(factory.helpline, first.id),
        "other": await load_actor(factory.helpline, second.id),
        "requester": requester,
        "ticket": ticket,
    }


# -- who may open the page ----------------------------------------------------------------------


async def test_agent_opens_a_ticket_with_conversation_requester_fields_and_history(
    signin, team_setup
):
    ticket = team_setup["ticket"]
    web = await signin(team_setup["agent"])
    response = await web.get(f"/tickets/{ticket.number}")
    assert response.status_code == 200
    page = response.text
    assert ">Invoice is wrong</textarea>" in page
    assert 'id="conversation"' in page and 'id="ticket-fields"' in page
    assert "Something does not work." in page
    assert "Carla Customer" in page and team_setup["requester"].email in page
    assert "created the ticket" in page
    assert 'href="/tickets"' in page
    assert "/static/css/ticket.css" in page


async def test_agent_of_another_team_gets_not_found_for_a_team_ticket(helpline, signin, team_setup):
    number = team_setup["ticket"].number
    web = await signin(team_setup["other"])
    for path in ("", "/conversation", "/fields"):
        assert (await web.get(f"/tickets/{number}{path}")).status_code == 404, path
    saved = await web.post(
        f"/tickets/{number}/fields", data=_panel(team_setup["ticket"], status="open")
    )
    assert saved.status_code == 404
    assert (await tickets.get_ticket(helpline, team_setup["agent"], number)).status == "new"


async def test_customers_never_reach_the_agent_ticket_page(signin, factory, team_setup):
    number = team_setup["ticket"].number
    stranger = await factory.user("customer")
    for customer in (team_setup["requester"], stranger):
        web = await signin(customer)
        for path in ("", "/conversation", "/fields"):
            response = await web.get(f"/tickets/{number}{path}")
            assert response.status_code in (403, 404), (customer.email, path)
            assert "Invoice is wrong" not in response.text
        posted = await web.post(
            f"/tickets/{number}/messages", data={"body": "hi", "kind": "internal"}
        )
        assert posted.status_code in (403, 404)
        assert (await web.get("/tickets/new")).status_code == 403


async def test_anonymous_visitor_is_sent_to_sign_in(browser_client, team_setup):
    web = await browser_client()
    number = team_setup["ticket"].number
    response = await web.get(f"/tickets/{number}")
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/tickets/{number}"


# -- conversation -------------------------------------------------------------------------------


async def test_internal_notes_look_different_from_public_replies(helpline, signin, team_setup):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    await messages.add_message(helpline, agent, ticket.number, body="We are on it.")
    await messages.add_message(
        helpline, agent, ticket.number, body="Check the <b>ledger</b> first", internal=True
    )
    web = await signin(agent)
    fragment = (await web.get(f"/tickets/{ticket.number}/conversation")).text
    assert "<html" not in fragment
    note = re.search(r'<article class="message internal".*?</article>', fragment, re.S).group(0)
    assert "Internal note" in note and "Check the &lt;b&gt;ledger&lt;/b&gt; first" in note
    replies = re.findall(r'<article class="message public from-staff".*?</article>', fragment, re.S)
    reply = next(r for r in replies if "We are on it." in r)
    assert "Internal note" not in reply
    assert fragment.index("Something does not work.") < fragment.index("We are on it.")


# -- inline field changes -----------------------------------------------------------------------


async def test_changing_the_status_inline_saves_it_and_returns_only_the_panel(
    helpline, signin, team_setup
):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    web = await signin(agent)
    response = await web.post(
        f"/tickets/{ticket.number}/fields", data=_panel(ticket, status="pending"), headers=HTMX
    )
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="ticket-fields"' in response.text
    after = await tickets.get_ticket(helpline, agent, ticket.number)
    assert after.status == "pending" and after.version == ticket.version + 1
    assert f'name="version" value="{after.version}"' in response.text
    assert "Ada Agent changed status from New to Pending" in response.text


async def test_assignee_choices_are_agents_never_customers(helpline, signin, team_setup):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    web = await signin(agent)
    panel = (await web.get(f"/tickets/{ticket.number}/fields")).text
    assignee = re.search(r'<select id="field-assignee".*?</select>', panel, re.S).group(0)
    assert "Ada Agent" in assignee and "Carla Customer" not in assignee
    requester_id = str(team_setup["requester"].id)
    response = await web.post(
        f"/tickets/{ticket.number}/fields", data=_panel(ticket, assignee=requester_id), headers=HTMX
    )
    assert response.status_code == 422
    assert 'id="field-assignee-error"' in response.text and "not an active agent" in response.text
    assert (await tickets.get_ticket(helpline, agent, ticket.number)).assignee_id is None


async def test_stale_version_shows_who_changed_what_and_does_not_overwrite(
    helpline, signin, factory, team_setup
):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    colleague = await factory.user("manager", name="Mia Manager")
    await tickets.update_ticket(helpline, colleague, ticket.number, version=None, status="pending")
    web = await signin(agent)
    response = await web.post(
        f"/tickets/{ticket.number}/fields", data=_panel(ticket, status="solved"), headers=HTMX
    )
    assert response.status_code == 409
    text = html.unescape(response.text)
    assert "Someone else changed this ticket" in text
    assert "status New → Pending by Mia Manager" in text
    assert "Re-apply my change" in text
    assert (await tickets.get_ticket(helpline, agent, ticket.number)).status == "pending"


async def test_reapplying_my_change_after_a_conflict_saves_it(
    helpline, signin, factory, team_setup
):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    colleague = await factory.user("manager")
    await tickets.update_ticket(helpline, colleague, ticket.number, version=None, priority="high")
    web = await signin(agent)
    action = f"/tickets/{ticket.number}/fields"
    conflict = await web.post(action, data=_panel(ticket, status="solved"), headers=HTMX)
    assert conflict.status_code == 409
    reapply = _form_fields(conflict.text, action)
    assert reapply["status"] == "solved" and "priority" not in reapply
    response = await web.post(action, data=reapply, headers=HTMX)
    assert response.status_code == 200
    after = await tickets.get_ticket(helpline, agent, ticket.number)
    assert (after.status, after.priority) == ("solved", "high"), "the colleague's change stays"


async def test_subject_is_edited_inline(helpline, signin, team_setup):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    web = await signin(agent)
    response = await web.post(
        f"/tickets/{ticket.number}/subject",
        data={
            "subject": "Invoice 42 is wrong",
            "was_subject": ticket.subject,
            "version": ticket.version,
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert ">Invoice 42 is wrong</textarea>" in response.text
    assert 'hx-swap-oob="true"' in response.text, "the panel's version is refreshed too"
    assert (
        await tickets.get_ticket(helpline, agent, ticket.number)
    ).subject == "Invoice 42 is wrong"
    empty = await web.post(
        f"/tickets/{ticket.number}/subject",
        data={"subject": " ", "was_subject": "Invoice 42 is wrong", "version": ticket.version + 1},
        headers=HTMX,
    )
    assert empty.status_code == 422 and 'id="subject-error"' in empty.text


async def test_without_javascript_the_fields_form_saves_and_reloads_the_page(
    helpline, signin, team_setup
):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    web = await signin(agent)
    response = await web.post(
        f"/tickets/{ticket.number}/fields", data=_panel(ticket, priority="urgent", tags="vip")
    )
    assert response.status_code == 303
    assert "Saved." in (await web.get(response.headers["location"])).text
    after = await tickets.get_ticket(helpline, agent, ticket.number)
    assert (after.priority, after.tags) == ("urgent", ["vip"])


async def test_renaming_refuses_when_someone_renamed_the_ticket_first(
    helpline, signin, factory, team_setup
):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    colleague = await factory.user("manager", name="Mia Manager")
    await tickets.update_ticket(
        helpline, colleague, ticket.number, version=None, subject="Refund request"
    )
    web = await signin(agent)
    # A plain form (no JavaScript) carries no version: the subject it started from decides.
    response = await web.post(
        f"/tickets/{ticket.number}/subject",
        data={"subject": "Wrong invoice total", "was_subject": ticket.subject},
    )
    assert response.status_code == 409
    text = html.unescape(response.text)
    assert "subject Invoice is wrong → Refund request by Mia Manager" in text
    assert (await tickets.get_ticket(helpline, agent, ticket.number)).subject == "Refund request"


async def test_agent_without_update_permission_is_told_so(
    helpline, signin, factory, admin, team_setup
):
    from helpline.services import roles

    await roles.create_role(
        helpline, admin, name="watcher", label="Watcher", permissions=["tickets.view_all"]
    )
    watcher = await factory.user("watcher")
    ticket = team_setup["ticket"]
    web = await signin(watcher)
    assert (await web.get(f"/tickets/{ticket.number}")).status_code == 200
    response = await web.post(
        f"/tickets/{ticket.number}/fields", data=_panel(ticket, status="open"), headers=HTMX
    )
    assert response.status_code == 403
    assert "you may not change status" in response.text
    assert (await tickets.get_ticket(helpline, watcher, ticket.number)).status == "new"


# -- replies, notes and attachments -------------------------------------------------------------


async def test_reply_with_attachment_is_stored_and_served_only_to_those_who_may_see_it(
    helpline, signin, browser_client, team_setup
):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    web = await signin(agent)
    response = await web.post(
        f"/tickets/{ticket.number}/messages",
        data={"body": "Here is the corrected invoice.", "kind": "public", "set_status": "pending"},
        files={"attachments": ("invoice.txt", b"total: 42 EUR", "text/plain")},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    composer = re.search(r'<section id="composer".*?</section>', response.text, re.S).group(0)
    assert "Here is the corrected invoice." not in composer, "the composer is cleared"
    assert (
        'id="conversation" class="conversation" aria-label="Conversation" hx-swap-oob="true"'
        in (response.text)
    )
    link = re.search(r'href="(/tickets/attachments/\d+)"', response.text).group(1)
    after = await tickets.get_ticket(helpline, agent, ticket.number)
    assert after.status == "pending"

    download = await web.get(link)
    assert download.status_code == 200 and download.content == b"total: 42 EUR"
    assert download.headers["content-disposition"].startswith('attachment; filename="invoice.txt"')
    assert download.headers["x-content-type-options"] == "nosniff"
    other = await signin(team_setup["other"])
    assert (await other.get(link)).status_code == 404
    requester = await signin(team_setup["requester"])
    assert (await requester.get(link)).content == b"total: 42 EUR", (
        "a public reply's file is theirs"
    )
    anonymous = await browser_client()
    assert (await anonymous.get(link)).status_code == 303


async def test_internal_note_with_a_file_stays_internal(helpline, signin, team_setup):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    web = await signin(agent)
    response = await web.post(
        f"/tickets/{ticket.number}/messages",
        data={"body": "Customer was billed twice.", "kind": "internal"},
        files={"attachments": ("ledger.csv", b"a,b\n1,2\n", "text/csv")},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Internal note added." in response.text
    seen_by_agent = await messages.list_messages(helpline, agent, ticket.number)
    assert seen_by_agent[-1].kind == "internal"
    seen_by_customer = await messages.list_messages(
        helpline, team_setup["requester"], ticket.number
    )
    assert all("billed twice" not in m.body for m in seen_by_customer)
    link = re.search(r'href="(/tickets/attachments/\d+)"', response.text).group(1)
    customer = await signin(team_setup["requester"])
    assert (await customer.get(link)).status_code == 404


class TestSmallAttachmentLimit:
    @pytest.fixture
    def helpline_settings_overrides(self):
        return {"attachment_max_bytes": 100}

    async def test_oversized_attachment_is_refused_and_the_text_kept(
        self, helpline, signin, team_setup
    ):
        agent, ticket = team_setup["agent"], team_setup["ticket"]
        web = await signin(agent)
        response = await web.post(
            f"/tickets/{ticket.number}/messages",
            data={"body": "See the attached scan", "kind": "public"},
            files={"attachments": ("scan.pdf", b"x" * 500, "application/pdf")},
            headers=HTMX,
        )
        assert response.status_code == 422
        assert 'id="composer-files-error"' in response.text
        assert "scan.pdf is larger than the 100 B limit" in response.text
        assert ">See the attached scan</textarea>" in response.text
        conversation = await messages.list_messages(helpline, agent, ticket.number)
        assert len(conversation) == 1, "nothing was posted"


async def test_empty_reply_asks_for_text(signin, team_setup):
    web = await signin(team_setup["agent"])
    response = await web.post(
        f"/tickets/{team_setup['ticket'].number}/messages", data={"body": " "}, headers=HTMX
    )
    assert response.status_code == 422 and "Write something first." in response.text


# -- actions ------------------------------------------------------------------------------------


async def test_merging_asks_first_then_moves_the_conversation(
    helpline, signin, factory, team_setup
):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    duplicate = await factory.ticket(
        requester=team_setup["requester"], subject="Invoice wrong again", body="Same problem."
    )
    web = await signin(agent)
    ask = await web.post(f"/tickets/{duplicate.number}/merge", data={"target": str(ticket.number)})
    assert ask.status_code == 200 and "Invoice is wrong" in ask.text
    assert (await tickets.get_ticket(helpline, agent, duplicate.number)).merged_into_id is None
    done = await web.post(
        f"/tickets/{duplicate.number}/merge", data={"target": str(ticket.number), "confirm": "yes"}
    )
    assert done.status_code == 303 and done.headers["location"] == f"/tickets/{ticket.number}"
    page = (await web.get(f"/tickets/{ticket.number}")).text
    assert "Same problem." in page
    merged = (await web.get(f"/tickets/{duplicate.number}")).text
    assert f'merged into <a href="/tickets/{ticket.number}">' in merged
    hidden = await signin(team_setup["other"])
    refused = await hidden.post(
        f"/tickets/{duplicate.number}/merge", data={"target": str(ticket.number)}
    )
    assert (
        refused.status_code == 422
        and f"no ticket #{ticket.number} that you can see" in refused.text
    )


async def test_solved_ticket_can_be_reopened(helpline, signin, team_setup):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, status="solved")
    web = await signin(agent)
    page = (await web.get(f"/tickets/{ticket.number}")).text
    assert f'action="/tickets/{ticket.number}/reopen"' in page
    response = await web.post(f"/tickets/{ticket.number}/reopen")
    assert response.status_code == 303
    assert (await tickets.get_ticket(helpline, agent, ticket.number)).status_category == "open"
    assert "is open again" in (await web.get(f"/tickets/{ticket.number}")).text


# -- new ticket on behalf of a customer ---------------------------------------------------------


async def test_new_ticket_on_behalf_creates_the_customer_and_opens_the_ticket(
    helpline, signin, agent
):
    web = await signin(agent)
    form = await web.get("/tickets/new")
    assert form.status_code == 200 and 'name="requester"' in form.text
    response = await web.post(
        "/tickets/new",
        data={
            "requester": "nina@newco.example",
            "requester_name": "Nina New",
            "subject": "Phone call: cannot log in",
            "body": "She called at 10:00.",
            "priority": "high",
            "type": "incident",
            "tags": "login, phone",
        },
        files={"attachments": ("call.txt", b"notes", "text/plain")},
    )
    assert response.status_code == 303
    number = int(response.headers["location"].rsplit("/", 1)[1])
    ticket = await tickets.get_ticket(helpline, agent, number)
    nina = await load_actor(helpline, await find_user_id("nina@newco.example"))
    assert (nina.name, nina.role, ticket.requester_id) == ("Nina New", "customer", nina.id)
    assert (ticket.priority, ticket.type, ticket.tags) == ("high", "incident", ["login", "phone"])
    assert (await messages.list_messages(helpline, agent, number))[0].attachments[
        0
    ].filename == "call.txt"
    assert "Nina New" in (await web.get(response.headers["location"])).text


async def test_missing_subject_is_shown_next_to_it_and_everything_typed_is_kept(signin, agent):
    web = await signin(agent)
    response = await web.post(
        "/tickets/new",
        data={
            "requester": "sam@example.com",
            "requester_name": "Sam",
            "subject": "",
            "body": "Printer on fire",
            "priority": "urgent",
            "tags": "hardware",
        },
    )
    assert response.status_code == 422
    assert 'id="subject-error"' in response.text
    assert (
        'value="sam@example.com"' in response.text
        and ">Printer on fire</textarea>" in response.text
    )
    assert (
        '<option value="urgent" selected>' in response.text and 'value="hardware"' in response.text
    )
    assert await find_user_id("sam@example.com") is None


# -- plugin panels and actions ------------------------------------------------------------------


class PanelPlugin:
    @hookimpl
    def ticket_panels(self, helpline, ticket, actor):
        return [{"title": "Billing info", "html": f"<p class='plan'>Plan for #{ticket.number}</p>"}]

    @hookimpl
    def ticket_actions(self, helpline, ticket, actor):
        return [{"label": "Send invoice", "url": f"/p/panelplugin/invoice/{ticket.number}"}]


class TestPluginSlots:
    @pytest.fixture
    def helpline_plugins(self):
        return [("panelplugin", PanelPlugin())]

    async def test_plugin_panels_and_actions_render_on_the_ticket_page(self, signin, team_setup):
        number = team_setup["ticket"].number
        page = (await (await signin(team_setup["agent"])).get(f"/tickets/{number}")).text
        assert "Billing info" in page and f"<p class='plan'>Plan for #{number}</p>" in page
        action = re.search(
            rf'<form method="post" action="/p/panelplugin/invoice/{number}">.*?</form>', page, re.S
        )
        assert action and "_csrf_token" in action.group(0) and "Send invoice" in action.group(0)


async def test_attachments_from_the_api_are_listed_with_session_links(helpline, signin, team_setup):
    agent, ticket = team_setup["agent"], team_setup["ticket"]
    await messages.add_message(
        helpline,
        agent,
        ticket.number,
        body="Scan attached",
        attachments=[NewAttachment("scan.png", "image/png", b"\x89PNG")],
    )
    page = (await (await signin(agent)).get(f"/tickets/{ticket.number}")).text
    assert re.search(r'<a href="/tickets/attachments/\d+" download>scan.png</a>', page)
