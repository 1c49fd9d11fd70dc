"""Article Markdown → safe HTML (markdown-it-py, then an nh3 allow-list), and plain text."""

from __future__ import annotations

import html
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "kbd", "li", "mark",
    "ol", "p", "pre", "s", "section", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "li": {"id"},
    "input": {"checked", "disabled"},
    "code": {"class"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
    "sup": {"class", "id"}, "section": {"class"},
}  # fmt: skip
#: No javascript:, data: or vbscript: URLs; relative links stay allowed.
URL_SCHEMES = {"http", "https", "mailto", "tel"}
#: Dropped with everything inside them, not only their tags.
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}

_md = (
    MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    .enable(["table", "strikethrough"])
    .use(footnote_plugin)
    .use(deflist_plugin)
    .use(tasklists_plugin)
)
_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def sanitize(fragment: str) -> str:
    """An HTML fragment reduced to the allow-list: no scripts, styles, handlers or odd URLs."""
    return nh3.clean(
        fragment,
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        # Task-list boxes only: no text inputs that could pose as a login form.
        tag_attribute_values={"input": {"type": {"checkbox"}}},
        set_tag_attribute_values={"input": {"disabled": "disabled"}},
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    )


def to_html(markdown: str) -> str:
    """Markdown (raw HTML allowed in it, then sanitized) as safe HTML."""
    return sanitize(_md.render(markdown or ""))


def to_text(markdown: str) -> str:
    """The words of an article for indexing and snippets: no markup, one line."""
    text = html.unescape(nh3.clean(to_html(markdown), tags=set()))
    return _SPACES.sub(" ", text).strip()


def slugify(value: str, fallback: str = "article", max_length: int = 80) -> str:
    """`Can't log in?` → `cant-log-in`: ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = _SLUG_DROP.sub("-", ascii_text.lower().replace("'", "")).strip("-")
    return slug[:max_length].rstrip("-") or fallback


def excerpt(text: str, length: int = 160) -> str:
    """The first `length` characters of plain text, cut at a word: meta descriptions, lists."""
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"
