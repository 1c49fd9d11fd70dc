"""Surveys benchmark: sending CSAT surveys, recording answers, and the managers' results page.

Seeds N tickets with `helpline demo`, then times (1) making and delivering a CSAT survey for
each solved ticket (a capturing channel stands in for email), (2) recording an answer for 70% of
them, and (3) `results.summary` — what `/p/surveys/` and the dashboard widget compute — for an
admin (every ticket) and for an agent (team visibility).

    uv run python bench/surveys.py --tickets 5000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from pathlib import Path

from common import running_desk, seed_desk


def make_channel():
    from helpline import hookimpl

    class Channel:
        """Takes every notification, like a channel plugin that queues mail."""

        count = 0

        @hookimpl(tryfirst=True)
        def deliver_notification(self, recipient, subject, body, ticket):
            self.count += 1
            return True

    return Channel()


async def run(data_dir: Path, tickets: int) -> None:
    from helpline.plugins import make_plugin_manager
    from helpline.services import tickets as ticket_service
    from helpline.services.users import load_actor
    from helpline.settings import load_settings
    from helpline.tables import Ticket, User
    from helpline_surveys import answers, config, results, sending

    channel = make_channel()
    settings = load_settings(str(data_dir))
    pm = make_plugin_manager(settings.plugins, settings.disable_plugins, extra=[("bench", channel)])
    async with running_desk(data_dir, pm=pm) as helpline:
        survey_settings = await config.current(helpline)
        numbers = [r["number"] for r in await Ticket.select(Ticket.number).order_by(Ticket.id)]
        started = time.perf_counter()
        sent_ids = []
        for number in numbers:
            ticket = await ticket_service.get_ticket(helpline, ticket_service.SYSTEM, number)
            sent = await sending.create_and_deliver(
                helpline, survey_settings, "csat", ticket.requester_id, ticket=ticket
            )
            sent_ids.append(sent["id"])
        took = time.perf_counter() - started
        print(
            f"surveys made and delivered: {len(sent_ids)} in {took:.1f} s "
            f"({len(sent_ids) / took:.0f}/s)"
        )
        random.seed(7)
        chosen = random.sample(sent_ids, int(len(sent_ids) * 0.7))
        started = time.perf_counter()
        for sent_id in chosen:
            await answers.record(helpline, sent_id, score=random.choice([5, 5, 5, 1]))
        took = time.perf_counter() - started
        print(
            f"answers recorded (with survey_answered and history): {len(chosen)} in "
            f"{took:.1f} s ({len(chosen) / took:.0f}/s)"
        )
        admin = await load_actor(helpline, 1)
        agent_row = await User.select(User.id).where(User.email == "agent@helpdesk.example").first()
        agent = await load_actor(helpline, agent_row["id"]) if agent_row else admin
        for label, actor in (("admin (all tickets)", admin), ("agent (team visibility)", agent)):
            for _ in range(2):  # the second run is warm
                started = time.perf_counter()
                data = await results.summary(actor)
                took = time.perf_counter() - started
            print(
                f"results.summary for {label}: {took * 1000:.0f} ms "
                f"(CSAT {data['totals']['csat']}%, {data['totals']['csat_count']} ratings)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        seed_desk(data_dir, dict(os.environ), args.tickets)
        asyncio.run(run(data_dir, args.tickets))


if __name__ == "__main__":
    main()
