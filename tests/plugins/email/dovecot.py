"""A throwaway Dovecot IMAP server for the tests: non-root, on free ports of 127.0.0.1."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

SYSTEM_USER = "helpline-mail"
PASSWORD = "imap-password"


def find_dovecot() -> str | None:
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot",) if os.path.exists(p)), None
    )


def _ensure_user() -> tuple[str, int, int]:
    if os.geteuid() != 0:
        return pwd.getpwuid(os.getuid()).pw_name, os.getuid(), os.getgid()
    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SYSTEM_USER,
            ],
            check=True,
        )
        entry = pwd.getpwnam(SYSTEM_USER)
    return SYSTEM_USER, entry.pw_uid, entry.pw_gid


class Dovecot:
    def __init__(self, binary: str, imap_port: int, imaps_port: int, users: list[str]) -> None:
        self.binary = binary
        self.imap_port = imap_port
        self.imaps_port = imaps_port
        self.users = users
        self.dir = Path(tempfile.mkdtemp(prefix="helpline-dovecot-"))
        self.process: subprocess.Popen | None = None

    def start(self) -> Dovecot:
        user, uid, gid = _ensure_user()
        group = grp.getgrgid(gid).gr_name
        d = self.dir
        for sub in ("run", "state", "home"):
            (d / sub).mkdir()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1",
             "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")],
            check=True, capture_output=True,
        )  # fmt: skip
        (d / "passwd").write_text("".join(f"{u}:{{PLAIN}}{PASSWORD}\n" for u in self.users))
        (d / "dovecot.conf").write_text(
            f"""
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  chroot =
  user = {user}
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {user}
}}
service auth-worker {{
  user = {user}
}}
"""
        )
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", f"{uid}:{gid}", str(d)], check=True)
            os.chmod(d, 0o755)
        command = [self.binary, "-F", "-c", str(d / "dovecot.conf")]
        if os.geteuid() == 0:
            command = ["runuser", "-u", user, "--", *command]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        import socket

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"dovecot exited: {self.process.stdout.read().decode()} {self.log()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.imap_port), timeout=0.5) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
