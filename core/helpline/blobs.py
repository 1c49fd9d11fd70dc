"""Content-addressed files under `<data dir>/blobs/ab/cd/<sha256>`."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from helpline.errors import Invalid

_SAFE_NAME = re.compile(r"[^\w.\- ()\[\]]+", re.UNICODE)


def blob_path(blob_dir: Path, sha256: str) -> Path:
    return blob_dir / sha256[:2] / sha256[2:4] / sha256


def store_blob(blob_dir: Path, data: bytes) -> str:
    """Write bytes once (atomically) and return their sha256."""
    digest = hashlib.sha256(data).hexdigest()
    path = blob_path(blob_dir, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    return digest


def read_blob(blob_dir: Path, sha256: str) -> bytes:
    return blob_path(blob_dir, sha256).read_bytes()


def safe_filename(name: str, max_length: int = 200) -> str:
    """A filename without directories, control characters or shell surprises."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    # Control and format characters (NUL, newlines, bidi overrides) are invisible: drop them.
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = _SAFE_NAME.sub("_", name).strip(" .")
    if not name:
        return "attachment"
    if len(name) <= max_length:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 16:
        return name[:max_length]
    return f"{stem[: max_length - len(ext) - 1]}.{ext}"


def check_size(size: int, limit: int, field: str = "attachments") -> None:
    if size > limit:
        raise Invalid(field, f"file of {size} bytes exceeds the limit of {limit} bytes")
