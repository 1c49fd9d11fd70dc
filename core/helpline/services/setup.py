"""Installing and upgrading a desk: migrations, then the defaults plugins register."""

from __future__ import annotations

from helpline import db
from helpline.errors import Invalid
from helpline.registry import STATUS_CATEGORIES, RoleSpec
from helpline.runtime import Helpline
from helpline.tables import Counter, Priority, Role, Status, TicketType


async def install(helpline: Helpline) -> str:
    """Migrate and seed; safe to run any number of times."""
    log = await db.migrate(helpline.engine)
    await seed_defaults(helpline)
    await helpline.load_plugin_states()
    return log


async def seed_defaults(helpline: Helpline) -> None:
    """Create the statuses, priorities, types and roles plugins register, when missing."""
    async with helpline.transaction():
        for _plugin, specs in helpline.each("register_statuses"):
            for spec in specs or []:
                if spec.category not in STATUS_CATEGORIES:
                    raise Invalid("category", f"status {spec.name}: unknown {spec.category!r}")
                if not await Status.exists().where(Status.name == spec.name):
                    await Status.insert(
                        Status(
                            name=spec.name,
                            label=spec.label,
                            category=spec.category,
                            position=spec.position,
                        )
                    )
        for hook, table in (
            ("register_priorities", Priority),
            ("register_ticket_types", TicketType),
        ):
            order = table.rank if table is Priority else table.position
            for _plugin, specs in helpline.each(hook):
                for spec in specs or []:
                    if not await table.exists().where(table.name == spec.name):
                        await table.insert(
                            table(
                                **{
                                    "name": spec.name,
                                    "label": spec.label,
                                    order._meta.name: spec.position,
                                }
                            )
                        )
        # Several plugins may name the same role (the kb plugin adds `kb.write` to "agent"): the
        # first spec gives label and staff, and the role gets every spec's permissions.
        roles: dict[str, tuple[RoleSpec, list[str]]] = {}
        for _plugin, specs in helpline.each("register_roles"):
            for spec in specs or []:
                _first, codes = roles.setdefault(spec.name, (spec, []))
                codes.extend(c for c in spec.permissions if c not in codes)
        for name, (spec, codes) in roles.items():
            if not await Role.exists().where(Role.name == name):
                await Role.insert(
                    Role(
                        name=name,
                        label=spec.label,
                        staff=spec.staff,
                        builtin=True,
                        permissions=codes,
                    )
                )
        if not await Counter.exists().where(Counter.name == "ticket_number"):
            await Counter.insert(Counter(name="ticket_number", value=0))
