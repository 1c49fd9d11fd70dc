"""Knowledge base benchmark: search latency (p50/p95) over N articles on SQLite or PostgreSQL.

Installs a desk in a temporary data dir (with only the kb plugin), loads N articles written from
a Zipf-weighted vocabulary of about 4,000 words (Markdown bodies rendered and sanitized like
real ones, two languages, every state), then times searches as the help centre (all words,
anonymous visitor, one language), the agent panel (any word, staff, every language) and the
API run them.

    uv run python bench/kb.py --articles 10000 --backend sqlite
    uv run python bench/kb.py --articles 10000 --backend postgres   # starts a throwaway server
    uv run python bench/kb.py --backend postgres --postgres-url postgres://u:p@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

from common import add_backend_arguments, percentiles, postgres_database, running_desk

TOPICS = (
    "password reset login account email invoice billing refund payment card subscription plan "
    "upgrade downgrade cancel export import report dashboard ticket reply agent customer team "
    "printer network vpn wifi router firewall proxy certificate browser cache cookie mobile app "
    "android iphone notification alert sync calendar contact address phone language timezone "
    "security twofactor token api webhook integration slack teams backup restore delete archive "
    "permission role admin user group license trial discount tax receipt shipping delivery order "
    "tracking return warranty repair update install download upload file attachment image video"
).split()
FILLER = "the a to and of in for with your you on is can this that how when".split()
SYLLABLES = "ka lo mi ne ru sa ti vo ber dan fel gor hin jul kes lim mon nar pel quo".split()


def vocabulary(rng: random.Random, size: int = 4000) -> tuple[list[str], list[float]]:
    """Topic words plus made-up ones, with Zipf weights: a few common words, many rare ones."""
    made_up = {
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)
    }
    words = TOPICS + sorted(made_up - set(TOPICS))
    rng.shuffle(words)
    return words, [1 / (rank + 1) for rank in range(len(words))]


WORDS: list[str] = []
WEIGHTS: list[float] = []


def sentence(rng: random.Random, n: int) -> str:
    picked = rng.choices(WORDS, WEIGHTS, k=n)
    return " ".join(w if rng.random() < 0.6 else rng.choice(FILLER) for w in picked)


TITLES: list[list[str]] = []


def title_words(rng: random.Random, n: int) -> list[str]:
    """Words of a random article's title: people search for what the articles are about."""
    while True:
        words = [w for w in rng.choice(TITLES) if w not in FILLER]
        if len(words) >= n:
            return rng.sample(words, n)


def article_body(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(2, 5)):
        parts.append(f"## {sentence(rng, 4).title()}\n\n{sentence(rng, rng.randint(30, 90))}.")
        if rng.random() < 0.4:
            parts.append("\n".join(f"- {sentence(rng, 6)}" for _ in range(3)))
    return "\n\n".join(parts)


async def load(helpline, n: int, seed: int) -> None:
    from helpline import db
    from helpline_kb.render import to_html, to_text

    rng = random.Random(seed)
    WORDS[:], WEIGHTS[:] = vocabulary(rng)
    now = helpline.now()
    states = ["published"] * 8 + ["internal", "draft"]
    rows = []
    for i in range(1, n + 1):
        title = sentence(rng, rng.randint(3, 7)).capitalize()
        TITLES.append(title.lower().split())
        body = article_body(rng)
        rows.append(
            (
                i, "en" if i % 5 else "de", f"article-{i}", title, body, to_html(body),
                to_text(body), rng.choice(states), now, now,
            )
        )  # fmt: skip
    sql = (
        "INSERT INTO kb_article (group_id, language, slug, title, body, body_html, body_text, "
        "state, created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {})"
    )
    print(f"rendered {n:,} articles", flush=True)
    for start in range(0, len(rows), 500):
        async with helpline.transaction():
            for row in rows[start : start + 500]:
                await db.fetch(helpline.engine, sql, *row)
    if helpline.is_postgres:
        await db.fetch(helpline.engine, "ANALYZE kb_article")


def latency(samples: list[float]) -> str:
    p50, p95 = percentiles(samples)
    return f"p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  ({len(samples)} queries)"


async def measure(helpline, queries: int, seed: int) -> None:
    from helpline.model import Actor
    from helpline_kb import search

    rng = random.Random(seed + 1)
    staff = Actor(
        id=1, email="a@example.com", name="A", role="agent", staff=True,
        permissions=frozenset({"kb.write"}),
    )  # fmt: skip
    cases = {
        "help centre: 2 title words, anonymous, en": lambda: search.search(
            helpline,
            None,
            " ".join(w[:5] if i else w for i, w in enumerate(title_words(rng, 2))),
            language="en",
        ),
        "help centre: 3-letter prefix, anonymous, en": lambda: search.search(
            helpline, None, title_words(rng, 1)[0][:3], language="en"
        ),
        "agent panel: 8-word subject, any word, staff": lambda: search.search(
            helpline, staff, sentence(rng, 8), any_word=True, limit=5
        ),
        "page 3 of a common word, staff": lambda: search.search(
            helpline, staff, rng.choice(WORDS[:20]), limit=20, offset=40
        ),
    }
    for label, run in cases.items():
        for _ in range(10):  # warm caches
            await run()
        samples, matches = [], 0
        for _ in range(queries):
            started = time.perf_counter()
            _hits, total = await run()
            samples.append(time.perf_counter() - started)
            matches += total
        print(
            f"{label:<46} {latency(samples)}  mean matches {matches / queries:,.0f}",
            flush=True,
        )


async def main_async(args: argparse.Namespace, data_dir: Path, url: str | None) -> None:
    from helpline.services.setup import install

    overrides = {"plugins": ["kb"], "plugin": {"kb": {"languages": ["en", "de"]}}}
    if url:
        overrides["database_url"] = url
    async with running_desk(data_dir, **overrides) as helpline:
        await install(helpline)
        started = time.perf_counter()
        await load(helpline, args.articles, args.seed)
        print(
            f"loaded {args.articles:,} articles in {time.perf_counter() - started:.1f} s "
            f"({args.backend}; 80% published, 10% internal, 10% draft; 80% en, 20% de)",
            flush=True,
        )
        await measure(helpline, args.queries, args.seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300, help="timed queries per case")
    add_backend_arguments(parser)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, postgres_database(args, "helpline_bench_kb") as url:
        asyncio.run(main_async(args, Path(tmp), url))


if __name__ == "__main__":
    main()
