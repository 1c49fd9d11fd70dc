"""Turning what mail claims to be text into text: charsets, aliases, guessing, header cleanup."""

from __future__ import annotations

import codecs
import re

#: Names seen in real mail that Python does not know, or knows by a narrower codec.
_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-windows-949": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cn-gb": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "x-mac-cyrillic": "mac_cyrillic",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    # What browsers do: Latin-1 labels mean Windows-1252.
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
}
#: Labels that say nothing about the bytes.
_UNKNOWN = {"", "unknown", "unknown-8bit", "x-unknown", "x-user-defined", "default", "8bit"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def codec_for(charset: str | None) -> str | None:
    """A Python codec for a MIME charset label, or None when it is unknown or meaningless."""
    label = (charset or "").strip().strip('"').lower()
    if label in _UNKNOWN:
        return None
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode text whatever its label says: the declared charset, UTF-8, a guess, then 1252."""
    codec = codec_for(charset)
    if codec == "ascii":
        codec = None  # 8-bit bytes labelled us-ascii are nearly always UTF-8 or Windows-1252
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guessed = _guess(data)
    if guessed is not None:
        return guessed
    if codec is not None:
        return data.decode(codec, errors="replace")
    return data.decode("cp1252", errors="replace")


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is None or best.encoding is None:
        return None
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def clean_text(value: str) -> str:
    """Text safe to store: undecodable bytes recovered or replaced, no NULs or surrogates."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        # Raw 8-bit bytes the email package kept as surrogate escapes (RFC 6532 UTF-8 headers,
        # or a sender that never encoded them).
        value = decode_bytes(value.encode("utf-8", "surrogateescape"))
    value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\x00", "")


def clean_header(value: object) -> str:
    """A header as one line of clean text."""
    text = clean_text(str(value or ""))
    return " ".join(_CONTROL.sub(" ", text).split())
