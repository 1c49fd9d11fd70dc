"""A customer in the portal: signs up, sends a request, follows it, and sees nobody else's."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

pytestmark = pytest.mark.sqlite_only


async def test_a_new_customer_signs_up_sends_a_request_and_sees_it_listed(
    live_server, open_page, factory
):
    page = await open_page(None)
    await page.goto(f"{live_server}/login")
    await page.get_by_role("link", name="New here? Create an account").click()
    await page.get_by_label("Your name").fill("Grace Hopper")
    await page.get_by_label("Email").fill("grace@example.com")
    # The password label also holds its hint ("At least … characters"): find the inputs by name.
    await page.locator("input[name=password]").fill("a-long-enough-secret")
    await page.locator("input[name=confirm]").fill("a-long-enough-secret")
    await page.get_by_role("button", name="Create account").click()
    await expect(page.get_by_text("Welcome, Grace Hopper! Your account is ready.")).to_be_visible()
    await expect(page.get_by_text("You have no requests yet.")).to_be_visible()

    await page.get_by_role("link", name="Send a request").click()
    await page.get_by_label("Subject").fill("Invoice shows the wrong address")
    await page.get_by_label("Description").fill("The March invoice still has our old street.")
    await page.get_by_role("button", name="Send request").click()

    await expect(page).to_have_url(re.compile(r"/portal/requests/\d+$"))
    await expect(page.get_by_text(re.compile(r"We received your request #\d+\."))).to_be_visible()
    await expect(
        page.get_by_role("heading", name="Invoice shows the wrong address")
    ).to_be_visible()
    await expect(page.get_by_text("The March invoice still has our old street.")).to_be_visible()
    await expect(page.get_by_text("Awaiting our reply").first).to_be_visible()

    await page.get_by_role("link", name="Your requests").click()
    await expect(page.get_by_role("heading", name="Your requests")).to_be_visible()
    row = page.get_by_role("link", name=re.compile("Invoice shows the wrong address"))
    await expect(row).to_be_visible()
    await expect(row).to_contain_text("Awaiting our reply")


async def test_a_customer_who_edits_the_url_gets_not_found_for_another_customers_request(
    live_server, open_page, factory, customer
):
    theirs = await factory.ticket(subject="Salary export for ACME payroll")
    mine = await factory.ticket(requester=customer, subject="My password reset mail never came")
    page = await open_page(customer)

    await page.goto(f"{live_server}/portal/requests/{mine.number}")
    await expect(
        page.get_by_role("heading", name="My password reset mail never came")
    ).to_be_visible()

    response = await page.goto(f"{live_server}/portal/requests/{theirs.number}")
    assert response.status == 404
    await expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    await expect(page.get_by_text("There is nothing here, or you may not see it.")).to_be_visible()
    await expect(page.get_by_text("Salary export for ACME payroll")).to_have_count(0)

    await page.goto(f"{live_server}/portal")
    await expect(page.get_by_text("My password reset mail never came")).to_be_visible()
    await expect(page.get_by_text("Salary export for ACME payroll")).to_have_count(0)
