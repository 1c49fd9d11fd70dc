"""Full-text search over article titles and text: SQLite FTS5 or PostgreSQL tsvector (GIN).

User text never becomes query syntax: words are extracted and quoted (as the core search does).
Visibility (state) and language are part of the same query, so a hidden article is never counted
or shown. Snippets are built with marker characters, escaped, then the markers become <mark>.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from markupsafe import Markup, escape

from helpline import db
from helpline.model import Actor
from helpline_kb import access

_WORD = re.compile(r"\w+", re.UNICODE)
OPEN, CLOSE = "\ue000", "\ue001"
#: Must match the generated column of migration kb_0001.
PG_CONFIGS = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
}
#: Too common to suggest anything on their own when any word may match.
STOPWORDS = frozenset(
    "a an and are as at be but by can for from has have how i if in is it its my not of on or "
    "our so than that the their there this to was we what when where which who why will with "
    "you your me do does did get got cant dont wont im ive".split()
)


class Hit(msgspec.Struct, kw_only=True):
    id: int
    title: str
    slug: str
    language: str
    state: str
    category_slug: str | None
    snippet: Markup
    title_html: Markup

    @property
    def path(self) -> str:
        return f"/help/{self.language}/{self.category_slug or 'articles'}/{self.slug}"


def words(text: str, *, any_word: bool) -> list[str]:
    found = [w for w in _WORD.findall(text or "")]
    if any_word:
        found = [w for w in found if len(w) > 2 and w.lower() not in STOPWORDS]
    seen: list[str] = []
    for w in found:
        if w.lower() not in (s.lower() for s in seen):
            seen.append(w)
    return seen[:16]


def fts5_query(found: list[str], any_word: bool) -> str:
    quoted = [f'"{w}"' for w in found]
    if any_word:
        return " OR ".join(q + "*" for q in quoted)
    quoted[-1] += "*"
    return " ".join(quoted)


def pg_query(found: list[str], any_word: bool) -> str:
    quoted = [f"'{w}':*" if any_word or i == len(found) - 1 else f"'{w}'" for i, w in
              enumerate(found)]  # fmt: skip
    return (" | " if any_word else " & ").join(quoted)


def highlight(raw: str | None) -> Markup:
    """Escape the snippet the database built, then turn its markers into <mark>."""
    text = str(escape(raw or ""))
    return Markup(text.replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


async def search(
    helpline: Any,
    actor: Actor | None,
    text: str,
    *,
    language: str | None = None,
    any_word: bool = False,
    exclude: tuple[int, ...] = (),
    limit: int = 10,
    offset: int = 0,
) -> tuple[list[Hit], int]:
    """Readable articles matching `text`, best first, with highlighted snippets, and the total.

    `any_word` ranks articles sharing any of the words (suggestions from a ticket's subject);
    otherwise every word must match, the last as a prefix (a search box).
    """
    found = words(text, any_word=any_word)
    if not found:
        return [], 0
    where = [f"a.state IN ({access.states_sql(actor)})"]
    args: list[Any] = []
    if language:
        where.append("a.language = {}")
        args.append(language)
    if exclude:
        where.append(f"a.id NOT IN ({', '.join(str(int(i)) for i in exclude)})")
    if any_word:
        found = await (_distinctive_pg if helpline.is_postgres else _distinctive)(helpline, found)
    if helpline.is_postgres:
        rows = await _pg(helpline, found, any_word, language, where, args, limit, offset)
    else:
        rows = await _sqlite(helpline, found, any_word, where, args, limit, offset)
    if not rows:
        return [], 0
    hits = [
        Hit(
            id=r["id"],
            title=r["title"],
            slug=r["slug"],
            language=r["language"],
            state=r["state"],
            category_slug=r["category_slug"],
            snippet=highlight(r["snippet"]),
            title_html=highlight(r["title_hl"]),
        )
        for r in rows
    ]
    return hits, int(rows[0]["total"])


async def _distinctive(helpline: Any, found: list[str], share: float = 0.2) -> list[str]:
    """Drop words that a fifth of all articles contain: with any word allowed, they would match
    (and rank) most of the knowledge base and say little. Keeps everything when all are common."""
    lowered = [w.lower() for w in found]
    marks = ", ".join("{}" for _ in lowered)
    rows = await db.fetch(
        helpline.engine,
        f"SELECT term, doc, (SELECT count(*) FROM kb_article) AS total FROM kb_article_terms "
        f"WHERE term IN ({marks})",
        *lowered,
    )
    common = {r["term"] for r in rows if r["doc"] > share * max(r["total"], 50)}
    kept = [w for w in found if w.lower() not in common]
    return kept or found


def _pg_configs(language: str | None) -> list[str]:
    if language:
        return [PG_CONFIGS.get(language, "simple")]
    # Without a language the query is every language's reading of the words, OR-ed.
    return sorted({*PG_CONFIGS.values(), "simple"})


async def _distinctive_pg(helpline: Any, found: list[str], share: float = 0.2) -> list[str]:
    """As `_distinctive`: counts (capped) how many articles contain each word, in one query."""
    total = await db.fetchval(helpline.engine, "SELECT count(*) FROM kb_article")
    cap = int(share * max(int(total or 0), 50))
    configs = _pg_configs(None)
    tsquery = " || ".join(f"to_tsquery('{cfg}', {{}})" for cfg in configs)
    parts, args = [], []
    for i, word in enumerate(found):
        parts.append(
            f"SELECT {i} AS i, count(*) AS n FROM (SELECT 1 FROM kb_article "
            f"WHERE search_vector @@ ({tsquery}) LIMIT {cap + 1}) s{i}"
        )
        args += [f"'{word}':*"] * len(configs)
    rows = await db.fetch(helpline.engine, " UNION ALL ".join(parts), *args)
    common = {r["i"] for r in rows if r["n"] > cap}
    kept = [w for i, w in enumerate(found) if i not in common]
    return kept or found


async def _sqlite(helpline, found, any_word, where, args, limit, offset) -> list[dict]:
    marks = f"'{OPEN}', '{CLOSE}'"
    match = fts5_query(found, any_word)
    joins = (
        # CROSS JOIN fixes the order: the full-text index drives; SQLite would otherwise run the
        # MATCH once per candidate article row.
        "FROM kb_article_fts CROSS JOIN kb_article a ON a.id = kb_article_fts.rowid "
        f"WHERE kb_article_fts MATCH {{}} AND {' AND '.join(where)}"
    )
    # Rank first, then build snippets for the page alone: SQLite would otherwise compute them
    # for every match before sorting. (FTS5's functions cannot share a query with a window
    # function either, hence the separate count.)
    ranked = await db.fetch(
        helpline.engine,
        # Title words weigh five times body words; bm25 is lower for better matches.
        f"SELECT a.id, bm25(kb_article_fts, 5.0, 1.0) AS score {joins} "
        "ORDER BY score, a.id DESC LIMIT {} OFFSET {}",
        match,
        *args,
        limit,
        offset,
    )
    if not ranked:
        return []
    ids = ", ".join(str(int(r["id"])) for r in ranked)
    rows = await db.fetch(
        helpline.engine,
        "SELECT a.id, a.title, a.slug, a.language, a.state, c.slug AS category_slug, "
        f"snippet(kb_article_fts, 1, {marks}, '…', 24) AS snippet, "
        f"highlight(kb_article_fts, 0, {marks}) AS title_hl "
        "FROM kb_article_fts CROSS JOIN kb_article a ON a.id = kb_article_fts.rowid "
        "LEFT JOIN kb_category c ON c.id = a.category_id "
        f"WHERE kb_article_fts MATCH {{}} AND kb_article_fts.rowid IN ({ids})",
        match,
    )
    if offset or len(ranked) == limit:
        total = await db.fetchval(helpline.engine, f"SELECT count(*) {joins}", match, *args)
    else:
        total = offset + len(ranked)
    by_id = {r["id"]: r for r in rows}
    ordered = [by_id[r["id"]] for r in ranked if r["id"] in by_id]
    for row in ordered:
        row["total"] = total
    return ordered


async def _pg(helpline, found, any_word, language, where, args, limit, offset) -> list[dict]:
    query = pg_query(found, any_word)
    configs = _pg_configs(language)
    tsquery = " || ".join(f"to_tsquery('{cfg}', {{}})" for cfg in configs)
    row_config = (
        "(CASE a.language "
        + " ".join(f"WHEN '{k}' THEN '{v}'::regconfig" for k, v in PG_CONFIGS.items())
        + " ELSE 'simple'::regconfig END)"
    )
    options = (
        f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=30, MinWords=12, MaxFragments=2, "
        'FragmentDelimiter=" … "'
    )
    return await db.fetch(
        helpline.engine,
        f"WITH q AS (SELECT ({tsquery}) AS query), hits AS ("
        "SELECT a.id, ts_rank(a.search_vector, q.query) AS rank, count(*) OVER () AS total "
        f"FROM kb_article a, q WHERE a.search_vector @@ q.query AND {' AND '.join(where)} "
        "ORDER BY rank DESC, a.id DESC LIMIT {} OFFSET {}) "
        "SELECT a.id, a.title, a.slug, a.language, a.state, c.slug AS category_slug, hits.total, "
        f"ts_headline({row_config}, a.body_text, q.query, {{}}) AS snippet, "
        f"ts_headline({row_config}, a.title, q.query, {{}}) AS title_hl "
        "FROM hits JOIN kb_article a ON a.id = hits.id "
        "LEFT JOIN kb_category c ON c.id = a.category_id, q ORDER BY hits.rank DESC, a.id DESC",
        *([query] * len(configs)),
        *args,
        limit,
        offset,
        options,
        options + ", HighlightAll=true",
    )
