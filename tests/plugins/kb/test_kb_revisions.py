"""Every change is a revision: a diff shows what changed, and an old text can be restored."""

from __future__ import annotations

import pytest

from helpline.errors import Conflict
from helpline_kb import articles, revisions


async def test_each_save_adds_a_revision_and_the_diff_shows_the_change(kb, helpline, signin):
    article = await kb.article("Printer setup", body="Plug it in.\n\nPress the green button.")
    await articles.update_article(
        helpline,
        kb.manager,
        article.id,
        version=article.version,
        body="Plug it in.\n\nPress the blue button.",
        note="button colour",
    )
    listed = await revisions.list_revisions(helpline, kb.manager, article.id)
    assert [r.number for r in listed] == [2, 1]
    assert listed[0].note == "button colour"
    lines = revisions.diff(listed[1], listed[0])
    assert ("removed", "Press the green button.") in [(x.kind, x.text) for x in lines]
    assert ("added", "Press the blue button.") in [(x.kind, x.text) for x in lines]
    web = await signin(kb.manager)
    page = (await web.get(f"/p/kb/articles/{article.id}/revisions/2")).text
    assert "Press the blue button." in page and 'class="removed"' in page


async def test_restoring_a_revision_brings_back_its_text_as_a_new_revision(kb, helpline, signin):
    article = await kb.article("Printer setup", body="Original steps.")
    await articles.update_article(
        helpline, kb.manager, article.id, version=article.version, body="Vandalised."
    )
    web = await signin(kb.manager)
    response = await web.post(f"/p/kb/articles/{article.id}/revisions/1/restore")
    assert response.status_code == 303
    restored = await articles.get_article(helpline, kb.manager, article.id)
    assert restored.body == "Original steps."
    assert "Original steps." in restored.body_html
    listed = await revisions.list_revisions(helpline, kb.manager, article.id)
    assert listed[0].number == 3 and listed[0].note == "Restored revision 1"


async def test_saving_over_someone_elses_change_is_a_conflict(kb, helpline):
    article = await kb.article("Printer setup")
    await articles.update_article(helpline, kb.manager, article.id, version=1, title="Printers")
    with pytest.raises(Conflict):
        await articles.update_article(helpline, kb.manager, article.id, version=1, title="Old")


async def test_a_stale_editor_form_keeps_the_text_and_says_so(kb, helpline, signin):
    article = await kb.article("Printer setup")
    await articles.update_article(helpline, kb.manager, article.id, version=1, title="Printers")
    web = await signin(kb.manager)
    response = await web.post(
        f"/p/kb/articles/{article.id}/edit",
        data={"version": "1", "title": "Mine", "body": "My careful text", "language": "en"},
    )
    assert response.status_code == 409
    assert "My careful text" in response.text and "Someone else changed" in response.text


async def test_editor_form_shows_errors_next_to_fields_and_keeps_input(kb, signin):
    web = await signin(kb.manager)
    response = await web.post(
        "/p/kb/articles/new", data={"title": "", "body": "Keep me", "language": "en"}
    )
    assert response.status_code == 400
    assert "Keep me" in response.text and "needs a title" in response.text
