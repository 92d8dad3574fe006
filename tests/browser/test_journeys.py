"""Whole journeys in a real Chromium: the newcomer's first guide chapter, accessibility, offline, no JS.

The admin speaks the visitor's language (Vietnamese here) and its translations change, so the tests
find controls by what does not change — field names, URLs, Wagtail's data attributes — and, where a
label is the only handle, compute it from the same definition the admin renders.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from core.models import Event
from village.blocks import GuideStreamBlock
from village.models import CommuneWorkspace, GuidePage

pytestmark = pytest.mark.browser

ADMIN_LANGUAGE = "vi"  # the browser sends Accept-Language vi-VN and the users keep no preference


# --- helpers -----------------------------------------------------------------------------------------


def log_in(page, identifier: str, password: str) -> None:
    page.goto("/admin/login/")
    page.fill("input[name=username]", identifier)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def log_out(page) -> None:
    page.click(".sidebar-footer__account")
    page.click("form[action='/admin/logout/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/login/"))


def block_label(name: str) -> str:
    """The label the StreamField's block picker shows for block ``name`` in the admin's language."""
    with translation.override(ADMIN_LANGUAGE):
        return str(GuideStreamBlock().child_blocks[name].label)


def open_footer_actions(page) -> None:
    """Open the action menu next to the footer's main button ("Save draft" / "Publish")."""
    toggle = page.locator("footer .w-dropdown-button .w-dropdown__toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def visit_anonymously(new_context, path: str):
    """Open ``path`` in a fresh context without cookies; return (page, response)."""
    page = new_context().new_page()
    return page, page.goto(path)


def the_new_chapter(guides, existing) -> GuidePage:
    return GuidePage.objects.child_of(guides).exclude(pk=existing.pk).get()


# --- 1. the newcomer's first guide chapter -----------------------------------------------------------


def test_newcomer_writes_a_guide_chapter_that_a_moderator_approves_and_translates(
    new_context, page, site_tree, editor_a, moderator_a, password
):
    # given the commune editor of Tả Van in the admin, at the commune's guide
    guides, existing_guide = site_tree["a"]["guides"], site_tree["a"]["guide"]
    commune = site_tree["a"]["commune"]
    workflow = CommuneWorkspace.objects.get(translation_key=commune.translation_key).workflow
    log_in(page, editor_a.email, password)
    page.goto(f"/admin/pages/{guides.pk}/")

    # when she adds a child page of the type "guide chapter"
    page.click(f'a[href="/admin/pages/{guides.pk}/add_subpage/"]')
    page.wait_for_url(re.compile(r"/admin/pages/(\d+/add_subpage|add/village/guidepage/\d+)/$"))
    if "add_subpage" in page.url:  # more than one page type allowed here: choose "guide chapter"
        page.click(f'a[href="/admin/pages/add/village/guidepage/{guides.pk}/"]')
    page.wait_for_url(f"**/admin/pages/add/village/guidepage/{guides.pk}/")

    # and writes its title, summary and a checklist block
    page.fill("#id_title", "Trả tiền bằng mã QR")
    page.fill("#id_summary", "Quét mã VietQR để chuyển khoản, không cần tiền mặt.")
    page.locator('button[title="Insert a block"]').first.click()
    page.locator(".w-combobox__option-text", has_text=block_label("checklist")).first.click()
    page.fill("#body-0-value-title", "Cần chuẩn bị")
    page.fill("#body-0-value-items-0-value", "Điện thoại có ứng dụng ngân hàng")

    # and submits it to the commune's moderation workflow from the footer's action menu
    open_footer_actions(page)
    submit = page.locator("button[name=action-submit]")
    assert workflow.name in submit.inner_text()
    submit.click()
    page.wait_for_url(f"**/admin/pages/{guides.pk}/")

    # then the chapter waits for moderation, unpublished
    chapter = the_new_chapter(guides, existing_guide)
    assert chapter.title == "Trả tiền bằng mã QR"
    assert not chapter.live
    state = chapter.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow_id == workflow.pk
    assert [block.block_type for block in chapter.get_latest_revision_as_object().body] == ["checklist"]
    public_path = f"/vi/lao-cai/ta-van/huong-dan/{chapter.slug}/"
    _page, response = visit_anonymously(new_context, public_path)
    assert response.status == 404

    # when the editor logs out and the commune moderator approves it from "Awaiting your review"
    log_out(page)
    log_in(page, moderator_a.email, password)
    row = page.locator("tr", has_text="Trả tiền bằng mã QR")
    row.locator(".w-dropdown__toggle").click()
    approve = row.locator(
        f'button[data-workflow-action-url^="/admin/pages/workflow/action/{chapter.pk}/approve/"]'
        ":not([data-launch-modal])"
    )
    approve.click()
    expect(page.locator("tr", has_text="Trả tiền bằng mã QR")).to_have_count(0)  # the dashboard reloaded

    # then the chapter is live, the workflow is approved and the event is recorded
    chapter.refresh_from_db()
    assert chapter.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert Event.objects.named("village.guide.published").for_subject(chapter).exists()

    # and anyone can read it at its public address
    anonymous_page, response = visit_anonymously(new_context, public_path)
    assert response.status == 200, public_path
    assert anonymous_page.locator("h1").inner_text() == "Trả tiền bằng mã QR"
    assert anonymous_page.locator("html").get_attribute("lang") == "vi"

    # when the moderator translates it into English through the page's "Translate" action
    en = site_tree["en"]
    page.goto(f"/admin/pages/{chapter.pk}/edit/")
    page.locator("header .w-dropdown__toggle").first.click()
    page.click(f'a[href^="/admin/translation/submit/page/{chapter.pk}/"]')
    page.wait_for_url(f"**/admin/translation/submit/page/{chapter.pk}/**")
    page.check(f'input[name="locales"][value="{en.pk}"]')
    page.locator("main form [type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    english = GuidePage.objects.get(translation_key=chapter.translation_key, locale=en)
    assert page.url.endswith(f"/admin/pages/{english.pk}/edit/")
    assert not english.live

    # and writes the English title and summary, then publishes
    page.fill("#id_title", "Pay with a QR code")
    page.fill("#id_summary", "Scan the VietQR code to pay by bank transfer, no cash needed.")
    publish = page.locator("button[name=action-publish]")
    if not publish.is_visible():
        open_footer_actions(page)
    publish.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))

    # then the English chapter is live under the English guide, with its own event
    english.refresh_from_db()
    assert english.live
    assert english.title == "Pay with a QR code"
    assert Event.objects.named("village.guide.published").for_subject(english).exists()
    english_path = f"/en/lao-cai/ta-van/guide/{english.slug}/"
    anonymous_page, response = visit_anonymously(new_context, english_path)
    assert response.status == 200, english_path
    assert anonymous_page.locator("html").get_attribute("lang") == "en"
    assert anonymous_page.locator("h1").inner_text() == "Pay with a QR code"


# --- 2. accessibility ----------------------------------------------------------------------------------

PUBLIC_PAGES = {
    "vi": {
        "home": "/vi/",
        "commune": "/vi/lao-cai/ta-van/",
        "guide": "/vi/lao-cai/ta-van/huong-dan/dinh-danh-muc-2/",
        "search": "/vi/search/?q=dinh+danh",
    },
    "en": {
        "home": "/en/",
        "commune": "/en/lao-cai/ta-van/",
        "guide": "/en/lao-cai/ta-van/guide/dinh-danh-muc-2/",
        "search": "/en/search/?q=dinh+danh",
    },
}


def describe_violations(response: dict) -> str:
    lines = []
    for violation in response["violations"]:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    fix: {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node.get('failureSummary', '').replace(chr(10), ' / ')}")
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_public_pages_have_no_accessibility_violations(new_context, site_tree, artefacts, language):
    # given a phone-sized visitor (the size most villagers use)
    page = new_context(locale=f"{language}-VN", viewport={"width": 360, "height": 740}).new_page()
    axe = Axe()
    problems = {}
    for name, path in PUBLIC_PAGES[language].items():
        # when axe-core checks each public page
        response = page.goto(path)
        if response.status != 200:
            problems[path] = [f"HTTP {response.status} (not checked)"]
            continue
        found = problems.setdefault(path, [])
        lang = page.locator("html").get_attribute("lang")
        if lang != language:
            found.append(f'<html lang="{lang}">, expected "{language}"')
        if language == "vi" and name in ("guide", "commune"):
            page.screenshot(path=artefacts / f"{name}-360.png", full_page=True)
        results = axe.run(page)
        if results.violations_count:
            found.append(describe_violations(results.response))

    # then every page answers and none has a violation (they come from themes/templates/** and
    # themes/static/themes/site.css: fix them there, not here)
    problems = {path: found for path, found in problems.items() if found}
    report = "\n\n".join(f"{path}\n" + "\n".join(found) for path, found in problems.items())
    assert not problems, f"accessibility check of the public {language} pages failed:\n{report}"


# --- 3. offline reading ----------------------------------------------------------------------------------


def test_a_visited_guide_stays_readable_offline(context, page, site_tree):
    # given a visitor who opened a guide chapter while online
    guide = site_tree["a"]["guide"]
    path = "/vi/lao-cai/ta-van/huong-dan/dinh-danh-muc-2/"
    assert page.goto(path).status == 200
    assert page.evaluate("window.isSecureContext"), page.url
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the service worker controls the page and keeps a copy of it
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "(path) => caches.open('svp-pages-v1').then(cache => cache.match(path)).then(Boolean)",
        arg=path,
        polling=200,
    )

    # when the signal drops and the page is opened again
    context.set_offline(True)
    try:
        response = page.reload()

        # then the chapter is still there, from the service worker's cache
        assert response is not None and response.from_service_worker
        assert page.locator("h1").inner_text() == guide.title
        assert page.locator("html").get_attribute("lang") == "vi"
    finally:
        context.set_offline(False)


# --- 4. without JavaScript -------------------------------------------------------------------------------


def test_search_works_without_javascript(new_context, site_tree):
    # given a visitor whose phone runs no JavaScript
    guide = site_tree["a"]["guide"]
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/vi/")

    # when she types without accents in the search form and submits it
    page.fill("form[role=search] input[name=q]", "dinh danh muc 2")
    with page.expect_navigation() as navigation:
        page.click("form[role=search] button[type=submit]")
    response = navigation.value
    assert re.search(r"/vi/search/\?q=dinh\+danh\+muc\+2$", page.url), page.url
    assert response.status == 200, f"the search page answered HTTP {response.status}"

    # then the guide chapter (of Tả Van; Bắc Hà has one of the same name) is among the results,
    # and its link opens it
    path = f"/vi/lao-cai/ta-van/huong-dan/{guide.slug}/"
    result = page.locator(f'.results .result-title a[href="{path}"]')
    assert result.inner_text() == guide.title
    result.click()
    page.wait_for_url(f"**{path}")
    assert page.locator("h1").inner_text() == guide.title
