"""Server-rendered pages: agent workspace, customer portal, admin.

Each module of this package that defines `ROUTES` (a list of Litestar handlers or controllers)
contributes them; `create_app` mounts them all.
"""

from __future__ import annotations

import importlib
import pkgutil


def _collect() -> list:
    routes: list = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        routes.extend(getattr(module, "ROUTES", []))
    return routes


PAGE_ROUTES: list = _collect()
