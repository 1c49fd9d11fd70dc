"""Helpline web shell: the Litestar app, the REST API and what plugins contribute."""

from helpline_web.app import create_app

__all__ = ["create_app"]
