"""The guide's way to the public: editor drafts → submits → commune moderator approves → live in vi
and en, announced as ``village.guide.published``. All through the Wagtail admin."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, TaskState, WorkflowState

from core.models import Event
from village.models import CommuneWorkspace, GuidePage

from .page_forms import NEW_GUIDE, add_guide_url, assert_refused, guide_form_data

GUIDE_TEMPLATE = Path(settings.BASE_DIR) / "themes" / "templates" / "village" / "guide_page.html"


def submit_new_guide(client, editor, guide_index) -> GuidePage:
    """Editor creates a chapter in the admin and presses "Submit for moderation"."""
    client.force_login(editor)
    response = client.post(add_guide_url(guide_index), guide_form_data(action="submit"))
    assert response.status_code == 302
    return GuidePage.objects.get(slug=NEW_GUIDE["slug"], locale=guide_index.locale)


def workflow_action(client, user, page, action: str):
    client.force_login(user)
    task_state = Page.objects.get(pk=page.pk).current_workflow_task_state
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]), {"comment": ""}
    )


def moderation_state(page) -> dict:
    page = Page.objects.get(pk=page.pk)
    workflow_state = page.current_workflow_state
    return {
        "live": page.live,
        "workflow_status": workflow_state.status if workflow_state else None,
        "task_status": workflow_state.current_task_state.status if workflow_state else None,
        "revisions": page.revisions.count(),
    }


def served_page(url: str) -> Page | None:
    """The page Wagtail's front end would serve at ``url`` (``/vi/...``), without rendering it."""
    language, _slash, path = url.lstrip("/").partition("/")
    with translation.override(language):
        return Page.find_for_request(RequestFactory().get(url), path)


def test_editor_submits_a_new_chapter_into_the_commune_workflow(client, site_tree, editor_a):
    # given commune A's guide index and its workspace
    guides = site_tree["a"]["guides"]
    workspace = CommuneWorkspace.objects.get(translation_key=site_tree["a"]["commune"].translation_key)
    # when editor A creates a chapter and submits it for moderation
    page = submit_new_guide(client, editor_a, guides)
    # then it waits for A's moderators in A's workflow, and is not live
    assert page.get_parent().pk == guides.pk
    assert page.live is False
    workflow_state = page.current_workflow_state
    assert workflow_state.workflow_id == workspace.workflow_id
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert workflow_state.requested_by == editor_a
    task_state = workflow_state.current_task_state
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    assert list(task_state.task.specific.groups.all()) == [workspace.moderators]
    assert not Event.objects.named("village.guide.published").for_subject(page).exists()


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "moderator_b"])
def test_only_the_commune_moderators_may_approve(client, site_tree, editor_a, request, who):
    # given a chapter of commune A waiting for moderation
    page = submit_new_guide(client, editor_a, site_tree["a"]["guides"])
    before = moderation_state(page)
    # when the submitting editor or a member of commune B tries to approve it
    response = workflow_action(client, request.getfixturevalue(who), page, "approve")
    # then they are refused and the chapter still waits, unpublished
    assert_refused(response)
    assert moderation_state(page) == before
    assert before["live"] is False
    assert before["task_status"] == TaskState.STATUS_IN_PROGRESS


def test_commune_moderator_approves_and_the_chapter_goes_live(client, site_tree, editor_a, moderator_a):
    # given a chapter of commune A waiting for moderation
    page = submit_new_guide(client, editor_a, site_tree["a"]["guides"])
    workflow_state = page.current_workflow_state
    # when moderator A approves it
    response = workflow_action(client, moderator_a, page, "approve")
    # then it is live and the workflow is finished
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    page.refresh_from_db()
    assert page.live is True
    assert page.title == NEW_GUIDE["title"]
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    # and the publication is announced with the moderator as the actor, in commune A
    event = Event.objects.named("village.guide.published").for_subject(page).get()
    assert event.actor == moderator_a
    assert event.commune_id == site_tree["a"]["commune"].pk
    assert event.payload["locale"] == "vi"
    assert event.payload["title"] == NEW_GUIDE["title"]


def test_approved_chapter_is_translated_to_english_and_published(client, site_tree, editor_a, moderator_a):
    # given an approved, live chapter of commune A
    page = submit_new_guide(client, editor_a, site_tree["a"]["guides"])
    workflow_action(client, moderator_a, page, "approve")
    english = site_tree["en"]
    # when editor A creates the English translation, writes it and submits it; moderator A approves
    client.force_login(editor_a)
    created = client.post(
        reverse("simple_translation:submit_page_translation", args=[page.pk]), {"locales": [english.pk]}
    )
    english_page = GuidePage.objects.get(translation_key=page.translation_key, locale=english)
    assert created.status_code == 302
    assert created["Location"] == reverse("wagtailadmin_pages:edit", args=[english_page.pk])
    assert english_page.live is False
    submitted = client.post(
        reverse("wagtailadmin_pages:edit", args=[english_page.pk]),
        guide_form_data(
            english_page,
            title="Pay with a QR code",
            summary="Scan the VietQR code to transfer money.",
            body="<p>Open your bank app and choose Scan.</p>",
            action="submit",
        ),
    )
    assert submitted.status_code == 302
    approved = workflow_action(client, moderator_a, english_page, "approve")
    # then both languages are live, each at its own address under /vi/ and /en/
    assert approved.status_code == 302
    page.refresh_from_db()
    english_page.refresh_from_db()
    assert english_page.live is True
    assert english_page.title == "Pay with a QR code"
    assert english_page.get_parent().pk == site_tree["a"]["guides"].get_translation(english).pk
    vi_url, en_url = page.url, english_page.url
    assert vi_url == f"/vi/lao-cai/ta-van/huong-dan/{NEW_GUIDE['slug']}/"
    assert en_url == f"/en/lao-cai/ta-van/guide/{NEW_GUIDE['slug']}/"
    assert served_page(vi_url).pk == page.pk
    assert served_page(en_url).pk == english_page.pk
    # and the English publication is announced too
    event = Event.objects.named("village.guide.published").for_subject(english_page).get()
    assert event.actor == moderator_a
    assert event.payload["locale"] == "en"
    assert event.commune_id == site_tree["a"]["commune"].get_translation(english).pk


@pytest.mark.skipif(
    not GUIDE_TEMPLATE.exists(), reason="themes/templates/village/guide_page.html not written yet"
)
def test_both_languages_of_a_published_chapter_are_served(client, site_tree):
    # given the chapter of commune A, published in Vietnamese and English
    guide = site_tree["a"]["guide"]
    english = guide.get_translation(site_tree["en"])
    # when a visitor opens both addresses
    vi_response, en_response = client.get(guide.url), client.get(english.url)
    # then both pages are served with their own title
    assert vi_response.status_code == 200
    assert en_response.status_code == 200
    assert guide.title in vi_response.content.decode()
    assert english.title in en_response.content.decode()


def test_moderator_rejects_and_the_chapter_goes_back_unpublished(client, site_tree, editor_a, moderator_a):
    # given a chapter of commune A waiting for moderation
    page = submit_new_guide(client, editor_a, site_tree["a"]["guides"])
    workflow_state = page.current_workflow_state
    task_state = workflow_state.current_task_state
    # when moderator A rejects it (requests changes)
    response = workflow_action(client, moderator_a, page, "reject")
    # then it goes back to the editor: the workflow needs changes, the chapter is not live
    assert response.status_code == 302
    workflow_state.refresh_from_db()
    task_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.finished_by == moderator_a
    page.refresh_from_db()
    assert page.live is False
    assert served_page(f"/vi/lao-cai/ta-van/huong-dan/{NEW_GUIDE['slug']}/") is None
    assert not Event.objects.named("village.guide.published").for_subject(page).exists()


def test_moderator_unpublishes_a_chapter_and_an_editor_cannot(client, site_tree, editor_a, moderator_a):
    # given commune A's live guide chapter
    guide = site_tree["a"]["guide"]
    url = reverse("wagtailadmin_pages:unpublish", args=[guide.pk])
    # when editor A tries to unpublish it
    client.force_login(editor_a)
    refused = client.post(url)
    # then they are refused and it stays live
    assert_refused(refused)
    assert Page.objects.get(pk=guide.pk).live is True
    # when moderator A unpublishes it
    client.force_login(moderator_a)
    response = client.post(url)
    # then it is offline and the change is recorded with the moderator as the actor
    assert response.status_code == 302
    assert Page.objects.get(pk=guide.pk).live is False
    event = Event.objects.named("village.guide.unpublished").for_subject(guide.specific).get()
    assert event.actor == moderator_a
    assert event.commune_id == site_tree["a"]["commune"].pk


def test_the_admin_stores_a_typed_vietnamese_slug_without_diacritics(client, site_tree, editor_a):
    # given an editor saving a new chapter with the slug the admin script keeps in Vietnamese
    client.force_login(editor_a)
    guide_index = site_tree["a"]["guides"]
    response = client.post(
        add_guide_url(guide_index), guide_form_data(title="Trả tiền bằng mã QR", slug="trả-tiền-bằng-mã-qr")
    )
    # then the draft is saved with a folded slug
    assert response.status_code == 302
    page = GuidePage.objects.child_of(guide_index).get(title="Trả tiền bằng mã QR")
    assert page.slug == "tra-tien-bang-ma-qr"
