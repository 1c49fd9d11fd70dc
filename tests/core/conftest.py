"""Helpers shared by the service-level tests: custom roles and shorthand for common calls."""

from __future__ import annotations

from typing import Any

import pytest

from helpline.tables import Role


@pytest.fixture
def make_role(helpline: Any) -> Any:
    """`await make_role(name, codes, staff=True)` inserts a role with exactly those codes."""

    async def make(name: str, codes: list[str], staff: bool = True) -> str:
        await Role.insert(Role(name=name, label=name.title(), staff=staff, permissions=codes))
        return name

    return make
