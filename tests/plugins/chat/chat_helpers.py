"""Helpers the chat tests share (a module of its own: test modules do not import conftest)."""

from __future__ import annotations

from typing import Any

#: The website the test widget is embedded in.
ORIGIN = "http://shop.example"


def ws_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://", 1) + path


def cookie_header(web: Any) -> str:
    return "; ".join(f"{name}={value}" for name, value in web.cookies.items())
