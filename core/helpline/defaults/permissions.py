"""Permission codes the core checks."""

from helpline import hookimpl
from helpline.registry import Permission

#: Hook API versions these defaults implement (they ship with the core).
helpline_api = ">=1.0,<2"

CORE_PERMISSIONS = [
    Permission("tickets.view_all", "See every ticket"),
    Permission(
        "tickets.view_team",
        "See team tickets",
        "Tickets of the agent's teams, tickets with no team, and tickets assigned to the agent.",
    ),
    Permission("tickets.view_internal", "Read internal notes"),
    Permission("tickets.create", "Create tickets"),
    Permission("tickets.create_on_behalf", "Create tickets on behalf of a customer"),
    Permission("tickets.update", "Change status, priority, type and tags"),
    Permission("tickets.assign", "Change assignee and team"),
    Permission("tickets.reply", "Reply publicly"),
    Permission("tickets.note", "Add internal notes"),
    Permission("tickets.merge", "Merge tickets"),
    Permission("tickets.solve_own", "Mark own requests solved (customers)"),
    Permission("users.view", "See users and customers"),
    Permission("users.manage", "Create, edit and deactivate users"),
    Permission("teams.manage", "Manage teams"),
    Permission("organizations.manage", "Manage organizations"),
    Permission("roles.manage", "Manage roles and their permissions"),
    Permission("settings.manage", "Manage statuses, priorities, types and settings"),
    Permission("plugins.manage", "Enable and disable plugins"),
    Permission("tokens.create", "Create own API tokens"),
    Permission("tokens.manage", "Create and revoke API tokens for anyone"),
    Permission("audit.view", "Read the audit log"),
]


@hookimpl(trylast=True)
def register_permissions():
    return CORE_PERMISSIONS
