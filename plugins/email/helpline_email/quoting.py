"""Finding where quoted history and signatures start, in plain-text and HTML replies."""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(
    r"^\s*("
    r"On\b.{0,300}\bwrote:?"  # Gmail, Apple Mail, Thunderbird (English)
    r"|Am\b.{0,300}\bschrieb\b.{0,200}:"  # German
    r"|Le\b.{0,300}\ba écrit\s*:"  # French
    r"|El\b.{0,300}\bescribió\s*:"  # Spanish
    r"|Op\b.{0,300}\bschreef\b.{0,200}:"  # Dutch
    r"|Il\b.{0,300}\bha scritto\s*:"  # Italian
    r"|Em\b.{0,300}\bescreveu\s*:"  # Portuguese
    r")\s*$",
    re.I,
)
_SEPARATORS = re.compile(
    r"^\s*(-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original"
    r"|Oorspronkelijk bericht|Forwarded message)\s*-{2,}|_{20,})\s*$",
    re.I,
)
_OUTLOOK_HEADER = re.compile(r"^\s*\*?(From|Von|De|Van|Da)\s*:\*?\s", re.I)
_OUTLOOK_FIELDS = re.compile(
    r"^\s*\*?(Sent|Date|Gesendet|Datum|Envoyé|Enviado|To|An|À|Subject|Betreff|Objet)\s*:", re.I
)
_SIGNATURE = re.compile(
    r"^(-- ?|Sent from my \w+.*|Von meinem \w+ gesendet.*|Envoyé de mon \w+.*"
    r"|Get Outlook for \w+.*)$",
    re.I,
)


def split_text(text: str) -> tuple[str, str]:
    """(what the sender wrote, the quoted history and signature after it) of a plain-text body."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = _text_cut(lines)
    if cut is None or not "\n".join(lines[:cut]).strip():
        return text.strip("\n"), ""
    return "\n".join(lines[:cut]).rstrip(), "\n".join(lines[cut:]).strip("\n")


def _text_cut(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if _SEPARATORS.match(line) or _SIGNATURE.match(line):
            return i
        joined = line if i + 1 >= len(lines) else f"{line} {lines[i + 1]}"
        if line.strip() and (
            _ATTRIBUTION.match(line)
            or (
                line.lstrip().lower().startswith(("on ", "am ", "le "))
                and _ATTRIBUTION.match(joined)
            )
        ):
            return i
        if (
            _OUTLOOK_HEADER.match(line)
            and sum(bool(_OUTLOOK_FIELDS.match(n)) for n in lines[i + 1 : i + 5]) >= 2
        ):
            return i
        if line.startswith(">") and all(
            not rest.strip() or rest.startswith(">") for rest in lines[i:]
        ):
            return i
    return None


#: Where quoted history or a signature starts in the HTML of common mail clients.
_HTML_MARKERS = [
    re.compile(p, re.I)
    for p in (
        r"<div[^>]*\bclass=[\"'][^\"']*\bgmail_signature\b",
        r"<div[^>]*\bdata-smartmail=[\"']gmail_signature",
        r"<div[^>]*\bclass=[\"'][^\"']*\bgmail_quote\b",  # also gmail_quote_container
        r"<div[^>]*\bclass=[\"'][^\"']*\bmoz-cite-prefix\b",  # Thunderbird
        r"<div[^>]*\bclass=[\"'][^\"']*\bmoz-signature\b",
        r"<div[^>]*\bid=[\"']divRplyFwdMsg\b",  # Outlook
        r"<div[^>]*\bid=[\"']appendonsend\b",  # Outlook on the web / new Outlook
        r"<hr[^>]*\bid=[\"']stopSpelling\b",
        r"<div[^>]*\bstyle=[\"'][^\"']*border-top:\s*solid\s+#(E1E1E1|B5C4DF)",  # Outlook desktop
        r"<blockquote[^>]*\btype=[\"']?cite\b",  # Apple Mail, Thunderbird
        r"<div[^>]*\bclass=[\"'][^\"']*\byahoo_quoted\b",
        r"<div[^>]*\bid=[\"']?(AppleMailSignature|Signature)\b",
        r"-{3,}\s*Original Message\s*-{3,}",
    )
]


def split_html(html: str) -> tuple[str, str]:
    """(new content, quoted history and signature) of an HTML body, split at the first marker.

    Both halves may have unbalanced tags; the sanitizer that parses each one closes them.
    """
    body_start = 0
    opened = re.search(r"<body\b[^>]*>", html, re.I)
    if opened:
        body_start = opened.end()
    cuts = [m.start() for p in _HTML_MARKERS if (m := p.search(html, body_start))]
    if not cuts:
        return html, ""
    cut = min(cuts)
    # An attribution line ("On … wrote:") just before an Apple Mail blockquote belongs to it.
    before = html[:cut]
    attribution = re.search(
        r"(<div[^>]*>|<p[^>]*>|<br\s*/?>)(?:(?!<div|<p|<br).){0,400}?\bwrote:\s*(<br\s*/?>)?\s*(</div>|</p>)?\s*$",
        before,
        re.I | re.S,
    )
    if attribution:
        cut = attribution.start()
    return html[:cut], html[cut:]
