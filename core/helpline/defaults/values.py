"""Default statuses, priorities and ticket types."""

from helpline import hookimpl
from helpline.registry import StatusSpec, ValueSpec

#: Hook API versions these defaults implement (they ship with the core).
helpline_api = ">=1.0,<2"


@hookimpl(trylast=True)
def register_statuses():
    return [
        StatusSpec("new", "New", "new", 10),
        StatusSpec("open", "Open", "open", 20),
        StatusSpec("pending", "Pending", "pending", 30),
        StatusSpec("on_hold", "On hold", "on_hold", 40),
        StatusSpec("solved", "Solved", "solved", 50),
        StatusSpec("closed", "Closed", "closed", 60),
    ]


@hookimpl(trylast=True)
def register_priorities():
    return [
        ValueSpec("low", "Low", 10),
        ValueSpec("normal", "Normal", 20),
        ValueSpec("high", "High", 30),
        ValueSpec("urgent", "Urgent", 40),
    ]


@hookimpl(trylast=True)
def register_ticket_types():
    return [
        ValueSpec("question", "Question", 10),
        ValueSpec("incident", "Incident", 20),
        ValueSpec("problem", "Problem", 30),
        ValueSpec("issue", "Issue", 40),
        ValueSpec("feature_request", "Feature request", 50),
    ]
