"""`helpline demo` data: a small help centre and some reader activity.

Categories and articles go through the plugin's services (revisions, search index), written
by the demo manager; each is looked up by its slug first, so a second demo run adds none.
Views, votes and deflected requests are added once, with the articles; "insert into reply"
uses go on a fixed-size sample of each run's tickets. The cost does not grow with the number of
demo tickets.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import msgspec

from helpline import db
from helpline.cli.demo import MANAGER_EMAIL
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services.users import load_actor
from helpline_kb import access, activity, articles, categories, render
from helpline_kb.demo_content import ARTICLES, CATEGORIES, DEFLECTED_SUBJECTS

#: Tickets of one demo run on which agents inserted an article into a reply.
INSERT_SAMPLE = 40
#: Days back over which deflections and inserts are spread.
SPREAD_DAYS = 60


async def _author(helpline: Helpline) -> Actor | None:
    """The demo manager, allowed to write, publish and arrange the demo help centre."""
    user_id = await db.fetchval(
        helpline.engine, "SELECT id FROM users WHERE email = {}", MANAGER_EMAIL
    )
    if user_id is None:
        return None
    actor = await load_actor(helpline, user_id)
    needed = {access.WRITE, access.PUBLISH, access.MANAGE_CATEGORIES}
    return msgspec.structs.replace(actor, permissions=actor.permissions | needed)


async def _categories(helpline: Helpline, actor: Actor) -> dict[str, int]:
    found = {c.slug: c.id for c in await categories.all_categories(helpline)}
    for position, (slug, name, description) in enumerate(CATEGORIES):
        if slug not in found:
            saved = await categories.save_category(
                helpline, actor, name=name, slug=slug, description=description, position=position
            )
            found[slug] = saved.id
    return found


async def _articles(helpline: Helpline, actor: Actor, category_ids: dict[str, int]) -> list[int]:
    """Create the demo articles that are missing; returns the ids of those created now."""
    language = access.settings(helpline).languages[0]
    created = []
    for category, state, title, tags, body in ARTICLES:
        slug = render.slugify(title)
        exists = await db.fetchval(
            helpline.engine,
            "SELECT id FROM kb_article WHERE language = {} AND slug = {}",
            language,
            slug,
        )
        if exists:
            continue
        article = await articles.create_article(
            helpline,
            actor,
            title=title,
            body=body,
            language=language,
            category_id=category_ids.get(category),
            slug=slug,
            tags=tags,
            state=state,
        )
        created.append(article.id)
    return created


def _moment(rng: random.Random, now: datetime) -> datetime:
    return now - timedelta(days=rng.uniform(0, SPREAD_DAYS))


async def _published(helpline: Helpline, ids: list[int]) -> list[int]:
    if not ids:
        return []
    marks = ", ".join("{}" for _ in ids)
    rows = await db.fetch(
        helpline.engine,
        f"SELECT id FROM kb_article WHERE state = 'published' AND id IN ({marks}) ORDER BY id",
        *ids,
    )
    return [r["id"] for r in rows]


async def _reader_activity(helpline: Helpline, rng: random.Random, ids: list[int]) -> None:
    """Views, helpful votes and deflected requests on newly created published articles."""
    published = await _published(helpline, ids)
    if not published:
        return
    now = helpline.now()
    # Popularity falls with the position: the first articles are read most.
    weights = [1 / (i + 1) for i in range(len(published))]
    customers = [
        r["id"]
        for r in await db.fetch(
            helpline.engine,
            "SELECT u.id FROM users u JOIN role r ON r.id = u.role WHERE r.staff = {} "
            "ORDER BY u.id LIMIT 200",
            False,
        )
    ]
    async with helpline.transaction():
        for article_id, weight in zip(published, weights, strict=True):
            await db.fetch(
                helpline.engine,
                "INSERT INTO kb_view (article_id, views) VALUES ({}, {}) ON CONFLICT (article_id) "
                "DO UPDATE SET views = kb_view.views + excluded.views",
                article_id,
                int(40 + 900 * weight * rng.uniform(0.6, 1.4)),
            )
        for _ in range(rng.randint(30, 50)):
            customer = rng.choice(customers) if customers and rng.random() < 0.7 else None
            await db.fetch(
                helpline.engine,
                "INSERT INTO kb_deflection (article_id, actor_id, subject, at) "
                "VALUES ({}, {}, {}, {})",
                rng.choices(published, weights)[0],
                customer,
                rng.choice(DEFLECTED_SUBJECTS),
                _moment(rng, now),
            )
    for article_id, weight in zip(published, weights, strict=True):
        for voter in range(int(3 + 12 * weight)):
            helpful = rng.random() < 0.85
            await activity.vote(helpline, article_id, f"demo-{voter}", helpful)


async def _inserts(
    helpline: Helpline, rng: random.Random, first: int, last: int, author: Actor
) -> None:
    """Agents inserted articles into replies on a sample of the run's tickets."""
    rows = await db.fetch(
        helpline.engine, "SELECT id FROM kb_article WHERE state = 'published' ORDER BY id"
    )
    published = [r["id"] for r in rows]
    if not published:
        return
    numbers = sorted(rng.sample(range(first, last + 1), min(INSERT_SAMPLE, last - first + 1)))
    marks = ", ".join("{}" for _ in numbers)
    tickets: list[dict[str, Any]] = await db.fetch(
        helpline.engine,
        f"SELECT id, assignee, created_at FROM ticket WHERE number IN ({marks}) "
        "AND assignee IS NOT NULL ORDER BY id",
        *numbers,
    )
    now = helpline.now()
    async with helpline.transaction():
        for ticket in tickets:
            await db.fetch(
                helpline.engine,
                "INSERT INTO kb_usage (article_id, ticket_id, actor_id, kind, at) "
                "VALUES ({}, {}, {}, {}, {})",
                rng.choice(published),
                ticket["id"],
                ticket["assignee"] or author.id,
                rng.choice(("link", "link", "text")),
                _moment(rng, now),
            )


async def load(helpline: Helpline, seed: int, first_number: int, last_number: int) -> None:
    author = await _author(helpline)
    if author is None:
        return  # no demo manager: this desk was not filled by `helpline demo`
    rng = random.Random(f"kb-{seed}-{first_number}")
    category_ids = await _categories(helpline, author)
    created = await _articles(helpline, author, category_ids)
    await _reader_activity(helpline, rng, created)
    await _inserts(helpline, rng, first_number, last_number, author)
