"""Email ingestion rate: 10,000 messages (new tickets and threaded replies) through the channel.

Runs in-process on a fresh desk (SQLite in a temporary data dir by default, or PostgreSQL with
`--database-url postgres://user:pw@host:port/db` on an empty database). Each message goes the whole
way: raw bytes stored content-addressed, deduplicated, parsed, threaded, and turned into a ticket
or a reply with its history, search index, thread index and follower suggestions. No SMTP server
is configured, so nothing is queued for sending. Prints messages per second, overall and per kind.

    uv run python bench/email_ingest.py --messages 10000
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from common import running_desk

from helpline.services.setup import install
from helpline_email.ingest import receive

WORDS = (
    "printer invoice login password refund export report error screen laptop vpn account "
    "charged twice shipping order delivery broken slow update install license access"
).split()


def make_message(
    n: int, sender: str, subject: str, parent: str | None, rng: random.Random
) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Customer {sender.split('@')[0]} <{sender}>"
    mail["To"] = "support@helpline.localhost"
    mail["Subject"] = f"Re: {subject}" if parent else subject
    mail["Date"] = format_datetime(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    mail["Message-ID"] = f"<bench-{n}@customers.example>"
    if parent:
        mail["In-Reply-To"] = f"<{parent}>"
        mail["References"] = f"<{parent}>"
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120)))
    body = f"Hello,\n\n{text}.\n\nThanks,\n{sender}\n"
    if parent:
        body += "\nOn Thu, 19 Nov 2026 at 10:00, Support wrote:\n> " + "\n> ".join(
            rng.choice(WORDS) for _ in range(10)
        )
    mail.set_content(body)
    if n % 3 == 0:
        mail.add_alternative(
            f"<div dir=ltr><p>{text}</p><div class=gmail_quote>quoted</div></div>", subtype="html"
        )
    return bytes(mail)


def corpus(count: int, reply_share: float, seed: int = 7) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    senders = [f"customer{i}@customers.example" for i in range(max(1, count // 5))]
    threads: list[tuple[str, str, str]] = []  # (root Message-ID, sender, subject)
    out = []
    for n in range(count):
        if threads and rng.random() < reply_share:
            root, sender, subject = rng.choice(threads)
            out.append(("reply", make_message(n, sender, subject, root, rng)))
        else:
            sender = rng.choice(senders)
            subject = " ".join(rng.choice(WORDS) for _ in range(4)).capitalize()
            threads.append((f"bench-{n}@customers.example", sender, subject))
            out.append(("new", make_message(n, sender, subject, None, rng)))
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--replies", type=float, default=0.5, help="share of threaded replies")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    messages = corpus(args.messages, args.replies)
    with tempfile.TemporaryDirectory(prefix="helpline-bench-email-") as data_dir:
        desk = running_desk(data_dir, database_url=args.database_url, worker=False)
        async with desk as helpline:
            await install(helpline)
            spent = {"new": 0.0, "reply": 0.0}
            counts = {"new": 0, "reply": 0}
            actions: dict[str, int] = {}
            started = time.perf_counter()
            for kind, raw in messages:
                t0 = time.perf_counter()
                result = await receive(helpline, raw)
                spent[kind] += time.perf_counter() - t0
                counts[kind] += 1
                actions[result.action] = actions.get(result.action, 0) + 1
            elapsed = time.perf_counter() - started
    backend = "PostgreSQL" if helpline.is_postgres else "SQLite"
    print(
        f"email ingest on {backend}: {len(messages)} messages in {elapsed:.1f} s"
        f" = {len(messages) / elapsed:.0f} messages/s"
    )
    for kind in ("new", "reply"):
        if counts[kind]:
            print(
                f"  {kind:>5}: {counts[kind]} messages, {counts[kind] / spent[kind]:.0f} messages/s"
            )
    print("  actions: " + ", ".join(f"{a} {n}" for a, n in sorted(actions.items())))


if __name__ == "__main__":
    asyncio.run(main())
