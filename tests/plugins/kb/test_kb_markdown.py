"""Article Markdown is rendered, then sanitized: hostile input never runs in a reader's browser."""

from __future__ import annotations

import pytest

from helpline_kb.render import slugify, to_html, to_text

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<form action="https://evil.example"><input name="password"></form>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<p onmouseover="alert(1)">hover</p>',
    "<details open ontoggle=alert(1)>x</details>",
    "![x](javascript:alert(1))",
    '<base href="https://evil.example/">',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markup_loses_scripts_handlers_and_dangerous_urls(source):
    html = to_html(f"Before\n\n{source}\n\nAfter").lower()
    for bad in (
        "<script",
        '="javascript:',
        '="vbscript:',
        '="data:',
        "onerror",
        "onload",
        "onmouseover",
        "ontoggle",
        "<iframe",
        "<style",
        "style=",
        "<svg",
        "<form",
        "<object",
        "<embed",
        "<meta",
        "<base",
    ):
        assert bad not in html, (source, html)
    assert "before" in html and "after" in html


def test_scripts_and_styles_are_dropped_with_their_content():
    html = to_html("<script>steal()</script><style>.x{}</style>text")
    assert "steal" not in html and ".x{}" not in html and "text" in html


def test_markdown_features_survive_sanitizing():
    html = to_html(
        "# Title\n\nSome **bold** and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "- [x] done\n\n[docs](https://example.com/docs) ![shot](/help/files/1/shot.png)\n"
    )
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html
    assert "<table>" in html and "<td>1</td>" in html
    assert 'type="checkbox"' in html
    assert '<a href="https://example.com/docs" rel="noopener nofollow">docs</a>' in html
    assert '<img src="/help/files/1/shot.png" alt="shot">' in html


def test_text_for_search_has_no_markup():
    assert to_text("# Hello **world**\n\n<b>bold</b> & more") == "Hello world bold & more"


def test_slugs_are_clean_ascii():
    assert slugify("Can't log in? Über-wichtig!") == "cant-log-in-uber-wichtig"
    assert slugify("!!!") == "article"


async def test_hostile_article_renders_safely_on_the_public_page(kb, client):
    article = await kb.article(
        "Hostile", body="Hi <script>alert('x')</script> <img src=x onerror=alert(1)>"
    )
    page = (await client.get(article.path)).text
    assert "alert('x')" not in page and "onerror" not in page


async def test_search_snippets_escape_what_authors_wrote(kb, client):
    await kb.article("Escaping", body="Use the `<b>` tag &lt;script&gt; words escaping")
    page = (await client.get("/help/en/search?q=escaping")).text
    assert "<b>" not in page.split('id="kb-results"')[1]
    assert "<mark>" in page
