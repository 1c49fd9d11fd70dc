"""Content-addressed files under `<data dir>/blobs/ab/cd/<sha256>`."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
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


def safe_filename(name: str) -> str:
    """A filename without directories, control characters or shell surprises."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _SAFE_NAME.sub("_", name).strip(" .")
    if not name:
        return "attachment"
    stem, dot, ext = name[:200].rpartition(".")
    return name[:200] if len(name) <= 200 else f"{stem[:190]}{dot}{ext[:9]}"


def check_size(size: int, limit: int, field: str = "attachments") -> None:
    if size > limit:
        raise Invalid(field, f"file of {size} bytes exceeds the limit of {limit} bytes")
