"""Settings: a msgspec Struct read from `<data dir>/helpline.toml`, then `HELPLINE_*` variables."""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

import msgspec

from helpline.errors import SettingsError

ENV_PREFIX = "HELPLINE_"
#: Keys whose environment value is a comma-separated list.
_LIST_KEYS = {"plugins", "disable_plugins"}


class Settings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    data_dir: str
    #: `sqlite:///path` or `postgres://user:pass@host:port/db`; empty: a SQLite file in data_dir.
    database_url: str = ""
    #: Signs sessions, reset links and outbound Message-IDs; generated into data_dir when empty.
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    #: Allow list of plugin names to load (None: every installed plugin).
    plugins: list[str] | None = None
    disable_plugins: list[str] = []
    attachment_max_bytes: int = 25 * 1024 * 1024
    #: Whether `serve` runs a job worker in-process.
    worker: bool = True
    worker_poll_seconds: float = 1.0
    smtp_url: str = ""
    #: Settings of each plugin, keyed by plugin name ([plugin.<name>] tables in helpline.toml).
    plugin: dict[str, dict[str, Any]] = {}

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_path / 'helpline.sqlite3'}"

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def is_postgres(self) -> bool:
        return self.database.startswith(("postgres://", "postgresql://"))

    @property
    def blob_dir(self) -> Path:
        return self.data_path / "blobs"


def load_settings(data_dir: str | Path | None = None, **overrides: Any) -> Settings:
    """Read settings for a data dir: file, then environment, then explicit overrides."""
    data_dir = Path(data_dir or os.environ.get("HELPLINE_DATA_DIR") or "./data").resolve()
    raw: dict[str, Any] = {}
    conf = data_dir / "helpline.toml"
    if conf.exists():
        try:
            raw.update(tomllib.loads(conf.read_text()))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{conf}: {exc}") from exc
    fields = set(Settings.__struct_fields__)
    for name, value in os.environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name[len(ENV_PREFIX) :].lower()
        if key in fields and key != "data_dir":
            raw[key] = (
                [v.strip() for v in value.split(",") if v.strip()] if key in _LIST_KEYS else value
            )
    raw.update(overrides)
    raw["data_dir"] = str(data_dir)
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise SettingsError(f"invalid setting: {exc}") from exc
    if not settings.database.startswith(("sqlite:///", "postgres://", "postgresql://")):
        raise SettingsError(
            "database_url: must start with sqlite:///, postgres:// or postgresql://"
        )
    if not settings.secret_key:
        settings.secret_key = _stored_secret(data_dir)
    return settings


def _stored_secret(data_dir: Path) -> str:
    """Keep one random secret per data dir so sessions and links survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
