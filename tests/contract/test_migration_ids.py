"""Piccolo records migrations by ID: two apps shipping the same ID would skip one of them."""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path

from helpline.plugins import piccolo_app_modules


def test_every_migration_id_is_unique_across_the_core_and_all_plugins():
    ids: list[str] = []
    for module in piccolo_app_modules():
        folder = Path(importlib.import_module(module).APP_CONFIG.migrations_folder_path)
        for path in sorted(folder.glob("*.py")):
            if path.name == "__init__.py":
                continue
            migration = importlib.import_module(
                f"{module.rsplit('.', 1)[0]}.piccolo_migrations.{path.stem}"
            )
            ids.append(migration.ID)
    repeated = [migration_id for migration_id, count in Counter(ids).items() if count > 1]
    assert ids and not repeated, f"migration IDs used twice: {repeated}"
