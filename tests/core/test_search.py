"""Full-text search over subjects and messages, on SQLite FTS5 and PostgreSQL alike."""

from __future__ import annotations

import pytest

from helpline.search import search_tickets
from helpline.services import messages, tickets


async def _ids(helpline, actor, text, **kwargs):
    found, total = await search_tickets(helpline, actor, text, **kwargs)
    assert total >= len(found)
    return [t.id for t in found]


async def test_finds_tickets_by_subject_and_by_message_body(helpline, factory, agent):
    by_subject = await factory.ticket(subject="Printer jammed on floor two")
    by_body = await factory.ticket(subject="Help", body="The scanner eats every page")
    later = await factory.ticket(subject="Follow-up")
    await messages.add_message(helpline, agent, later.number, body="Did the toner arrive?")
    assert await _ids(helpline, agent, "jammed") == [by_subject.id]
    assert await _ids(helpline, agent, "scanner page") == [by_body.id]
    assert await _ids(helpline, agent, "toner") == [later.id]
    assert await _ids(helpline, agent, "scanner toner") == []


async def test_stemming_and_prefix_of_the_last_word(helpline, factory, agent):
    ticket = await factory.ticket(subject="Printer broken", body="The invoice payment failed")
    for query in ("printers", "printer", "PRINTER", "prin", "invoices", "invoice paym", "payments"):
        assert await _ids(helpline, agent, query) == [ticket.id], query
    assert await _ids(helpline, agent, "broken prin") == [ticket.id]
    assert await _ids(helpline, agent, "prin broke") == [], "only the last word is a prefix"


async def test_every_word_must_match(helpline, factory, agent):
    printer = await factory.ticket(subject="Printer broken")
    await factory.ticket(subject="Laptop broken")
    assert await _ids(helpline, agent, "broken printer") == [printer.id]
    assert len(await _ids(helpline, agent, "broken")) == 2


async def test_subject_matches_rank_before_body_matches(helpline, factory, agent):
    in_subject = await factory.ticket(subject="Router keeps rebooting", body="Since Monday.")
    in_body = await factory.ticket(
        subject="Network trouble", body="The router in the office is slow, the router is old."
    )
    assert await _ids(helpline, agent, "router") == [in_subject.id, in_body.id]


async def test_accented_words_are_found(helpline, factory, agent):
    ticket = await factory.ticket(subject="Café machine broken", body="Crème everywhere")
    assert await _ids(helpline, agent, "café") == [ticket.id]
    assert await _ids(helpline, agent, "crème") == [ticket.id]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        '"',
        '"unbalanced quote',
        "(",
        ")",
        "(printer OR",
        "printer AND",
        "AND",
        "OR OR OR",
        "NOT printer",
        "NEAR(printer jam)",
        "printer NEAR/2 jam",
        "*",
        "printer*",
        "-printer",
        "printer -",
        "subject:printer",
        "body : x",
        "^printer",
        "a & b | !c <-> d",
        "printer:*",
        "'; DROP TABLE ticket; --",
        "\\",
        "\x00printer",
        "日本語のテキスト",
        "emoji 🖨️ printer",
        "über straße",
        "the",
        "x" * 5000,
        " ".join(["printer"] * 100),
    ],
)
async def test_hostile_input_never_raises(helpline, factory, agent, customer, text):
    await factory.ticket(requester=customer, subject="Printer jam")
    for actor in (agent, customer):
        found, total = await search_tickets(helpline, actor, text)
        assert total == len(found)
        listed, listed_total = await tickets.list_tickets(helpline, actor, q=text)
        assert listed_total == len(listed)


async def test_operator_words_are_searched_as_words(helpline, factory, agent):
    ticket = await factory.ticket(subject="Error NOT FOUND near the door")
    assert await _ids(helpline, agent, "not found") == [ticket.id]
    assert await _ids(helpline, agent, "NEAR door") == [ticket.id]


async def test_totals_count_tickets_not_messages_across_pages(helpline, factory, agent):
    made = []
    for i in range(12):
        ticket = await factory.ticket(subject=f"Outage report {i}")
        await messages.add_message(helpline, agent, ticket.number, body="outage continues")
        made.append(ticket.id)
    pages = []
    for offset in (0, 5, 10):
        found, total = await search_tickets(helpline, agent, "outage", limit=5, offset=offset)
        assert total == 12
        pages.append([t.id for t in found])
    assert [len(p) for p in pages] == [5, 5, 2]
    assert sorted(i for p in pages for i in p) == sorted(made)
    assert await search_tickets(helpline, agent, "outage", limit=5, offset=20) == ([], 12)
    assert await search_tickets(helpline, agent, "nothing-like-this") == ([], 0)


async def test_index_follows_subject_changes_and_merges(helpline, factory, agent):
    ticket = await factory.ticket(subject="Keyboard sticky")
    await tickets.update_ticket(
        helpline, agent, ticket.number, version=None, subject="Mouse sticky"
    )
    assert await _ids(helpline, agent, "keyboard") == []
    assert await _ids(helpline, agent, "mouse") == [ticket.id]
    source = await factory.ticket(subject="Duplicate", body="The monitor flickers")
    await tickets.merge_tickets(helpline, agent, source.number, ticket.number)
    assert await _ids(helpline, agent, "monitor flickers") == [ticket.id]
