"""The per-commune permission matrix: an editor of commune A works on A's pages and images only.

Every request goes through the Wagtail admin, like an editor's browser. A refused request is answered
the Wagtail way (back to the dashboard with "no permission"), and the test checks nothing changed.
"""

import hashlib
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.models import Page

from core.models import Event
from village.models import CommuneWorkspace, GuidePage, VillageImage

from ..factories import make_image
from .page_forms import NEW_GUIDE, add_guide_url, assert_refused, guide_form_data

CHOOSABLE_PAGE = re.compile(r'class="choose-page"[^>]*data-id="(\d+)"')
BROWSABLE_PAGE = re.compile(r'href="/admin/choose-page/(\d+)/')
EDITABLE_PAGE = re.compile(r'href="/admin/pages/(\d+)/edit/')
CHOSEN_IMAGE = re.compile(r'href="/admin/images/chooser/chosen/(\d+)/"')


def page_state(page: Page) -> dict:
    """What a refused request must not change: title, live state, live and latest revision."""
    page = Page.objects.get(pk=page.pk)
    return {
        "title": page.title,
        "live": page.live,
        "live_revision": page.live_revision_id,
        "latest_revision": page.latest_revision_id,
        "revisions": page.revisions.count(),
        "has_unpublished_changes": page.has_unpublished_changes,
    }


def image_state(image: VillageImage) -> dict:
    image = VillageImage.objects.get(pk=image.pk)
    with image.open_file() as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    return {
        "title": image.title,
        "file": image.file.name,
        "sha256": digest,
        "collection": image.collection_id,
    }


def workspace_of(commune) -> CommuneWorkspace:
    return CommuneWorkspace.objects.get(translation_key=commune.translation_key)


def jpeg_upload(name: str = "ruong-bac-thang.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 140, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def modal_html(response) -> str:
    assert response.status_code == 200
    return json.loads(response.content)["html"]


def ids(pattern: re.Pattern, html: str) -> set[int]:
    return {int(value) for value in pattern.findall(html)}


# --- pages ----------------------------------------------------------------------------------------


def test_editor_opens_and_saves_a_draft_of_own_commune_guide(client, site_tree, editor_a):
    # given a live guide chapter of commune A
    guide = site_tree["a"]["guide"]
    before = page_state(guide)
    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:edit", args=[guide.pk])
    # when editor A opens it and saves a change
    opened = client.get(url)
    saved = client.post(url, guide_form_data(guide.specific, title="Kích hoạt VNeID mức 2"))
    # then the draft is stored as a new revision by the editor; the live page is untouched
    assert opened.status_code == 200
    assert saved.status_code == 302
    assert saved["Location"] == url
    after = page_state(guide)
    assert after["revisions"] == before["revisions"] + 1
    latest = Page.objects.get(pk=guide.pk).get_latest_revision()
    assert latest.user == editor_a
    assert latest.content["title"] == "Kích hoạt VNeID mức 2"
    assert after["title"] == before["title"]
    assert after["live_revision"] == before["live_revision"]
    assert after["has_unpublished_changes"] is True


def test_editor_is_refused_the_edit_view_of_another_commune(client, site_tree, editor_a):
    # given commune B's guide chapter
    guide = site_tree["b"]["guide"]
    before = page_state(guide)
    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:edit", args=[guide.pk])
    # when editor A opens it, saves and tries to publish it
    opened = client.get(url)
    saved = client.post(url, guide_form_data(guide.specific, title="Bị sửa bởi xã khác"))
    published = client.post(
        url, guide_form_data(guide.specific, title="Bị sửa bởi xã khác", action="publish")
    )
    # then every request is refused and B's page is exactly as before
    for response in (opened, saved, published):
        assert_refused(response)
    assert page_state(guide) == before


def test_editor_cannot_publish_even_own_commune_guide(client, site_tree, editor_a):
    # given a live guide chapter of editor A's own commune
    guide = site_tree["a"]["guide"]
    before = page_state(guide)
    published_events = Event.objects.named("village.guide.published").count()
    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:edit", args=[guide.pk])
    # when editor A presses "publish" (editors have no publish permission)
    response = client.post(url, guide_form_data(guide.specific, title="Xuất bản trái phép", action="publish"))
    # then it is only saved as a draft: the live page and its live revision stay as they were
    assert response.status_code == 302
    assert response["Location"] == url
    after = page_state(guide)
    assert after["title"] == before["title"]
    assert after["live_revision"] == before["live_revision"]
    assert after["has_unpublished_changes"] is True
    assert Event.objects.named("village.guide.published").count() == published_events


def test_moderator_publishes_own_commune_guide_but_not_another(client, site_tree, moderator_a):
    # given a guide chapter in each commune
    own, other = site_tree["a"]["guide"], site_tree["b"]["guide"]
    other_before = page_state(other)
    events = Event.objects.named("village.guide.published")
    events_before = set(events.values_list("pk", flat=True))
    client.force_login(moderator_a)
    # when moderator A publishes a change to each
    own_response = client.post(
        reverse("wagtailadmin_pages:edit", args=[own.pk]),
        guide_form_data(own.specific, title="Kích hoạt VNeID mức 2", action="publish"),
    )
    other_response = client.post(
        reverse("wagtailadmin_pages:edit", args=[other.pk]),
        guide_form_data(other.specific, title="Kích hoạt VNeID mức 2", action="publish"),
    )
    # then A's page is live with the change, announced with moderator A as the actor
    assert own_response.status_code == 302
    own_page = Page.objects.get(pk=own.pk)
    assert own_page.title == "Kích hoạt VNeID mức 2"
    assert own_page.live_revision_id == own_page.latest_revision_id
    [event] = events.exclude(pk__in=events_before)
    assert event.subject_id == str(own.pk)
    assert event.actor == moderator_a
    assert event.commune_id == site_tree["a"]["commune"].pk
    # and B's page is refused and unchanged
    assert_refused(other_response)
    assert page_state(other) == other_before


def test_editor_cannot_add_a_page_under_another_commune(client, site_tree, editor_a):
    # given commune B's guide index
    guides = site_tree["b"]["guides"]
    children_before = list(guides.get_children().values_list("pk", flat=True))
    client.force_login(editor_a)
    # when editor A opens the "add subpage" and "add guide chapter" views and posts a new chapter
    choose_type = client.get(reverse("wagtailadmin_pages:add_subpage", args=[guides.pk]))
    opened = client.get(add_guide_url(guides))
    submitted = client.post(add_guide_url(guides), guide_form_data(action="submit"))
    # then all are refused and nothing was created
    for response in (choose_type, opened, submitted):
        assert_refused(response)
    assert list(guides.get_children().values_list("pk", flat=True)) == children_before
    assert not GuidePage.objects.filter(slug=NEW_GUIDE["slug"]).exists()


def test_editor_can_add_a_page_under_own_commune(client, site_tree, editor_a):
    # given commune A's guide index
    guides = site_tree["a"]["guides"]
    client.force_login(editor_a)
    # when editor A saves a new chapter as a draft
    response = client.post(add_guide_url(guides), guide_form_data())
    # then it exists under A's guide index, not live
    assert response.status_code == 302
    page = GuidePage.objects.get(slug=NEW_GUIDE["slug"])
    assert page.get_parent().pk == guides.pk
    assert page.live is False
    assert page.owner == editor_a


def test_explorer_of_editor_a_never_lists_commune_b(client, site_tree, editor_a):
    # given editor A in the page explorer
    client.force_login(editor_a)
    # when they list the province, commune B and B's guide index
    province = client.get(reverse("wagtailadmin_explore", args=[site_tree["province"].pk]))
    commune_b = client.get(reverse("wagtailadmin_explore", args=[site_tree["b"]["commune"].pk]))
    guides_b = client.get(reverse("wagtailadmin_explore", args=[site_tree["b"]["guides"].pk]))
    guides_a = client.get(reverse("wagtailadmin_explore", args=[site_tree["a"]["guides"].pk]))
    # then the province lists A but not B, and nothing of B is listed or editable
    b_pages = {page.pk for page in Page.objects.descendant_of(site_tree["b"]["commune"], inclusive=True)}
    for response in (province, commune_b, guides_b):
        assert response.status_code == 200
        assert not ids(EDITABLE_PAGE, response.content.decode()) & b_pages
    assert site_tree["a"]["commune"].pk in ids(EDITABLE_PAGE, province.content.decode())
    assert ids(EDITABLE_PAGE, commune_b.content.decode()) == set()
    assert ids(EDITABLE_PAGE, guides_b.content.decode()) == set()
    # while A's own guide index lists A's chapter
    assert site_tree["a"]["guide"].pk in ids(EDITABLE_PAGE, guides_a.content.decode())


# --- page chooser ---------------------------------------------------------------------------------


def test_page_chooser_of_editor_a_offers_only_commune_a(client, site_tree, editor_a):
    # given editor A linking to a page
    client.force_login(editor_a)
    a_pages = {page.pk for page in Page.objects.descendant_of(site_tree["a"]["commune"], inclusive=True)}
    b_pages = {page.pk for page in Page.objects.descendant_of(site_tree["b"]["commune"], inclusive=True)}
    b_translations = Page.objects.filter(
        translation_key__in=Page.objects.filter(pk__in=b_pages).values("translation_key")
    )
    b_everywhere = set(b_translations.values_list("pk", flat=True))
    # when they browse from the root down to the province and into commune B, and search
    root = modal_html(client.get(reverse("wagtailadmin_choose_page")))
    province = modal_html(
        client.get(reverse("wagtailadmin_choose_page_child", args=[site_tree["province"].pk]))
    )
    commune_b = modal_html(
        client.get(reverse("wagtailadmin_choose_page_child", args=[site_tree["b"]["commune"].pk]))
    )
    commune_a = modal_html(
        client.get(reverse("wagtailadmin_choose_page_child", args=[site_tree["a"]["commune"].pk]))
    )
    search = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Kích hoạt"}).content.decode()
    # then the root leads down to the home page, the province offers A only,
    assert site_tree["home"].pk in ids(BROWSABLE_PAGE, root)
    assert site_tree["a"]["commune"].pk in ids(CHOOSABLE_PAGE, province)
    assert site_tree["b"]["commune"].pk not in ids(CHOOSABLE_PAGE, province) | ids(BROWSABLE_PAGE, province)
    # nothing inside B is listed, A's pages are,
    assert ids(CHOOSABLE_PAGE, commune_b) <= {site_tree["b"]["commune"].pk}  # the header row: where you are
    assert ids(BROWSABLE_PAGE, commune_b) & b_pages == set()
    assert {site_tree["a"][key].pk for key in ("village", "guides", "news_index", "events")} <= ids(
        CHOOSABLE_PAGE, commune_a
    )
    # and search finds A's chapter but never a page of B (in any language)
    found = ids(CHOOSABLE_PAGE, search)
    assert site_tree["a"]["guide"].pk in found
    assert found & b_everywhere == set()
    assert found & a_pages == {site_tree["a"]["guide"].pk}


# --- images ---------------------------------------------------------------------------------------


def test_editor_uploads_into_own_commune_collection(client, site_tree, editor_a):
    # given editor A and commune A's collection
    collection = workspace_of(site_tree["a"]["commune"]).collection
    client.force_login(editor_a)
    # when they upload a photo through the admin
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Ruộng bậc thang", "file": jpeg_upload(), "collection": collection.pk, "alt_text": "Ruộng"},
    )
    # then it is stored in A's collection, owned by the editor
    assert response.status_code == 302
    image = VillageImage.objects.get(title="Ruộng bậc thang")
    assert image.collection_id == collection.pk
    assert image.uploaded_by_user == editor_a


def test_editor_cannot_upload_into_another_commune_collection(client, site_tree, editor_a):
    # given commune B's collection
    collection_b = workspace_of(site_tree["b"]["commune"]).collection
    collection_a = workspace_of(site_tree["a"]["commune"]).collection
    images_of_b = set(VillageImage.objects.filter(collection=collection_b).values_list("pk", flat=True))
    client.force_login(editor_a)
    # when editor A names B's collection in an upload
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Ruộng bậc thang", "file": jpeg_upload(), "collection": collection_b.pk},
    )
    # then the image lands in A's collection (the only one the form offers) and B's stays as it was
    assert response.status_code == 302
    assert VillageImage.objects.get(title="Ruộng bậc thang").collection_id == collection_a.pk
    assert (
        set(VillageImage.objects.filter(collection=collection_b).values_list("pk", flat=True)) == images_of_b
    )


def test_editor_cannot_edit_or_delete_an_image_of_another_commune(client, site_tree, editor_a):
    # given commune B's hero image and one of A's
    image_b = VillageImage.objects.get(title="Bắc Hà hero")
    image_a = VillageImage.objects.get(title="Tả Van hero")
    before = image_state(image_b)
    client.force_login(editor_a)
    edit_url = reverse("wagtailimages:edit", args=[image_b.pk])
    # when editor A opens B's image, saves it with a new file and tries to delete it
    opened = client.get(edit_url)
    saved = client.post(
        edit_url, {"title": "Đã đổi", "file": jpeg_upload("thay.jpg"), "collection": image_b.collection_id}
    )
    delete_page = client.get(reverse("wagtailimages:delete", args=[image_b.pk]))
    deleted = client.post(reverse("wagtailimages:delete", args=[image_b.pk]))
    # then all are refused and the image, its title and its file are unchanged
    for response in (opened, saved, delete_page, deleted):
        assert_refused(response)
    assert image_state(image_b) == before
    # while A's own image opens for editing
    assert client.get(reverse("wagtailimages:edit", args=[image_a.pk])).status_code == 200


def test_image_chooser_lists_only_own_commune_images(client, site_tree, editor_a):
    # given one more image in each commune's collection
    own = make_image("Chè Shan Tuyết", workspace_of(site_tree["a"]["commune"]).collection)
    other = make_image("Mật ong bạc hà", workspace_of(site_tree["b"]["commune"]).collection)
    client.force_login(editor_a)
    # when editor A opens the image chooser
    html = modal_html(client.get(reverse("wagtailimages_chooser:choose")))
    # then it offers exactly A's images
    a_images = set(VillageImage.objects.filter(collection=own.collection).values_list("pk", flat=True))
    assert ids(CHOSEN_IMAGE, html) == a_images
    assert own.pk in a_images
    assert other.pk not in ids(CHOSEN_IMAGE, html)


# --- platform admin -------------------------------------------------------------------------------


def test_superuser_works_in_every_commune(client, site_tree, superuser):
    # given a platform admin
    client.force_login(superuser)
    guide_b = site_tree["b"]["guide"]
    image_b = VillageImage.objects.get(title="Bắc Hà hero")
    # when they publish B's guide, add a chapter to A, edit B's image and open the choosers
    published = client.post(
        reverse("wagtailadmin_pages:edit", args=[guide_b.pk]),
        guide_form_data(guide_b.specific, title="Kích hoạt VNeID", action="publish"),
    )
    added = client.post(add_guide_url(site_tree["a"]["guides"]), guide_form_data())
    image_edited = client.post(
        reverse("wagtailimages:edit", args=[image_b.pk]),
        {"title": "Bắc Hà toàn cảnh", "collection": image_b.collection_id, "alt_text": "Bắc Hà"},
    )
    image_chooser = modal_html(client.get(reverse("wagtailimages_chooser:choose")))
    page_chooser = modal_html(
        client.get(reverse("wagtailadmin_choose_page_child", args=[site_tree["province"].pk]))
    )
    # then everything is allowed
    assert published.status_code == 302
    assert Page.objects.get(pk=guide_b.pk).title == "Kích hoạt VNeID"
    assert added.status_code == 302
    assert GuidePage.objects.get(slug=NEW_GUIDE["slug"]).get_parent().pk == site_tree["a"]["guides"].pk
    assert image_edited.status_code == 302
    assert VillageImage.objects.get(pk=image_b.pk).title == "Bắc Hà toàn cảnh"
    assert ids(CHOSEN_IMAGE, image_chooser) == set(VillageImage.objects.values_list("pk", flat=True))
    assert {site_tree["a"]["commune"].pk, site_tree["b"]["commune"].pk} <= ids(CHOOSABLE_PAGE, page_chooser)


@pytest.mark.parametrize("url_name", ["wagtailadmin_pages:edit", "wagtailadmin_explore"])
def test_anonymous_visitor_is_sent_to_login(client, site_tree, url_name):
    # when someone not logged in opens an admin page of commune A
    response = client.get(reverse(url_name, args=[site_tree["a"]["guide"].pk]))
    # then they are asked to log in
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
