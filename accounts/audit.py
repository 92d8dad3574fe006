"""Permission changes on the audit trail (``accounts.permission.*`` events), wherever they are made.

Memberships (a role in a commune) change only through ``accounts.services`` — the Django admin calls
them too — and those services record the events. Platform-level permissions are also edited in screens
that never call our services: Wagtail's user and group editors and the Django admin save ``is_staff`` /
``is_superuser`` / ``is_active``, ``User.groups``, ``User.user_permissions``, ``Group.permissions`` and
Wagtail's page and collection permissions directly. So, as the last resort, this module listens to those
models' ``pre_save``/``post_save``/``post_delete``/``m2m_changed`` signals (connected in
``AccountsConfig.ready``) and records one event per change — the one place these changes are recorded,
the services in ``accounts.services`` included (they only bind the actor). Who did it: the actor bound by
a service (:func:`acting_user`), else the logged-in user of the current request (bound by
``accounts.middleware.AuditActorMiddleware``), else nobody (a shell or a migration).
"""

import contextlib
import contextvars

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from core.events import record_event

_actor: contextvars.ContextVar = contextvars.ContextVar("svp_audit_actor", default=None)
_request: contextvars.ContextVar = contextvars.ContextVar("svp_audit_request", default=None)

USER_FLAGS = ("is_staff", "is_superuser", "is_active")
FLAG_EVENTS = {
    ("is_staff", True): "accounts.permission.staff_granted",
    ("is_staff", False): "accounts.permission.staff_revoked",
    ("is_superuser", True): "accounts.permission.superuser_granted",
    ("is_superuser", False): "accounts.permission.superuser_revoked",
    ("is_active", True): "accounts.permission.account_reactivated",
    ("is_active", False): "accounts.permission.account_deactivated",
}


@contextlib.contextmanager
def acting_user(actor):
    """Attribute the permission events recorded inside to ``actor`` (used by ``accounts.services``)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def bind_request(request) -> contextvars.Token:
    return _request.set(request)


def unbind_request(token: contextvars.Token) -> None:
    _request.reset(token)


def current_actor():
    actor = _actor.get()
    if actor is not None:
        return actor
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated:
        return user
    return None


def _permission_codes(pks) -> list[str]:
    return sorted(
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(pk__in=pks).values_list(
            "content_type__app_label", "codename"
        )
    )


# --- user flags ------------------------------------------------------------------------------------------


def remember_user_flags(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._audit_flags_before = None
        return
    if update_fields is not None and not set(update_fields) & set(USER_FLAGS):
        instance._audit_flags_before = None  # e.g. a login saving last_login: no extra query
        return
    instance._audit_flags_before = (
        type(instance)._base_manager.filter(pk=instance.pk).values(*USER_FLAGS).first()
    )


def record_user_flags(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_audit_flags_before", None)
    instance._audit_flags_before = None
    if created:
        before = {"is_staff": False, "is_superuser": False, "is_active": True}
    if before is None:
        return
    for flag in USER_FLAGS:
        value = getattr(instance, flag)
        if before[flag] != value:
            record_event(
                FLAG_EVENTS[(flag, bool(value))],
                subject=instance,
                actor=current_actor(),
                payload={"user": instance.pk, "flag": flag, "value": bool(value)},
            )


# --- groups and permissions ------------------------------------------------------------------------------


def _pairs(instance, pk_set, reverse: bool) -> list[tuple[int, int]]:
    """(owner pk, related pk) pairs of one m2m change, whichever side it was made from."""
    if reverse:
        return [(pk, instance.pk) for pk in sorted(pk_set or ())]
    return [(instance.pk, pk) for pk in sorted(pk_set or ())]


def _remember_cleared(instance, reverse: bool, through, owner_field: str, related_field: str) -> None:
    """Before a ``clear()`` Django does not say what goes; read it while it is still there."""
    if reverse:
        rows = through.objects.filter(**{related_field: instance.pk}).values_list(owner_field, related_field)
    else:
        rows = through.objects.filter(**{owner_field: instance.pk}).values_list(owner_field, related_field)
    instance._audit_cleared = list(rows)


def _changed_pairs(
    instance, action: str, reverse: bool, through, pk_set, owner_field: str, related_field: str
) -> list[tuple[int, int]] | None:
    """The (owner pk, related pk) pairs an m2m signal reports as added, removed or cleared; ``None`` for
    the signals that report nothing to record (``pre_clear`` remembers what a clear will remove)."""
    if action == "pre_clear":
        _remember_cleared(instance, reverse, through, owner_field, related_field)
        return None
    if action == "post_clear":
        return getattr(instance, "_audit_cleared", [])
    if action in ("post_add", "post_remove"):
        return _pairs(instance, pk_set, reverse)
    return None


def user_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    pairs = _changed_pairs(instance, action, reverse, sender, pk_set, "user_id", "group_id")
    if pairs is None:
        return
    name = "accounts.permission.group_added" if action == "post_add" else "accounts.permission.group_removed"
    names = dict(Group.objects.filter(pk__in={group for _user, group in pairs}).values_list("pk", "name"))
    from django.contrib.auth import get_user_model

    users = get_user_model()._base_manager.in_bulk({user for user, _group in pairs})
    for user_pk, group_pk in pairs:
        record_event(
            name,
            subject=users.get(user_pk),
            actor=current_actor(),
            payload={"user": user_pk, "group": group_pk, "group_name": names.get(group_pk, "")},
        )


def user_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    pairs = _changed_pairs(instance, action, reverse, sender, pk_set, "user_id", "permission_id")
    if pairs is None:
        return
    granted = action == "post_add"
    by_user: dict[int, list[int]] = {}
    for user_pk, permission_pk in pairs:
        by_user.setdefault(user_pk, []).append(permission_pk)
    from django.contrib.auth import get_user_model

    users = get_user_model()._base_manager.in_bulk(set(by_user))
    for user_pk, permission_pks in by_user.items():
        record_event(
            "accounts.permission.user_permissions_granted"
            if granted
            else "accounts.permission.user_permissions_revoked",
            subject=users.get(user_pk),
            actor=current_actor(),
            payload={"user": user_pk, "permissions": _permission_codes(permission_pks)},
        )


def group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    pairs = _changed_pairs(instance, action, reverse, sender, pk_set, "group_id", "permission_id")
    if pairs is None:
        return
    by_group: dict[int, list[int]] = {}
    for group_pk, permission_pk in pairs:
        by_group.setdefault(group_pk, []).append(permission_pk)
    groups = Group.objects.in_bulk(set(by_group))
    for group_pk, permission_pks in by_group.items():
        record_event(
            "accounts.permission.group_permissions_granted"
            if action == "post_add"
            else "accounts.permission.group_permissions_revoked",
            subject=groups.get(group_pk),
            actor=current_actor(),
            payload={"group": group_pk, "permissions": _permission_codes(permission_pks)},
        )


# --- Wagtail page and collection permissions ------------------------------------------------------------


def _wagtail_permission_payload(instance, target_field: str) -> dict:
    permission = instance.permission
    return {
        "group": instance.group_id,
        target_field: getattr(instance, f"{target_field}_id"),
        "permission": f"{permission.content_type.app_label}.{permission.codename}",
    }


def wagtail_permission_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or not created:
        return
    target = "page" if hasattr(instance, "page_id") else "collection"
    record_event(
        f"accounts.permission.{target}_permission_granted",
        subject=instance.group,
        actor=current_actor(),
        payload=_wagtail_permission_payload(instance, target),
    )


def wagtail_permission_deleted(sender, instance, **kwargs) -> None:
    target = "page" if hasattr(instance, "page_id") else "collection"
    record_event(
        f"accounts.permission.{target}_permission_revoked",
        subject=Group.objects.filter(pk=instance.group_id).first(),
        actor=current_actor(),
        payload=_wagtail_permission_payload(instance, target),
    )


def membership_deleted(sender, instance, **kwargs) -> None:
    """A role in a commune taken away: by ``services.remove_membership`` or by a cascade (the user or the
    commune page deleted)."""
    record_event(
        "accounts.membership.removed",
        subject=instance,
        actor=current_actor(),
        commune_id=instance.commune_id,
        payload={"user": instance.user_id, "role": instance.role},
    )


def group_deleted(sender, instance, **kwargs) -> None:
    record_event(
        "accounts.permission.group_deleted",
        subject=instance,
        actor=current_actor(),
        payload={"group": instance.pk, "group_name": instance.name},
    )


def connect() -> None:
    from django.contrib.auth import get_user_model
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    user_model = get_user_model()
    pre_save.connect(remember_user_flags, sender=user_model, dispatch_uid="accounts.audit.flags.pre")
    post_save.connect(record_user_flags, sender=user_model, dispatch_uid="accounts.audit.flags.post")
    m2m_changed.connect(
        user_groups_changed, sender=user_model.groups.through, dispatch_uid="accounts.audit.groups"
    )
    m2m_changed.connect(
        user_permissions_changed,
        sender=user_model.user_permissions.through,
        dispatch_uid="accounts.audit.user_permissions",
    )
    m2m_changed.connect(
        group_permissions_changed, sender=Group.permissions.through, dispatch_uid="accounts.audit.group_perms"
    )
    from .models import CommuneMembership

    post_delete.connect(
        membership_deleted, sender=CommuneMembership, dispatch_uid="accounts.audit.membership"
    )
    post_delete.connect(group_deleted, sender=Group, dispatch_uid="accounts.audit.group_deleted")
    for model in (GroupPagePermission, GroupCollectionPermission):
        post_save.connect(
            wagtail_permission_saved, sender=model, dispatch_uid=f"accounts.audit.{model.__name__}.saved"
        )
        post_delete.connect(
            wagtail_permission_deleted, sender=model, dispatch_uid=f"accounts.audit.{model.__name__}.deleted"
        )
