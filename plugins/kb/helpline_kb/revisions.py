"""Revisions of an article: the list, a line diff between two, and restoring an old one."""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

import msgspec

from helpline import db
from helpline.errors import NotFound
from helpline.model import Actor
from helpline_kb import access, articles


class Revision(msgspec.Struct, kw_only=True):
    id: int
    article_id: int
    number: int
    title: str
    body: str
    state: str
    author_id: int | None
    author_name: str | None
    note: str
    created_at: datetime


class DiffLine(msgspec.Struct):
    kind: str  # "same", "added", "removed", "gap"
    text: str


_SELECT = (
    "SELECT r.id, r.article_id, r.number, r.title, r.body, r.state, r.author_id, "
    "u.name AS author_name, r.note, r.created_at FROM kb_revision r "
    "LEFT JOIN users u ON u.id = r.author_id"
)


async def list_revisions(helpline: Any, actor: Actor, article_id: int) -> list[Revision]:
    """Newest first; editors only (revisions show drafts of the text)."""
    access.require_write(actor)
    await articles.get_article(helpline, actor, article_id)
    rows = await db.fetch(
        helpline.engine, f"{_SELECT} WHERE r.article_id = {{}} ORDER BY r.number DESC", article_id
    )
    return [msgspec.convert(r, Revision) for r in rows]


async def get_revision(helpline: Any, actor: Actor, article_id: int, number: int) -> Revision:
    access.require_write(actor)
    await articles.get_article(helpline, actor, article_id)
    rows = await db.fetch(
        helpline.engine,
        f"{_SELECT} WHERE r.article_id = {{}} AND r.number = {{}}",
        article_id,
        number,
    )
    if not rows:
        raise NotFound(f"revision {number} of article {article_id}")
    return msgspec.convert(rows[0], Revision)


def diff(old: Revision | None, new: Revision, context: int = 3) -> list[DiffLine]:
    """Line diff of title and body from `old` (None: the empty text) to `new`."""
    before = [] if old is None else [f"# {old.title}", "", *old.body.splitlines()]
    after = [f"# {new.title}", "", *new.body.splitlines()]
    lines: list[DiffLine] = []
    for group in difflib.SequenceMatcher(None, before, after).get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", line) for line in before[i1:i2]]
                continue
            lines += [DiffLine("removed", line) for line in before[i1:i2]]
            lines += [DiffLine("added", line) for line in after[j1:j2]]
    return lines


async def restore(helpline: Any, actor: Actor, article_id: int, number: int) -> articles.Article:
    """Bring back the title and text of revision `number` as a new revision (state unchanged)."""
    revision = await get_revision(helpline, actor, article_id, number)
    current = await articles.get_article(helpline, actor, article_id)
    return await articles.update_article(
        helpline,
        actor,
        article_id,
        version=current.version,
        title=revision.title,
        body=revision.body,
        note=f"Restored revision {number}",
    )
