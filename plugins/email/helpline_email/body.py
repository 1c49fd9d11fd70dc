"""What an inbound mail shows in the conversation: safe HTML, quotes folded, remote images off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from helpline.text import html_to_text, sanitize_html, text_to_html
from helpline_email.quoting import split_html, split_text

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r'\bsrc="([^"]*)"', re.I)
_ALT = re.compile(r'\balt="([^"]*)"', re.I)
FOLD_LABEL = "Show quoted text"


@dataclass
class Body:
    text: str
    html: str
    remote_images: int = 0
    quoted: bool = False


def build(
    text: str, html: str, *, base_url: str, inline_ids: set[str], show_images: bool = False
) -> Body:
    """The message body: plain text for search and mail, HTML for the conversation.

    `base_url` is where this message's plugin routes live (`/p/email/inbound/<id>`): inline
    images (`cid:`) point there, and so does the link that shows blocked remote images.
    """
    if html.strip():
        new, quoted = split_html(html)
        new_html, quoted_html = sanitize_html(new), sanitize_html(quoted) if quoted else ""
        if not html_to_text(new_html).strip() and not _IMG.search(new_html):
            new_html, quoted_html = sanitize_html(html), ""  # all of it looked quoted: show it all
        plain = text if text.strip() else html_to_text(sanitize_html(html))
    else:
        new_text, quoted_text = split_text(text)
        new_html, quoted_html = (
            text_to_html(new_text),
            text_to_html(quoted_text) if quoted_text else "",
        )
        plain = text
    counter = {"remote": 0}
    new_html = _images(new_html, base_url, inline_ids, show_images, counter)
    quoted_html = _images(quoted_html, base_url, inline_ids, show_images, counter)
    out = new_html
    if quoted_html.strip():
        out += f"<details><summary>{FOLD_LABEL}</summary>{quoted_html}</details>"
    if counter["remote"] and not show_images:
        notice = (
            f'<p><a href="{base_url}/images">Remote images are blocked. Show '
            f"{counter['remote']} image{'s' if counter['remote'] != 1 else ''}.</a></p>"
        )
        out = notice + out
    return Body(
        text=plain.strip(), html=out, remote_images=counter["remote"], quoted=bool(quoted_html)
    )


def _images(
    html: str, base_url: str, inline_ids: set[str], show: bool, counter: dict[str, int]
) -> str:
    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        url = src.group(1) if src else ""
        if url.lower().startswith("cid:"):
            cid = url[4:].strip("<>")
            if cid not in inline_ids:
                return ""
            return tag.replace(src.group(0), f'src="{base_url}/cid/{quote(cid, safe="")}"')
        if url.lower().startswith(("http://", "https://", "//")):
            counter["remote"] += 1
            if show:
                return tag
            alt = _ALT.search(tag)
            label = alt.group(1) if alt and alt.group(1).strip() else "image"
            return f'<span title="Remote image blocked">[{label}]</span>'
        return tag if url.startswith("/") else ""

    return _IMG.sub(replace, html)
