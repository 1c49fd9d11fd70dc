"""Phone tests: the webhook's shared secret is set, numbers default to the US."""

from __future__ import annotations

import pytest
from phone_helpers import SECRET, started


@pytest.fixture
def helpline_settings_overrides():
    return {
        "plugin": {
            "phone": {
                "webhook_secret": SECRET,
                "default_region": "US",
                "extensions": {"101": "desk101@example.com"},
            }
        },
    }


@pytest.fixture
async def running(app):
    """The app with its lifespan started (live popups need its channels)."""
    async with started(app):
        yield app
