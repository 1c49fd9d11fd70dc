"""Attachments: content-addressed storage, size limits, safe names and who may fetch them."""

from __future__ import annotations

import hashlib

import pytest

from helpline.blobs import blob_path, read_blob, safe_filename
from helpline.errors import Invalid, NotFound
from helpline.services import messages, tickets
from helpline.services.history import events
from helpline.services.messages import NewAttachment
from helpline.tables import Attachment, Message, Ticket

LIMIT = 1000


@pytest.fixture
def helpline_settings_overrides():
    return {"attachment_max_bytes": LIMIT}


def _blobs(helpline):
    root = helpline.settings.blob_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def test_same_bytes_are_stored_once_under_their_sha256(helpline, factory, agent, customer):
    data = b"%PDF-1.4 the same invoice"
    digest = hashlib.sha256(data).hexdigest()
    ticket = await factory.ticket(
        requester=customer, attachments=[NewAttachment("invoice.pdf", "application/pdf", data)]
    )
    await messages.add_message(
        helpline,
        agent,
        ticket.number,
        body="Is this it?",
        attachments=[NewAttachment("copy.pdf", "application/pdf", data)],
    )
    assert _blobs(helpline) == [blob_path(helpline.settings.blob_dir, digest)]
    assert _blobs(helpline)[0].relative_to(helpline.settings.data_path).parts[:3] == (
        "blobs",
        digest[:2],
        digest[2:4],
    )
    files = [
        a
        for m in await messages.list_messages(helpline, customer, ticket.number)
        for a in m.attachments
    ]
    assert [(f.filename, f.sha256, f.size) for f in files] == [
        ("invoice.pdf", digest, len(data)),
        ("copy.pdf", digest, len(data)),
    ]
    row = await messages.get_attachment(helpline, customer, files[1].id)
    assert read_blob(helpline.settings.blob_dir, row["sha256"]) == data


async def test_an_attachment_alone_is_a_valid_reply(helpline, factory, agent):
    ticket = await factory.ticket()
    _, message = await messages.add_message(
        helpline, agent, ticket.number, body="", attachments=[NewAttachment("log.txt", "", b"ERR")]
    )
    assert message.attachments[0].content_type == "application/octet-stream"


async def test_oversize_reply_is_refused_and_leaves_nothing_behind(helpline, factory, agent):
    ticket = await factory.ticket()
    before = (await Message.count(), await Attachment.count(), len(await events(ticket.id)))
    with pytest.raises(Invalid) as invalid:
        await messages.add_message(
            helpline,
            agent,
            ticket.number,
            body="Two files",
            attachments=[
                NewAttachment("small.txt", "text/plain", b"ok"),
                NewAttachment("big.bin", "application/octet-stream", b"x" * (LIMIT + 1)),
            ],
        )
    assert invalid.value.field == "attachments"
    assert (await Message.count(), await Attachment.count(), len(await events(ticket.id))) == before
    assert _blobs(helpline) == []
    current = await tickets.get_ticket(helpline, agent, ticket.number)
    assert (current.version, current.status) == (ticket.version, ticket.status)


async def test_oversize_new_ticket_is_not_created_and_uses_no_number(helpline, factory, customer):
    with pytest.raises(Invalid) as invalid:
        await tickets.create_ticket(
            helpline,
            customer,
            subject="Huge",
            body="see file",
            attachments=[NewAttachment("big.bin", "", b"x" * (LIMIT + 1))],
        )
    assert invalid.value.field == "attachments"
    assert await Ticket.count() == 0
    assert _blobs(helpline) == []
    first = await tickets.create_ticket(helpline, customer, subject="Small", body="b")
    assert first.number == 1


async def test_exactly_the_limit_is_accepted(helpline, factory, agent):
    ticket = await factory.ticket()
    _, message = await messages.add_message(
        helpline, agent, ticket.number, body="b", attachments=[NewAttachment("f", "", b"x" * LIMIT)]
    )
    assert message.attachments[0].size == LIMIT


async def test_filenames_are_made_safe_when_stored(helpline, factory, agent):
    ticket = await factory.ticket()
    names = ["../../etc/passwd", "C:\\Users\\eve\\report.pdf", "in\x00vo\nice\x1b.pdf", "..", ""]
    _, message = await messages.add_message(
        helpline,
        agent,
        ticket.number,
        body="files",
        attachments=[NewAttachment(n, "text/plain", n.encode() + b"!") for n in names],
    )
    assert [a.filename for a in message.attachments] == [
        "passwd",
        "report.pdf",
        "invoice.pdf",
        "attachment",
        "attachment",
    ]


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("photo.jpg", "photo.jpg"),
        ("résumé (final) [2].pdf", "résumé (final) [2].pdf"),
        ("/abs/path/to/file.txt", "file.txt"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("tab\there.txt", "tabhere.txt"),
        ("\u202egnp.exe", "gnp.exe"),
        ("semi;colon|pipe$.sh", "semi_colon_pipe_.sh"),
        ("  .hidden  ", "hidden"),
        ("...", "attachment"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
        ("b" * 300, "b" * 200),
    ],
)
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


async def test_attachments_on_internal_notes_are_hidden_from_customers(
    helpline, factory, agent, customer
):
    ticket = await factory.ticket(requester=customer)
    _, note = await messages.add_message(
        helpline,
        agent,
        ticket.number,
        body="screenshot of admin panel",
        internal=True,
        attachments=[NewAttachment("admin.png", "image/png", b"png")],
    )
    attachment_id = note.attachments[0].id
    assert (await messages.get_attachment(helpline, agent, attachment_id))[
        "filename"
    ] == "admin.png"
    with pytest.raises(NotFound):
        await messages.get_attachment(helpline, customer, attachment_id)
    with pytest.raises(NotFound):
        await messages.get_attachment(helpline, customer, 999_999)
