"""`[plugin.automation]` settings: business hours and timezone are checked at start."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest

from helpline_automation.settings import AutomationSettings, within_business_hours


async def test_bad_business_hours_are_refused_naming_the_span():
    with pytest.raises(msgspec.ValidationError, match="mon-fri 9-5"):
        msgspec.convert({"business_hours": ["mon-fri 9-5"]}, AutomationSettings)
    with pytest.raises(msgspec.ValidationError, match="timezone"):
        msgspec.convert({"timezone": "Mars/Olympus"}, AutomationSettings)


async def test_business_hours_follow_the_configured_timezone_and_days():
    berlin = AutomationSettings(
        business_hours=["mon-fri 09:00-17:00", "sat 10:00-12:00"], timezone="Europe/Berlin"
    )
    assert within_business_hours(berlin, datetime(2025, 1, 6, 8, 30, tzinfo=UTC))  # 09:30 local
    assert not within_business_hours(berlin, datetime(2025, 1, 6, 16, 30, tzinfo=UTC))  # 17:30
    assert within_business_hours(berlin, datetime(2025, 1, 11, 9, 30, tzinfo=UTC))  # Saturday
    assert not within_business_hours(berlin, datetime(2025, 1, 12, 9, 30, tzinfo=UTC))  # Sunday
