"""Partners and their keys: register, approve / reject / suspend / reinstate, issue, rotate, revoke."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import record_event

from ..exceptions import ApiErrorCode, ApiServiceError
from ..keys import forget_cached_keys, new_key_material
from ..models import ApiKey, Partner, PartnerStatus, Scope, Tier


def _check_scopes(scopes) -> list[str]:
    known = set(Scope.values)
    unknown = [scope for scope in scopes if scope not in known]
    if unknown:
        raise ApiServiceError(
            ApiErrorCode.UNKNOWN_SCOPE,
            _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)},
            field="scopes",
        )
    return sorted(set(scopes), key=Scope.values.index)


def register_partner(
    *, owner, organisation: str, website: str, contact_name: str, contact_email: str, intended_use: str
) -> Partner:
    """A partner asks for access; a platform admin decides (status *pending* until then).

    One live application per account: a pending, approved or suspended one refuses a new one (after a
    rejection the account may apply again). The account row is locked so two tabs cannot both apply."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        live = Partner.objects.filter(owner=owner).exclude(status=PartnerStatus.REJECTED).first()
        if live is not None:
            raise ApiServiceError(
                ApiErrorCode.PARTNER_ALREADY_REVIEWED,
                _("This account already has a partner application (%(status)s).")
                % {"status": live.get_status_display()},
            )
        partner = Partner.objects.create(
            owner=owner,
            organisation=organisation,
            website=website,
            contact_name=contact_name,
            contact_email=contact_email,
            intended_use=intended_use,
        )
        record_event(
            "api.partner.registered", subject=partner, actor=owner, payload={"organisation": organisation}
        )
    return partner


def approve_partner(*, partner: Partner, reviewer, tier: str, scopes, licence_terms: str = "") -> Partner:
    if tier not in Tier.values:
        raise ApiServiceError(ApiErrorCode.INVALID_FILTER, _("Unknown tier."), field="tier")
    scopes = _check_scopes(scopes)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if partner.status not in (PartnerStatus.PENDING, PartnerStatus.REJECTED):
            raise ApiServiceError(
                ApiErrorCode.PARTNER_ALREADY_REVIEWED,
                _("This partner is %(status)s; approval is for waiting or rejected applications.")
                % {"status": partner.get_status_display()},
            )
        partner.status = PartnerStatus.APPROVED
        partner.tier = tier
        partner.scopes = scopes
        partner.licence_terms = licence_terms
        partner.status_reason = ""
        partner.reviewed_by = reviewer
        partner.reviewed_at = timezone.now()
        partner.save()
        forget_cached_keys()
        record_event(
            "api.partner.approved",
            subject=partner,
            actor=reviewer,
            payload={"tier": tier, "scopes": scopes},
        )
    return partner


def update_partner_terms(*, partner: Partner, reviewer, tier: str, scopes, licence_terms: str) -> Partner:
    """Change an approved partner's tier, scopes or licence terms (status unchanged)."""
    if tier not in Tier.values:
        raise ApiServiceError(ApiErrorCode.INVALID_FILTER, _("Unknown tier."), field="tier")
    scopes = _check_scopes(scopes)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        before = {"tier": partner.tier, "scopes": partner.scopes}
        partner.tier, partner.scopes, partner.licence_terms = tier, scopes, licence_terms
        partner.save()
        forget_cached_keys()
        record_event(
            "api.partner.terms_changed",
            subject=partner,
            actor=reviewer,
            payload={"from": before, "to": {"tier": tier, "scopes": scopes}},
        )
    return partner


def _set_status(*, partner: Partner, reviewer, status: str, reason: str, event: str, allowed_from) -> Partner:
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if partner.status not in allowed_from:
            raise ApiServiceError(
                ApiErrorCode.PARTNER_ALREADY_REVIEWED,
                _("This partner is %(status)s; that cannot be changed this way.")
                % {"status": partner.get_status_display()},
            )
        partner.status = status
        partner.status_reason = reason
        partner.reviewed_by = reviewer
        partner.reviewed_at = timezone.now()
        partner.save()
        forget_cached_keys()
        record_event(event, subject=partner, actor=reviewer, payload={"reason": reason})
    return partner


def reject_partner(*, partner: Partner, reviewer, reason: str) -> Partner:
    return _set_status(
        partner=partner,
        reviewer=reviewer,
        status=PartnerStatus.REJECTED,
        reason=reason,
        event="api.partner.rejected",
        allowed_from={PartnerStatus.PENDING},
    )


def suspend_partner(*, partner: Partner, reviewer, reason: str) -> Partner:
    """Every key of the partner stops working (403) until reinstated; subscriptions stop receiving."""
    return _set_status(
        partner=partner,
        reviewer=reviewer,
        status=PartnerStatus.SUSPENDED,
        reason=reason,
        event="api.partner.suspended",
        allowed_from={PartnerStatus.APPROVED},
    )


def reinstate_partner(*, partner: Partner, reviewer) -> Partner:
    return _set_status(
        partner=partner,
        reviewer=reviewer,
        status=PartnerStatus.APPROVED,
        reason="",
        event="api.partner.reinstated",
        allowed_from={PartnerStatus.SUSPENDED},
    )


def issue_key(*, partner: Partner, actor, name: str = "") -> tuple[ApiKey, str]:
    """A new key for an approved partner. Returns the row and the whole key, which is never shown again."""
    full_key, prefix, secret_hash = new_key_material()
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if partner.status != PartnerStatus.APPROVED:
            raise ApiServiceError(
                ApiErrorCode.PARTNER_NOT_APPROVED, _("Keys are issued once the partner has been approved.")
            )
        api_key = ApiKey.objects.create(
            partner=partner, name=name, prefix=prefix, secret_hash=secret_hash, created_by=actor
        )
        record_event("api.key.issued", subject=partner, actor=actor, payload={"prefix": prefix})
    return api_key, full_key


def revoke_key(*, api_key: ApiKey, actor) -> ApiKey:
    with transaction.atomic():
        api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at"])
            forget_cached_keys()
            record_event(
                "api.key.revoked", subject=api_key.partner, actor=actor, payload={"prefix": api_key.prefix}
            )
    return api_key


def rotate_key(*, api_key: ApiKey, actor) -> tuple[ApiKey, str]:
    """Revoke ``api_key`` and issue its replacement in one step."""
    with transaction.atomic():
        revoke_key(api_key=api_key, actor=actor)
        return issue_key(partner=api_key.partner, actor=actor, name=api_key.name)
