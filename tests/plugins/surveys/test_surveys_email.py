"""End to end through the real email plugin and an SMTP server: the survey arrives as mail."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from survey_helpers import solve


class Sink:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.original_content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def helpline_plugins():
    return []  # no test channel: the email plugin delivers


@pytest.fixture
def helpline_settings_overrides(smtp, survey_settings):
    return {
        "smtp_url": f"smtp://127.0.0.1:{smtp[1]}",
        "base_url": "http://helpdesk.test",
        "plugin": {"surveys": survey_settings},
    }


async def test_the_survey_is_mailed_and_its_link_rates_the_ticket(
    helpline, factory, agent, customer, clock, run_jobs, smtp, client
):
    from helpline_surveys.tables import SurveysAnswer, SurveysSent

    sink, _ = smtp
    clock.freeze()
    ticket = await factory.ticket(requester=customer, subject="VPN drops")
    await solve(helpline, agent, ticket)
    clock.advance(minutes=61)
    await run_jobs()  # the survey job hands the mail to the email plugin, which queues it
    await run_jobs()  # … and the mail job sends it
    assert (await SurveysSent.select().first())["status"] == "sent"
    mails = [email.message_from_bytes(raw, policy=email.policy.default) for raw in sink.received]
    (mail,) = [m for m in mails if "How did we do?" in m["Subject"]]
    assert mail["To"].addresses[0].addr_spec == customer.email
    text = mail.get_body(("plain",)).get_content()
    bad = re.search(r"http://helpdesk\.test(/p/surveys/a/\S+\?r=1)", text).group(1)
    assert (await client.get(bad)).status_code == 200
    assert (await SurveysAnswer.select().first())["score"] == 1
