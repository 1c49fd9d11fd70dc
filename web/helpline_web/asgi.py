"""ASGI entry point for process managers: `uvicorn helpline_web.asgi:app` (reads HELPLINE_* env)."""

from helpline.runtime import Helpline
from helpline.settings import load_settings
from helpline_web.app import create_app

app = create_app(Helpline(load_settings()))
