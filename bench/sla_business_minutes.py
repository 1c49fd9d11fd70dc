"""SLA benchmark: business minutes answered to the reports plugin, spans per second.

Seeds N tickets with `helpline demo`, creates a business calendar and a policy, then asks the
SLA plugin's `reports_business_minutes` implementation for the business minutes of a batch of
spans (two per ticket, like a reports rebuild: first response and resolution) and prints the
spans per second. `--one-by-one` asks for one span per call, as the hook was before it took
batches (each call loading the rules and the ticket).

    uv run python bench/sla_business_minutes.py --tickets 2000 --spans 1000 [--one-by-one]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from common import best_of, running_desk, seed_desk


async def run(data_dir: Path, count: int, rounds: int, one_by_one: bool) -> None:
    from helpline import db
    from helpline_sla import reports_hook, store
    from helpline_sla.specs import CalendarSpec, PolicySpec, TargetSpec

    async with running_desk(data_dir) as helpline:
        await store.save_calendar(
            helpline,
            CalendarSpec(
                name="office", timezone="Europe/Berlin", hours=["mon-fri 09:00-17:00"], country="DE"
            ),
        )
        await store.save_policy(
            helpline,
            PolicySpec(
                name="Standard",
                calendar="office",
                targets=[TargetSpec(target="first_response", minutes=240)],
            ),
        )
        rows = await db.fetch(
            helpline.engine,
            "SELECT id, created_at FROM ticket ORDER BY id LIMIT {}",
            (count + 1) // 2,
        )
        spans = []
        for row in rows:
            created = row["created_at"]
            if isinstance(created, str):
                created = datetime.fromisoformat(created)
            spans.append((row["id"], created, created + timedelta(hours=5)))
            spans.append((row["id"], created, created + timedelta(days=3, hours=2)))
        spans = spans[:count]
        if one_by_one:
            best, answers = await best_of(rounds, partial(_one_by_one, helpline, spans))
        else:
            best, answers = await best_of(
                rounds, partial(reports_hook.business_minutes, helpline, spans)
            )
        answered = sum(a is not None for a in answers or [])
        print(
            f"{'one span per call' if one_by_one else 'one batch'}: {len(spans):,} spans "
            f"({answered:,} answered) in {best * 1000:,.1f} ms, "
            f"{len(spans) / best:,.0f} spans/s (best of {rounds})"
        )


async def _one_by_one(helpline, spans: list) -> list:
    from helpline_sla import reports_hook

    return [(await reports_hook.business_minutes(helpline, [span]) or [None])[0] for span in spans]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--spans", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one-by-one", action="store_true", help="one span per call (before)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        seed_desk(data_dir, dict(os.environ), args.tickets)
        asyncio.run(run(data_dir, args.spans, args.rounds, args.one_by_one))


if __name__ == "__main__":
    main()
