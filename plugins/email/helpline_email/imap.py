"""A small IMAP client over the stdlib `imaplib` (TLS or STARTTLS), run in a worker thread."""

from __future__ import annotations

import imaplib
import re
import ssl
from typing import Any

_UID = re.compile(rb"UID (\d+)")


class ImapError(Exception):
    """The server refused a command."""


def _context(verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapSession:
    """One logged-in connection with a folder selected."""

    def __init__(self, box: dict[str, Any], timeout: float) -> None:
        self.box = box
        host, port = box["imap_host"], int(box["imap_port"])
        security = box["imap_security"]
        if security == "tls":
            self.conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                host, port, ssl_context=_context(box["imap_verify"]), timeout=timeout
            )
        else:
            self.conn = imaplib.IMAP4(host, port, timeout=timeout)
            if security == "starttls":
                self.conn.starttls(ssl_context=_context(box["imap_verify"]))
        self.conn.login(box["imap_user"], box["imap_password"])
        # Servers announce more (e.g. MOVE) once logged in than in their greeting.
        status, data = self.conn.capability()
        self.capabilities = (
            set(data[0].upper().split()) if status == "OK" and data and data[0] else set()
        )
        self._check(self.conn.select(_quote(box["imap_folder"] or "INBOX")), "SELECT")

    def _check(self, response: tuple[str, list[Any]], what: str) -> list[Any]:
        status, data = response
        if status != "OK":
            raise ImapError(f"{what} failed: {data!r}")
        return data

    def pending(self) -> list[bytes]:
        """UIDs still to fetch: unseen ones (seen mode) or everything left in the folder."""
        criteria = "UNSEEN" if self.box["imap_after"] == "seen" else "UNDELETED"
        data = self._check(self.conn.uid("SEARCH", None, criteria), "SEARCH")
        return data[0].split() if data and data[0] else []

    def fetch(self, uid: bytes) -> bytes | None:
        data = self._check(self.conn.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return item[1]
        return None

    def done(self, uid: bytes) -> None:
        """What happens once a message is stored: flag it seen, move it, or delete it."""
        after = self.box["imap_after"]
        if after == "seen":
            self._check(self.conn.uid("STORE", uid, "+FLAGS", "(\\Seen)"), "STORE")
            return
        if after == "move":
            target = _quote(self.box["imap_move_to"])
            if b"MOVE" in b" ".join(
                c.encode() if isinstance(c, str) else c for c in self.conn.capabilities
            ):
                self._check(self.conn.uid("MOVE", uid, target), "MOVE")
                return
            self._check(self.conn.uid("COPY", uid, target), "COPY")
        self._check(self.conn.uid("STORE", uid, "+FLAGS", "(\\Deleted)"), "STORE")
        self.conn.expunge()

    def close(self) -> None:
        try:
            self.conn.logout()
        except Exception:  # the connection may already be gone
            try:
                self.conn.shutdown()
            except Exception:
                pass


def check_login(box: dict[str, Any], timeout: float = 10.0) -> str:
    """Log in and select the folder; a short description of what is there."""
    session = ImapSession(box, timeout)
    try:
        count = len(session.pending())
    finally:
        session.close()
    plural = "s" if count != 1 else ""
    where = f"{box['imap_host']}:{box['imap_port']}"
    return f"{where} logged in; {count} message{plural} to fetch in {box['imap_folder']}"
