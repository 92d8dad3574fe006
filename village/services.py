"""Village services: commune workspaces (groups, permissions, collections, workflow), publishing, and the
villagers' photos.

Creating a commune gives it an editors group and a moderators group with page permissions on its
subtree only (in every language), its own image/document collection, and a two-step workflow:
editors submit, the commune's moderators approve. Photos that villagers take for their shop or their
homestay (``village.images.PhotoField``) are kept in that collection too, by :func:`store_commune_photo`.
"""

import io

from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.log_actions import get_active_log_context
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    ReferenceIndex,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.models import Role
from accounts.services import add_membership
from core.cache import bump_page_cache
from core.events import record_event

from .models import (
    CommunePage,
    CommuneWorkspace,
    EventPage,
    GuidePage,
    NewsPage,
    NoticePage,
    VillageBasePage,
    VillageImage,
)

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
MODERATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
}
ADMIN_PERMISSIONS = (("wagtailadmin", "access_admin"), ("simple_translation", "submit_translation"))

EVENT_NAMES = {
    GuidePage: "guide",
    NewsPage: "news",
    NoticePage: "notice",
    EventPage: "event",
    CommunePage: "commune",
}


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


@transaction.atomic
def setup_commune(*, commune: CommunePage) -> CommuneWorkspace:
    """Create (or complete) the commune's groups, collection, permissions and workflow. Idempotent.

    Covers every translation of the commune page, so editors can work in Vietnamese and English.
    """
    workspace = CommuneWorkspace.objects.filter(translation_key=commune.translation_key).first()
    label = f"{commune.title} ({commune.admin_code or commune.translation_key.hex[:6]})"
    if workspace is None:
        root_collection = Collection.get_first_root_node()
        collection = root_collection.add_child(name=label)
        editors, _created = Group.objects.get_or_create(name=f"{label} · editors")
        moderators, _created = Group.objects.get_or_create(name=f"{label} · moderators")
        workflow = Workflow.objects.create(name=f"{label} · moderation")
        task = GroupApprovalTask.objects.create(name=f"{label} · moderator approval")
        task.groups.set([moderators])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        workspace = CommuneWorkspace.objects.create(
            translation_key=commune.translation_key,
            editors=editors,
            moderators=moderators,
            collection=collection,
            workflow=workflow,
        )
        for group in (editors, moderators):
            for app_label, codename in ADMIN_PERMISSIONS:
                group.permissions.add(_permission(app_label, codename))
            for app_label, codenames in COLLECTION_PERMISSIONS.items():
                for codename in codenames:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=collection, permission=_permission(app_label, codename)
                    )
        record_event("village.commune.workspace_created", subject=commune, commune_id=commune.pk)

    for page in CommunePage.objects.filter(translation_key=commune.translation_key):
        for group, codenames in (
            (workspace.editors, EDITOR_PAGE_PERMISSIONS),
            (workspace.moderators, MODERATOR_PAGE_PERMISSIONS),
        ):
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=page, permission=_page_permission(codename)
                )
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workspace.workflow})
    return workspace


def add_commune_member(*, commune: CommunePage, user, role: Role, actor=None):
    """Give ``user`` a role in the commune; editors and moderators join its Wagtail groups."""
    with transaction.atomic():
        workspace = setup_commune(commune=commune)
        membership = add_membership(user=user, commune=commune, role=role, actor=actor)
        if role == Role.COMMUNE_EDITOR:
            user.groups.add(workspace.editors)
        elif role == Role.COMMUNE_MODERATOR:
            user.groups.add(workspace.moderators)
    return membership


def communes_of(user) -> list[int]:
    """Ids of the commune pages (every language) whose workspace groups the user belongs to."""
    keys = (
        CommuneWorkspace.objects.filter(editors__in=user.groups.all())
        .values_list("translation_key", flat=True)
        .union(
            CommuneWorkspace.objects.filter(moderators__in=user.groups.all()).values_list(
                "translation_key", flat=True
            )
        )
    )
    return list(CommunePage.objects.filter(translation_key__in=list(keys)).values_list("pk", flat=True))


# --- villagers' photos ------------------------------------------------------------------------------------


def store_commune_photo(
    *, commune: CommunePage, photo: tuple[bytes, str, str], user, title: str
) -> VillageImage:
    """Keep the safe copy of a villager's photo in the commune's own image collection.

    ``photo`` is what ``village.images.PhotoField`` cleans to: ``(bytes, file name, content type)`` of the
    re-encoded image, without its location data. The commune's editors find it in their collection too.
    """
    data, name, _content_type = photo
    workspace = CommuneWorkspace.objects.get(translation_key=commune.translation_key)
    image = VillageImage(
        title=title[:255], alt_text=title[:240], collection=workspace.collection, uploaded_by_user=user
    )
    image.file = ImageFile(io.BytesIO(data), name=name)
    image._set_image_file_metadata()
    image.save()
    return image


def discard_commune_photo(*, image: VillageImage) -> bool:
    """Delete a villager's photo (its file and renditions go after the commit) unless a page uses it: a
    commune editor may have chosen it for a news item. Returns whether it was deleted."""
    if ReferenceIndex.get_references_to(image).exists():
        return False
    image.delete()
    return True


# --- publishing -------------------------------------------------------------------------------------------


def event_name_for(page: Page, action: str) -> str:
    specific_class = page.specific_class
    for model, noun in EVENT_NAMES.items():
        if issubclass(specific_class, model):
            return f"village.{noun}.{action}"
    return f"village.page.{action}"


def record_page_change(*, page: Page, action: str, actor=None) -> None:
    """Record ``village.<kind>.published|unpublished`` and invalidate the anonymous page cache."""
    specific = page.specific
    commune = specific.commune if isinstance(specific, VillageBasePage) else None
    record_event(
        event_name_for(page, action),
        subject=specific,
        actor=actor,
        commune_id=commune.pk if commune else None,
        payload={
            "page_id": page.pk,
            "title": page.title,
            "locale": page.locale.language_code,
            "url_path": page.url_path,
            "type": page.specific_class._meta.label_lower,
        },
    )
    if isinstance(specific, CommunePage):
        setup_commune(commune=specific)
    transaction.on_commit(bump_page_cache)


def _acting_user(revision=None):
    """Who is publishing: the admin user of the current request (Wagtail's log context), else the
    revision's author (e.g. scheduled publishing). A moderator who approves an editor's revision is
    the actor, not the editor who wrote it."""
    context_user = get_active_log_context().user
    if context_user is not None:
        return context_user
    return getattr(revision, "user", None)


def page_published_adapter(sender, instance, revision=None, **kwargs):
    record_page_change(page=instance, action="published", actor=_acting_user(revision))


def page_unpublished_adapter(sender, instance, **kwargs):
    record_page_change(page=instance, action="unpublished", actor=_acting_user())


def view_restriction_adapter(sender, instance, **kwargs):
    """Wagtail's privacy setting (a ``PageViewRestriction`` saved or deleted) decides whether a page and
    every page under it is public: once it is committed, the one search follows (a page made private
    leaves the results, the suggestions and the partners' search)."""
    from core.search.indexing import reindex_committed

    from .search import page_keys

    page_id = instance.page_id

    def refresh() -> None:
        page = Page.objects.filter(pk=page_id).first()
        if page is not None:
            reindex_committed(page_keys(Page.objects.descendant_of(page, inclusive=True)))

    transaction.on_commit(refresh)
