"""Nested categories: a tree for the help centre, managed by holders of kb.manage_categories."""

from __future__ import annotations

from typing import Any

import msgspec

from helpline import db
from helpline.errors import Invalid, NotFound
from helpline.model import Actor
from helpline_kb import access, render


class Category(msgspec.Struct, kw_only=True):
    id: int
    parent_id: int | None
    slug: str
    name: str
    description: str
    position: int
    children: list[Category] = []
    depth: int = 0


async def all_categories(helpline: Any) -> list[Category]:
    rows = await db.fetch(
        helpline.engine,
        "SELECT id, parent_id, slug, name, description, position FROM kb_category "
        "ORDER BY position, name",
    )
    return [msgspec.convert(r, Category) for r in rows]


def tree(categories: list[Category]) -> list[Category]:
    """Top-level categories with their `children` filled in (parents before children)."""
    by_id = {c.id: c for c in categories}
    roots: list[Category] = []
    for c in categories:
        c.children = []
    for c in categories:
        parent = by_id.get(c.parent_id) if c.parent_id else None
        (parent.children if parent else roots).append(c)
    return roots


def flat(roots: list[Category], depth: int = 0) -> list[Category]:
    """Depth-first list for selects and indented lists."""
    out: list[Category] = []
    for c in roots:
        c.depth = depth
        out.append(c)
        out += flat(c.children, depth + 1)
    return out


async def by_slug(helpline: Any, slug: str) -> Category:
    for c in await all_categories(helpline):
        if c.slug == slug:
            return c
    raise NotFound(f"category {slug}")


async def save_category(
    helpline: Any,
    actor: Actor,
    *,
    name: str,
    slug: str = "",
    parent_id: int | None = None,
    description: str = "",
    position: int = 0,
    category_id: int | None = None,
) -> Category:
    """Create a category, or change one when `category_id` is given."""
    access.require_manage_categories(actor)
    name = name.strip()
    if not name:
        raise Invalid("name", "A category needs a name.")
    slug = render.slugify(slug or name, fallback="category")
    if slug in ("articles", "search", "files", "sitemap-xml"):
        raise Invalid("slug", f"“{slug}” is reserved for the help centre's own pages.")
    existing = {c.id: c for c in await all_categories(helpline)}
    if any(c.slug == slug and c.id != category_id for c in existing.values()):
        raise Invalid("slug", "Another category already uses this slug.")
    if parent_id is not None:
        if parent_id not in existing:
            raise Invalid("parent_id", "No such parent category.")
        ancestor: int | None = parent_id
        while ancestor is not None:  # a category cannot sit inside itself
            if ancestor == category_id:
                raise Invalid("parent_id", "A category cannot be inside itself.")
            ancestor = existing[ancestor].parent_id
    async with helpline.transaction():
        if category_id is None:
            category_id = await db.fetchval(
                helpline.engine,
                "INSERT INTO kb_category (parent_id, slug, name, description, position) "
                "VALUES ({}, {}, {}, {}, {}) RETURNING id",
                parent_id,
                slug,
                name,
                description.strip(),
                position,
            )
        else:
            if category_id not in existing:
                raise NotFound(f"category {category_id}")
            await db.fetch(
                helpline.engine,
                "UPDATE kb_category SET parent_id = {}, slug = {}, name = {}, description = {}, "
                "position = {} WHERE id = {}",
                parent_id,
                slug,
                name,
                description.strip(),
                position,
                category_id,
            )
    return Category(
        id=category_id,
        parent_id=parent_id,
        slug=slug,
        name=name,
        description=description.strip(),
        position=position,
    )
