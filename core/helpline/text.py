"""Message bodies: plain text to safe HTML, and sanitizing HTML from outside (nh3)."""

from __future__ import annotations

import html
import re

import nh3

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "details", "div", "em", "h1", "h2", "h3", "h4",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
# `details`/`summary` let a channel fold quoted history and signatures without scripts.
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def sanitize_html(value: str) -> str:
    """Keep formatting, drop scripts, styles, event handlers and dangerous URLs."""
    return nh3.clean(
        value,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def text_to_html(value: str) -> str:
    """Escape plain text and keep its paragraphs and line breaks."""
    paragraphs = [p for p in value.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.strip("\n").split("\n")) + "</p>"
        for p in paragraphs
    )


_BREAKS = re.compile(r"<(?:br|hr)\b[^>]*>|</(?:p|div|li|tr|h[1-6]|blockquote|pre|table)>", re.I)
_CELLS = re.compile(r"</t[dh]>", re.I)


def html_to_text(value: str) -> str:
    """The readable text of an HTML body, for search and plain-text views."""
    # Whitespace after the tag, not instead of it: removing closing tags would reorder the tree.
    value = _CELLS.sub("\\g<0> ", _BREAKS.sub("\\g<0>\n", value))
    text = html.unescape(nh3.clean(value, tags=set()))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
