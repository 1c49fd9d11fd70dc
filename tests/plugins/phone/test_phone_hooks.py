"""The `page_footers` slot the phone plugin added to the core."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from helpline import hookimpl


class Footer:
    @hookimpl
    def page_footers(self, helpline, actor):
        if not actor.staff:
            return []
        return [Markup('<div id="test-footer">for &lt;staff&gt;</div>')]


class Broken:
    @hookimpl
    def page_footers(self, actor):
        raise RuntimeError("footer service down")


class TestFooter:
    @pytest.fixture
    def helpline_plugins(self):
        return [("test.footer", Footer())]

    async def test_hook_page_footers(self, signin, agent, customer):
        staff_page = await (await signin(agent)).get("/tickets")
        customer_page = await (await signin(customer)).get("/portal")
        assert '<div id="test-footer">for &lt;staff&gt;</div>' in staff_page.text
        assert staff_page.text.index('id="test-footer"') > staff_page.text.index("</main>")
        assert "test-footer" not in customer_page.text

    async def test_htmx_fragments_carry_no_footers(self, signin, agent):
        fragment = await (await signin(agent)).get("/tickets", headers={"hx-request": "true"})
        assert "test-footer" not in fragment.text


class TestBrokenFooter:
    @pytest.fixture
    def helpline_plugins(self):
        return [("test.broken", Broken())]

    async def test_a_failing_footer_does_not_break_the_page(self, signin, agent):
        page = await (await signin(agent)).get("/tickets")
        assert page.status_code == 200
