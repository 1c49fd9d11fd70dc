"""Knowledge base test helpers: articles in each state, categories, a second language."""

from __future__ import annotations

from typing import Any

import pytest

from helpline_kb import articles, categories


@pytest.fixture
def helpline_settings_overrides() -> dict[str, Any]:
    # Only this plugin: the others are built in parallel and must not break these tests.
    return {"plugins": ["kb"], "plugin": {"kb": {"languages": ["en", "de"]}}}


class Kb:
    def __init__(self, helpline: Any, manager: Any) -> None:
        self.helpline = helpline
        self.manager = manager

    async def category(self, name: str = "Account", **kwargs: Any) -> Any:
        return await categories.save_category(self.helpline, self.manager, name=name, **kwargs)

    async def article(
        self, title: str = "Reset your password", body: str | None = None, **kwargs: Any
    ) -> Any:
        kwargs.setdefault("state", "published")
        return await articles.create_article(
            self.helpline,
            self.manager,
            title=title,
            body=body or f"How to {title.lower()}: open settings and follow the steps.",
            **kwargs,
        )


@pytest.fixture
async def kb(helpline: Any, manager: Any) -> Kb:
    return Kb(helpline, manager)
