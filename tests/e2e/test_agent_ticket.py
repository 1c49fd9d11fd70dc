"""An agent in the browser: find a ticket, answer, note, triage, and see colleagues live."""

from __future__ import annotations

import re

from playwright.async_api import expect

from helpline.services import tickets

# Runs on both backends: live updates travel differently on each (in memory; LISTEN/NOTIFY).

SUBJECT = "Printer on floor 3 jams on every duplex job"


async def background(locator) -> str:
    return await locator.evaluate("el => getComputedStyle(el).backgroundColor")


async def test_an_agent_finds_a_ticket_answers_it_triages_it_and_sees_colleagues_live(
    live_server, open_page, factory, helpline
):
    ada = await factory.user("agent", name="Ada Lovelace")
    grace = await factory.user("agent", name="Grace Hopper")
    manager = await factory.user("manager", name="Mia Manager")
    requester = await factory.user("customer", name="Carl Customer")
    for subject in ("VPN drops every hour", "Refund for order 1182", "New laptop for Sam"):
        await factory.ticket(subject=subject)
    ticket = await factory.ticket(requester=requester, subject=SUBJECT, body="Paper jams.")

    page = await open_page(ada)
    await expect(page).to_have_url(re.compile(r"/tickets"))
    rows = page.locator("#queue-list tbody tr[data-href]")
    await expect(rows).to_have_count(4)
    await page.keyboard.press("/")  # the shortcut puts the cursor in the search box
    await expect(page.get_by_label("Search")).to_be_focused()
    await page.keyboard.type("duplex")
    await expect(rows).to_have_count(1)
    await page.get_by_role("link", name=SUBJECT).click()

    await expect(page).to_have_url(f"{live_server}/tickets/{ticket.number}")
    await expect(page.get_by_text("Paper jams.")).to_be_visible()
    # Anything below must happen in this very document: a full reload would drop this mark.
    await page.evaluate("window.e2eSamePage = true")

    composer = page.locator("#composer")
    conversation = page.locator("#conversation")
    await composer.get_by_label("Message").fill("Could you send a photo of the error panel?")
    await composer.get_by_role("button", name="Send reply").click()
    reply = conversation.locator("article.message", has_text="Could you send a photo")
    await expect(reply).to_be_visible()
    await expect(composer.get_by_label("Message")).to_have_value("")

    await composer.get_by_label("Internal note").check()
    await composer.get_by_label("Message").fill("Same model jammed at ACME last month.")
    await composer.get_by_role("button", name="Add note").click()
    note = conversation.locator("article.message.internal", has_text="Same model jammed")
    await expect(note).to_be_visible()
    await expect(note.get_by_text("Internal note")).to_be_visible()
    assert await background(note) != await background(reply)

    fields = page.locator("#ticket-fields")
    history = page.locator("#ticket-history")
    version = await page.locator("#ticket-version").input_value()
    # As with a mouse: the select has focus while its option is chosen (the page holds live
    # refreshes of the panel back while focus is inside it).
    await fields.get_by_label("Status").focus()
    await fields.get_by_label("Status").select_option(label="Pending")
    await expect(history).to_contain_text("Ada Lovelace changed status from Open to Pending")
    # The server re-rendered the panel in place: it carries the ticket's new version.
    await expect(page.locator("#ticket-version")).not_to_have_value(version)
    await fields.get_by_label("Assignee").focus()
    await fields.get_by_label("Assignee").select_option(label="Ada Lovelace")
    await expect(history).to_contain_text("Ada Lovelace set assignee to Ada Lovelace")
    await expect(fields.get_by_label("Status")).to_have_value("pending")
    await expect(fields.get_by_label("Assignee")).to_have_value(str(ada.id))
    assert await page.evaluate("window.e2eSamePage") is True
    await expect(page).to_have_url(f"{live_server}/tickets/{ticket.number}")

    # A colleague opens the same ticket in another browser: each sees the other is there.
    colleague = await open_page(grace)
    await colleague.goto(f"{live_server}/tickets/{ticket.number}")
    presence = page.locator("#presence")
    await expect(presence).to_contain_text("Grace Hopper is viewing")
    await expect(colleague.locator("#presence")).to_contain_text("Ada Lovelace is viewing")

    # Ada starts a draft; Grace answers meanwhile, and a manager raises the priority.
    await composer.get_by_label("Message").fill("Draft: I will call the vendor")
    await expect(colleague.locator("#presence")).to_contain_text("Ada Lovelace is replying")
    await colleague.locator("#composer").get_by_label("Message").fill("Vendor says: new fuser.")
    await colleague.locator("#composer").get_by_role("button", name="Send reply").click()
    await expect(conversation).to_contain_text("Vendor says: new fuser.")
    await tickets.update_ticket(helpline, manager, ticket.number, version=None, priority="urgent")
    await expect(fields.get_by_label("Priority")).to_have_value("urgent")

    await expect(composer.get_by_label("Message")).to_have_value("Draft: I will call the vendor")
    assert await page.evaluate("window.e2eSamePage") is True
