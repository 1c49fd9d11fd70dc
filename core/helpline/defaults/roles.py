"""The built-in roles: admin, manager, agent and customer."""

from helpline import hookimpl
from helpline.registry import RoleSpec

#: Hook API versions these defaults implement (they ship with the core).
helpline_api = ">=1.0,<2"

AGENT = (
    "tickets.view_team",
    "tickets.view_internal",
    "tickets.create",
    "tickets.create_on_behalf",
    "tickets.update",
    "tickets.assign",
    "tickets.reply",
    "tickets.note",
    "tickets.merge",
    "users.view",
    "tokens.create",
)
MANAGER = (*AGENT, "tickets.view_all", "teams.manage", "organizations.manage", "audit.view")
CUSTOMER = ("tickets.create", "tickets.reply", "tickets.solve_own")


@hookimpl(trylast=True)
def register_roles():
    return [
        # "*" grants every code, including those plugins register later.
        RoleSpec("admin", "Administrator", ("*",)),
        RoleSpec("manager", "Manager", MANAGER),
        RoleSpec("agent", "Agent", AGENT),
        RoleSpec("customer", "Customer", CUSTOMER, staff=False),
    ]
