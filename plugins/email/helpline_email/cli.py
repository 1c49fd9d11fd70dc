"""`helpline mail …`: receive one message from an MTA pipe, fetch IMAP, serve LMTP, reprocess."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
from typing import Any

import click

from helpline.cli.base import CliState, SettingsProblem, pass_state, with_runtime
from helpline.runtime import Helpline

#: sysexits.h: the MTA keeps the message and retries (EX_TEMPFAIL), or bounces it.
EX_DATAERR = 65
EX_NOUSER = 67
EX_TEMPFAIL = 75

log = logging.getLogger("helpline.email")


@click.group()
def mail() -> None:
    """Email channel: receive, fetch and serve mail."""


@mail.command()
@click.option(
    "--mailbox",
    default=None,
    help="Address of the mailbox (default: by recipient, else the default mailbox).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object: ticket, action, reason."
)
@click.pass_context
def receive(ctx: click.Context, mailbox: str | None, as_json: bool) -> None:
    """Read one RFC 5322 message on stdin (for an MTA alias); exit 0 once it is stored.

    Exits 75 (EX_TEMPFAIL) when the database is unavailable so the MTA retries, 67 for an
    unknown mailbox and 65 for empty input.
    """
    raw = sys.stdin.buffer.read()
    if not raw.strip():
        click.echo("helpline mail receive: no message on standard input", err=True)
        ctx.exit(EX_DATAERR)
    state: CliState = ctx.find_object(CliState)
    try:
        settings = state.settings
        result = asyncio.run(_receive(settings, raw, mailbox))
    except SettingsProblem as exc:
        click.echo(f"helpline mail receive: {exc.message}; not stored, try again later", err=True)
        ctx.exit(EX_TEMPFAIL)
    except _Exit as exc:
        click.echo(f"helpline mail receive: {exc}", err=True)
        ctx.exit(exc.code)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ticket": result.ticket,
                    "action": result.action,
                    "reason": result.reason,
                    "inbound": result.inbound,
                }
            )
        )
    else:
        where = f"#{result.ticket}" if result.ticket is not None else "no ticket"
        click.echo(f"{result.action}: {where} ({result.reason})")


class _Exit(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


async def _receive(settings: Any, raw: bytes, mailbox: str | None) -> Any:
    from helpline_email.ingest import receive as receive_message
    from helpline_email.mailboxes import UnknownMailbox

    try:
        helpline = Helpline(settings)
        await helpline.start()
    except Exception as exc:
        raise _Exit(
            EX_TEMPFAIL,
            f"database unavailable ({type(exc).__name__}: {exc}); not stored, try again later",
        ) from exc
    try:
        from helpline_email.tables import Inbound

        if not await Inbound.table_exists():
            raise _Exit(
                EX_TEMPFAIL,
                "the database is not initialised (run `helpline init`); "
                "not stored, try again later",
            )
        return await receive_message(helpline, raw, mailbox=mailbox)
    except UnknownMailbox as exc:
        raise _Exit(EX_NOUSER, str(exc)) from exc
    except _Exit:
        raise
    except Exception as exc:
        log.exception("email: receiving failed")
        raise _Exit(
            EX_TEMPFAIL,
            f"could not store the message ({type(exc).__name__}: {exc}); try again later",
        ) from exc
    finally:
        await helpline.stop()


@mail.command()
@click.option(
    "--mailbox", default=None, help="Fetch only this mailbox (default: every active IMAP mailbox)."
)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def fetch(state: CliState, mailbox: str | None, as_json: bool) -> None:
    """Fetch new mail from IMAP mailboxes once."""
    from helpline_email.fetching import fetch_all

    reports = state.run(lambda helpline: fetch_all(helpline, mailbox))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "mailbox": r.mailbox,
                        "error": r.error,
                        "reconnects": r.reconnects,
                        "messages": [x.as_dict() for x in r.results],
                    }
                    for r in reports
                ]
            )
        )
    else:
        if not reports:
            click.echo("No active IMAP mailbox.")
        for r in reports:
            actions: dict[str, int] = {}
            for x in r.results:
                actions[x.action] = actions.get(x.action, 0) + 1
            summary = ", ".join(f"{n} {a}" for a, n in sorted(actions.items())) or "nothing new"
            click.echo(f"{r.mailbox}: {summary}" + (f"; error: {r.error}" if r.error else ""))
    if reports and all(r.error for r in reports):
        sys.exit(1)


@mail.command()
@click.option("--host", default=None, help="Address to listen on [default: the lmtp_host setting].")
@click.option("--port", default=None, type=int, help="Port [default: the lmtp_port setting].")
@pass_state
def lmtp(state: CliState, host: str | None, port: int | None) -> None:
    """Run an LMTP listener an MTA can deliver to, until SIGINT or SIGTERM."""
    from helpline_email.lmtp import serve
    from helpline_email.settings import email_settings

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    async def work(helpline: Helpline) -> None:
        settings = email_settings(helpline)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        where = (host or settings.lmtp_host, port or settings.lmtp_port)
        click.echo(f"LMTP listening on {where[0]}:{where[1]}; Ctrl-C stops it.", err=True)
        await serve(helpline, where[0], where[1], stop)

    state.run(work)


@mail.command()
@click.argument("inbound_ids", nargs=-1, type=int)
@click.option("--stuck", is_flag=True, help="Also every message stored but never processed.")
@pass_state
def reprocess(state: CliState, inbound_ids: tuple[int, ...], stuck: bool) -> None:
    """Process quarantined, ignored or stuck messages again."""
    from helpline_email.ingest import reprocess as again
    from helpline_email.ingest import stuck as stuck_ids

    async def work(helpline: Helpline) -> list[Any]:
        ids = list(inbound_ids) + (await stuck_ids(helpline) if stuck else [])
        return [(i, await again(helpline, i)) for i in ids]

    for inbound_id, result in state.run(work):
        where = f"#{result.ticket}" if result.ticket is not None else "no ticket"
        click.echo(f"inbound {inbound_id}: {result.action}: {where} ({result.reason})")


__all__ = ["mail", "with_runtime"]
