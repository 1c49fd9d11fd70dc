"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106)."""

from __future__ import annotations

import os
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

#: Test suites set HELPLINE_TEST_CHEAP_HASHING=1 (the helpline.testing plugin does): hashes stay
#: argon2id but cost microseconds. A real desk re-hashes such passwords on the next sign-in.
_hasher = (
    PasswordHasher.from_parameters(profiles.CHEAPEST)
    if os.environ.get("HELPLINE_TEST_CHEAP_HASHING") == "1"
    else PasswordHasher()
)


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so timing does not reveal which emails exist.

    Made on first use, not at import: every command (e.g. each `mail receive` an MTA runs) would
    otherwise pay for an argon2 hash it never needs.
    """
    return _hasher.hash("helpline-dummy-password")


MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        verified = _hasher.verify(password_hash or _dummy_hash(), password)
        return verified and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
