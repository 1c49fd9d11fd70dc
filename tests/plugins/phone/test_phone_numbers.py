"""Numbers become E.164 with the configured default region, and find their customer."""

from __future__ import annotations

import pytest

from helpline.errors import Invalid
from helpline_phone import numbers


@pytest.mark.parametrize(
    ("written", "region", "e164"),
    [
        ("(202) 555-0143", "US", "+12025550143"),
        ("202.555.0143", "US", "+12025550143"),
        ("+1 202 555 0143", "GB", "+12025550143"),
        ("020 7946 0018", "GB", "+442079460018"),
        ("00 44 20 7946 0018", "DE", "+442079460018"),
        ("030 901820", "de", "+4930901820"),
    ],
)
def test_numbers_are_normalised_to_e164(written, region, e164):
    assert numbers.normalize(written, region) == e164


@pytest.mark.parametrize("written", ["", "12", "call me maybe", "+1 202 555", "9" * 41])
def test_what_is_not_a_phone_number_is_invalid_naming_the_field(written):
    with pytest.raises(Invalid) as caught:
        numbers.normalize(written, "US")
    assert caught.value.field == "number"


def test_numbers_are_shown_the_international_way():
    assert numbers.display("+442079460018") == "+44 20 7946 0018"


async def test_a_remembered_number_finds_its_customer_however_it_is_written(helpline, customer):
    await numbers.remember(helpline, customer.id, numbers.normalize("(202) 555-0143"))
    match = await numbers.user_for_number(numbers.normalize("+1 202.555.0143"))
    assert match["id"] == customer.id
    assert await numbers.user_for_number("+12025550144") is None


async def test_a_number_belongs_to_one_customer_only(helpline, factory):
    first, second = await factory.user("customer"), await factory.user("customer")
    assert await numbers.remember(helpline, first.id, "+12025550143")
    assert not await numbers.remember(helpline, second.id, "+12025550143")
    assert (await numbers.user_for_number("+12025550143"))["id"] == first.id
