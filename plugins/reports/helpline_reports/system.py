"""The actor command-line reports run as: sees every ticket."""

from helpline.model import Actor


def system_actor() -> Actor:
    return Actor(
        id=0,
        email="system@localhost",
        name="Command line",
        role="system",
        staff=True,
        permissions=frozenset({"reports.view", "tickets.view_all"}),
    )
