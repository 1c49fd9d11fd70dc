"""Related articles and an article's attachments (images and files, stored as core blobs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

import msgspec

from helpline import db
from helpline.blobs import check_size, safe_filename, store_blob
from helpline.errors import Invalid, NotFound
from helpline.model import Actor
from helpline_kb import access, articles

#: Shown inline (as images); anything else is downloaded. SVG can carry script: never inline.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


class AttachmentInfo(msgspec.Struct, kw_only=True):
    id: int
    article_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime

    @property
    def url(self) -> str:
        return f"/help/files/{self.id}/{quote(self.filename)}"

    @property
    def is_image(self) -> bool:
        return self.content_type in INLINE_TYPES


async def related(helpline: Any, actor: Actor | None, article: articles.Article) -> list[Any]:
    """Related articles the actor may read, in the article's language."""
    rows = await db.fetch(
        helpline.engine,
        f"SELECT {articles.COLUMNS} {articles.FROM} JOIN kb_related r ON r.related_id = a.id "
        f"WHERE r.article_id = {{}} AND a.language = {{}} "
        f"AND a.state IN ({access.states_sql(actor)}) ORDER BY a.title",
        article.id,
        article.language,
    )
    return [articles.to_article(r) for r in rows]


async def set_related(helpline: Any, actor: Actor, article_id: int, related_ids: list[int]) -> None:
    """Replace the article's related articles; the relation goes both ways."""
    access.require_write(actor)
    await articles.get_article(helpline, actor, article_id)
    wanted = []
    for rid in related_ids:
        if rid != article_id and rid not in wanted:
            await articles.get_article(helpline, actor, rid)
            wanted.append(rid)
    async with helpline.transaction():
        await db.fetch(
            helpline.engine,
            "DELETE FROM kb_related WHERE article_id = {} OR related_id = {}",
            article_id,
            article_id,
        )
        for rid in wanted:
            for a, b in ((article_id, rid), (rid, article_id)):
                await db.fetch(
                    helpline.engine,
                    "INSERT INTO kb_related (article_id, related_id) VALUES ({}, {})",
                    a,
                    b,
                )


async def attachments(helpline: Any, article_id: int) -> list[AttachmentInfo]:
    rows = await db.fetch(
        helpline.engine,
        "SELECT id, article_id, filename, content_type, size, sha256, created_at "
        "FROM kb_attachment WHERE article_id = {} ORDER BY id",
        article_id,
    )
    return [msgspec.convert(r, AttachmentInfo) for r in rows]


async def add_attachment(
    helpline: Any, actor: Actor, article_id: int, filename: str, content_type: str, data: bytes
) -> AttachmentInfo:
    access.require_write(actor)
    await articles.get_article(helpline, actor, article_id)
    if not data:
        raise Invalid("file", "Choose a file to upload.")
    check_size(len(data), access.settings(helpline).attachment_max_bytes, "file")
    name = safe_filename(filename)
    kind = (content_type or "application/octet-stream").split(";")[0].strip().lower()[:120]
    digest = store_blob(helpline.settings.blob_dir, data)
    new_id = await db.fetchval(
        helpline.engine,
        "INSERT INTO kb_attachment (article_id, filename, content_type, size, sha256, created_at) "
        "VALUES ({}, {}, {}, {}, {}, {}) RETURNING id",
        article_id,
        name,
        kind,
        len(data),
        digest,
        helpline.now(),
    )
    return ([a for a in await attachments(helpline, article_id) if a.id == new_id] or [None])[0]


async def get_attachment(helpline: Any, actor: Actor | None, attachment_id: int) -> AttachmentInfo:
    """An attachment of an article the actor may read; NotFound otherwise."""
    rows = await db.fetch(
        helpline.engine,
        "SELECT f.id, f.article_id, f.filename, f.content_type, f.size, f.sha256, f.created_at "
        "FROM kb_attachment f JOIN kb_article a ON a.id = f.article_id "
        f"WHERE f.id = {{}} AND a.state IN ({access.states_sql(actor)})",
        attachment_id,
    )
    if not rows:
        raise NotFound(f"attachment {attachment_id}")
    return msgspec.convert(rows[0], AttachmentInfo)
