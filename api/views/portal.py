"""The partners' portal, ``/<lang>/partners/``: what the open API offers, registering, and the partner's own
area (status and terms, API keys, usage and exchange log, webhook subscriptions and their deliveries).

The area belongs to the partner's owner: a user sees their own (latest) application, and a key, a
subscription or a delivery of another partner is a 404 with nothing changed. Views read what to show and
call ``api.services`` for every change; a refused call comes back as a message on the form and writes
nothing. A whole API key or signing secret appears once, in the answer to the POST that made it (never
stored, ``Cache-Control: no-store``), and never again.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.web import Action, post_action, private_area, refusal_status, submitted
from market.models import Category
from village.models import Topic

from ..exceptions import HTTP_STATUSES, ApiServiceError
from ..forms import EmptyForm, KeyForm, RegistrationForm, SubscriptionForm, apply_service_error
from ..models import (
    ApiKey,
    ExchangeRecord,
    ItemKind,
    LinkClickDay,
    Partner,
    PartnerStatus,
    Scope,
    Subscription,
    Tier,
    UsageDay,
    WebhookDelivery,
)
from ..places import PlaceIndex, load_places
from ..quotas import quota_for_tier
from ..services import partners as partner_services
from ..services import subscriptions as subscription_services

USAGE_DAYS = 30
LOG_LIMIT = 50
TOP_LINKS = 20
CHART_HEIGHT = 100
CHART_BAR_STEP = 10
SUBSCRIPTION_FIELD_MAP = {"categories": "product_categories"}
SUBSCRIPTION_ACTIONS = {
    "pause": Action(EmptyForm, gettext_lazy("Paused: no events are sent until you resume.")),
    "resume": Action(EmptyForm, gettext_lazy("Resumed: new events are sent again.")),
}

partner_area = private_area  # logged-in users only, never cached (no-store)


def _error_status(error) -> int:
    return refusal_status(error, domain_error=ApiServiceError, statuses=HTTP_STATUSES)


def current_partner(user) -> Partner | None:
    """The user's application: the latest one (an earlier rejected one is history)."""
    return Partner.objects.filter(owner=user).order_by("-created_at", "-pk").first()


def _partner(request) -> Partner:
    partner = current_partner(request.user)
    if partner is None:
        raise Http404("You have no partner account.")
    return partner


def _key(partner: Partner, key_id: int) -> ApiKey:
    return get_object_or_404(ApiKey.objects.select_related("partner"), pk=key_id, partner=partner)


def _subscription(partner: Partner, subscription_id: int) -> Subscription:
    return get_object_or_404(
        Subscription.objects.select_related("partner"), pk=subscription_id, partner=partner
    )


def _render(request, template: str, partner: Partner | None, context: dict, status: int = 200):
    return render(request, f"api/portal/{template}", {"partner": partner, **context}, status=status)


def _places() -> PlaceIndex:
    return load_places(translation.get_language() or settings.LANGUAGE_CODE)


def _optional_url(name: str, **kwargs) -> str:
    """The address of a page another part of the exchange may not offer (yet)."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _feed_links(language: str) -> list[tuple[str, str]]:
    """Feeds of everything published, in the page's language."""
    names = (("atom", "Atom"), ("rss", "RSS"), ("json", "JSON Feed"))
    links = [
        (label, _optional_url("feed", language=language, kind="all", feed_format=feed_format))
        for feed_format, label in names
    ]
    return [(label, address) for label, address in links if address]


def _tiers() -> list[dict]:
    return [{"value": value, "label": label, "quota": quota_for_tier(value)} for value, label in Tier.choices]


# --- the public landing page ---------------------------------------------------------------------------


@require_safe
def landing(request):
    """What the open API offers: content, scopes, tiers and their quotas, the documentation."""
    return render(
        request,
        "api/portal/landing.html",
        {
            "scopes": Scope.choices,
            "tiers": _tiers(),
            "kinds": ItemKind.choices,
            "docs_url": reverse("api_docs"),
            "redoc_url": reverse("api_redoc"),
            "schema_url": reverse("api_schema"),
            "feeds": _feed_links(translation.get_language() or settings.LANGUAGE_CODE),
            "oembed_url": _optional_url("oembed"),
            "platform_name": settings.API_PLATFORM_NAME,
        },
    )


# --- registering -------------------------------------------------------------------------------------


@partner_area
@require_http_methods(["GET", "POST"])
def register(request):
    """Ask for access. One application at a time: with one waiting, approved or suspended, the dashboard."""
    previous = current_partner(request.user)
    if previous is not None and previous.status != PartnerStatus.REJECTED:
        return redirect("partners:dashboard")
    user = request.user
    initial = {"contact_name": user.get_full_name(), "contact_email": user.email}
    form = RegistrationForm(submitted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            partner_services.register_partner(owner=user, **form.cleaned_data)
        except ApiServiceError as error:
            apply_service_error(form, error)
            return _render(request, "register.html", None, {"form": form, "previous": previous}, 400)
        messages.success(
            request, _("Thank you! We read every application and answer by email, usually within a few days.")
        )
        return redirect("partners:dashboard")
    status = 400 if form.is_bound else 200
    return _render(request, "register.html", None, {"form": form, "previous": previous}, status)


# --- the dashboard: status, terms and keys ---------------------------------------------------------------


def _dashboard_page(request, partner: Partner, *, key_form=None, status=200):
    keys = list(ApiKey.objects.filter(partner=partner).order_by("-created_at", "-pk"))
    scope_labels = dict(Scope.choices)
    return _render(
        request,
        "dashboard.html",
        partner,
        {
            "section": "dashboard",
            "quota": quota_for_tier(partner.tier),
            "scopes": [(scope, scope_labels.get(scope, scope)) for scope in partner.scopes or []],
            "keys": keys,
            "active_key_count": sum(1 for key in keys if key.is_active),
            "key_form": key_form or KeyForm(),
            "docs_url": reverse("api_docs"),
        },
        status,
    )


@partner_area
@require_safe
def dashboard(request):
    partner = current_partner(request.user)
    if partner is None:
        return redirect("partners:register")
    return _dashboard_page(request, partner)


def _show_key(request, partner: Partner, api_key: ApiKey, full_key: str, *, replaced: ApiKey | None = None):
    """The whole key, this once: the answer to the POST that made it, kept by no cache."""
    response = _render(
        request,
        "key_created.html",
        partner,
        {"section": "dashboard", "api_key": api_key, "full_key": full_key, "replaced": replaced},
    )
    response["Cache-Control"] = "no-store"
    return response


@partner_area
@require_POST
def key_new(request):
    partner = _partner(request)
    form = KeyForm(request.POST)
    if not form.is_valid():
        return _dashboard_page(request, partner, key_form=form, status=400)
    try:
        api_key, full_key = partner_services.issue_key(
            partner=partner, actor=request.user, name=form.cleaned_data["name"]
        )
    except ApiServiceError as error:
        apply_service_error(form, error)
        return _dashboard_page(request, partner, key_form=form, status=_error_status(error))
    return _show_key(request, partner, api_key, full_key)


def _confirm_key_page(request, partner, api_key, action: str, *, form=None, status=200):
    return _render(
        request,
        "key_confirm.html",
        partner,
        {"section": "dashboard", "api_key": api_key, "action": action, "form": form or EmptyForm()},
        status,
    )


@partner_area
@require_http_methods(["GET", "POST"])
def key_rotate(request, key_id: int):
    """Replace a key: the old one stops working at once, the new one is shown once."""
    partner = _partner(request)
    api_key = _key(partner, key_id)
    if not api_key.is_active:
        messages.error(request, _("This key is already revoked; make a new key instead."))
        return redirect("partners:dashboard")
    if request.method == "GET":
        return _confirm_key_page(request, partner, api_key, "rotate")
    form = EmptyForm(request.POST)
    try:
        new_key, full_key = partner_services.rotate_key(api_key=api_key, actor=request.user)
    except ApiServiceError as error:
        apply_service_error(form, error)
        return _confirm_key_page(request, partner, api_key, "rotate", form=form, status=_error_status(error))
    return _show_key(request, partner, new_key, full_key, replaced=api_key)


@partner_area
@require_http_methods(["GET", "POST"])
def key_revoke(request, key_id: int):
    partner = _partner(request)
    api_key = _key(partner, key_id)
    if not api_key.is_active:
        messages.info(request, _("This key is already revoked."))
        return redirect("partners:dashboard")
    if request.method == "GET":
        return _confirm_key_page(request, partner, api_key, "revoke")
    partner_services.revoke_key(api_key=api_key, actor=request.user)
    messages.success(
        request,
        _("The key %(prefix)s… is revoked: requests made with it are refused from now on.")
        % {"prefix": api_key.prefix},
    )
    return redirect("partners:dashboard")


# --- usage and the exchange log ----------------------------------------------------------------------------


def usage_days(partner: Partner, *, today=None, days: int = USAGE_DAYS) -> list[dict]:
    """One row per day (UTC, as counted) of the last ``days`` days, oldest first, zero where nothing came."""
    today = today or timezone.now().date()
    first = today - timedelta(days=days - 1)
    counted = {
        row["day"]: row
        for row in UsageDay.objects.filter(partner=partner, day__gte=first, day__lte=today).values(
            "day", "requests", "throttled"
        )
    }
    rows = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = counted.get(day, {})
        rows.append({"day": day, "requests": row.get("requests", 0), "throttled": row.get("throttled", 0)})
    return rows


def _chart(rows: list[dict]) -> dict:
    """Bar heights (0–100) of a small server-drawn SVG; the table next to it says the same in words."""
    highest = max((row["requests"] for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        height = round(CHART_HEIGHT * row["requests"] / highest)
        throttled = round(CHART_HEIGHT * row["throttled"] / highest)
        bars.append(
            {
                "x": index * CHART_BAR_STEP + 1,
                "y": CHART_HEIGHT - height,
                "height": height,
                "throttled_y": CHART_HEIGHT - throttled,
                "throttled_height": throttled,
            }
        )
    return {"bars": bars, "width": len(rows) * CHART_BAR_STEP, "height": CHART_HEIGHT, "highest": highest}


@partner_area
@require_safe
def usage(request):
    partner = _partner(request)
    today = timezone.now().date()
    rows = usage_days(partner, today=today)
    first = rows[0]["day"]
    clicks = LinkClickDay.objects.filter(partner=partner, day__gte=first)
    top_links = list(
        clicks.values("path").annotate(total=Sum("clicks")).order_by("-total", "path")[:TOP_LINKS]
    )
    records = list(ExchangeRecord.objects.filter(partner=partner).order_by("-created_at", "-pk")[:LOG_LIMIT])
    return _render(
        request,
        "usage.html",
        partner,
        {
            "section": "usage",
            "days": rows,
            "chart": _chart(rows),
            "total_requests": sum(row["requests"] for row in rows),
            "total_throttled": sum(row["throttled"] for row in rows),
            "quota": quota_for_tier(partner.tier),
            "top_links": top_links,
            "total_clicks": clicks.aggregate(total=Sum("clicks"))["total"] or 0,
            "records": records,
            "log_limit": LOG_LIMIT,
        },
    )


# --- webhook subscriptions -------------------------------------------------------------------------------


def _describe_filters(subscription: Subscription, places: PlaceIndex) -> list[tuple[str, str]]:
    """The subscription's filters in words (canonical place ids shown by their titles)."""

    def titles(ids, known) -> str:
        return ", ".join(known[value].title if value in known else f"#{value}" for value in ids)

    kinds = dict(ItemKind.choices)
    languages = dict(settings.LANGUAGES)
    described = []
    if subscription.provinces:
        described.append((_("Provinces"), titles(subscription.provinces, places.provinces)))
    if subscription.communes:
        described.append((_("Communes"), titles(subscription.communes, places.communes)))
    if subscription.content_types:
        described.append(
            (_("Content types"), ", ".join(str(kinds.get(kind, kind)) for kind in subscription.content_types))
        )
    if subscription.categories:
        names = {**dict(Category.choices), **dict(Topic.choices)}
        described.append(
            (
                _("Categories and topics"),
                ", ".join(str(names.get(value, value)) for value in subscription.categories),
            )
        )
    if subscription.languages:
        described.append(
            (_("Languages"), ", ".join(str(languages.get(code, code)) for code in subscription.languages))
        )
    if subscription.minimum_ocop_stars:
        described.append((_("Minimum OCOP stars"), "★" * subscription.minimum_ocop_stars))
    if subscription.keywords:
        described.append((_("Keywords"), subscription.keywords))
    return described


def _can_subscribe(partner: Partner) -> bool:
    return partner.status == PartnerStatus.APPROVED and partner.has_scope(Scope.WEBHOOKS)


@partner_area
@require_safe
def subscriptions(request):
    partner = _partner(request)
    places = _places()
    rows = [
        {"subscription": subscription, "filters": _describe_filters(subscription, places)}
        for subscription in Subscription.objects.filter(partner=partner).order_by("-created_at", "-pk")
    ]
    return _render(
        request,
        "subscriptions.html",
        partner,
        {"section": "subscriptions", "rows": rows, "can_subscribe": _can_subscribe(partner)},
    )


def _show_secret(request, partner: Partner, subscription: Subscription, *, rotated: bool):
    """The signing secret, this once: the answer to the POST that made it, kept by no cache."""
    response = _render(
        request,
        "secret_created.html",
        partner,
        {"section": "subscriptions", "subscription": subscription, "rotated": rotated},
    )
    response["Cache-Control"] = "no-store"
    return response


@partner_area
@require_http_methods(["GET", "POST"])
def subscription_new(request):
    partner = _partner(request)
    form = SubscriptionForm(submitted(request), places=_places())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                subscription = subscription_services.create_subscription(
                    partner=partner, actor=request.user, **form.service_fields()
                )
            except ApiServiceError as error:
                apply_service_error(form, error, field_map=SUBSCRIPTION_FIELD_MAP)
                status = _error_status(error)
            else:
                return _show_secret(request, partner, subscription, rotated=False)
    return _render(
        request,
        "subscription_form.html",
        partner,
        {
            "section": "subscriptions",
            "form": form,
            "subscription": None,
            "can_subscribe": _can_subscribe(partner),
        },
        status,
    )


def _subscription_page(request, partner, subscription, *, form=None, action_form=None, status=200):
    if form is None:
        form = SubscriptionForm(places=_places(), initial=SubscriptionForm.initial_for(subscription))
    return _render(
        request,
        "subscription_form.html",
        partner,
        {
            "section": "subscriptions",
            "form": form,
            "subscription": subscription,
            "action_form": action_form or EmptyForm(),
            "can_subscribe": _can_subscribe(partner),
        },
        status,
    )


@partner_area
@require_http_methods(["GET", "POST"])
def subscription_edit(request, subscription_id: int):
    partner = _partner(request)
    subscription = _subscription(partner, subscription_id)
    if request.method == "GET":
        return _subscription_page(request, partner, subscription)
    form = SubscriptionForm(
        request.POST, places=_places(), initial=SubscriptionForm.initial_for(subscription)
    )
    if not form.is_valid():
        return _subscription_page(request, partner, subscription, form=form, status=400)
    try:
        subscription_services.update_subscription(
            subscription=subscription, actor=request.user, **form.service_fields()
        )
    except ApiServiceError as error:
        apply_service_error(form, error, field_map=SUBSCRIPTION_FIELD_MAP)
        subscription.refresh_from_db()
        return _subscription_page(request, partner, subscription, form=form, status=_error_status(error))
    messages.success(request, _("Saved."))
    return redirect("partners:subscription_edit", subscription_id=subscription.pk)


@partner_area
@require_POST
def subscription_action(request, subscription_id: int, action: str):
    """Pause or resume: plain POST forms."""
    if action not in SUBSCRIPTION_ACTIONS:
        raise Http404
    partner = _partner(request)
    subscription = _subscription(partner, subscription_id)
    return post_action(
        request,
        SUBSCRIPTION_ACTIONS[action],
        lambda _data: subscription_services.update_subscription(
            subscription=subscription, actor=request.user, is_active=action == "resume"
        ),
        refusals=(ApiServiceError,),
        apply_error=apply_service_error,
        error_status=_error_status,
        done_url=reverse("partners:subscription_edit", kwargs={"subscription_id": subscription.pk}),
        show_again=lambda form, status: _subscription_page(
            request, partner, subscription, action_form=form, status=status
        ),
    )


def _confirm_subscription_page(request, partner, subscription, action: str, *, form=None, status=200):
    return _render(
        request,
        "subscription_confirm.html",
        partner,
        {
            "section": "subscriptions",
            "subscription": subscription,
            "action": action,
            "form": form or EmptyForm(),
        },
        status,
    )


@partner_area
@require_http_methods(["GET", "POST"])
def subscription_secret(request, subscription_id: int):
    """A new signing secret: events are signed with it from now on; it is shown once."""
    partner = _partner(request)
    subscription = _subscription(partner, subscription_id)
    if request.method == "GET":
        return _confirm_subscription_page(request, partner, subscription, "secret")
    subscription = subscription_services.rotate_secret(subscription=subscription, actor=request.user)
    return _show_secret(request, partner, subscription, rotated=True)


@partner_area
@require_http_methods(["GET", "POST"])
def subscription_delete(request, subscription_id: int):
    partner = _partner(request)
    subscription = _subscription(partner, subscription_id)
    if request.method == "GET":
        return _confirm_subscription_page(request, partner, subscription, "delete")
    subscription_services.delete_subscription(subscription=subscription, actor=request.user)
    messages.success(
        request,
        _("The subscription “%(name)s” is deleted; nothing more is sent to it.") % {"name": subscription},
    )
    return redirect("partners:subscriptions")


# --- the delivery log --------------------------------------------------------------------------------------


def _deliveries_page(request, partner, subscription, *, form=None, status=200):
    deliveries = list(
        WebhookDelivery.objects.filter(subscription=subscription).order_by("-created_at", "-pk")[:LOG_LIMIT]
    )
    return _render(
        request,
        "deliveries.html",
        partner,
        {
            "section": "subscriptions",
            "subscription": subscription,
            "deliveries": deliveries,
            "form": form or EmptyForm(),
            "log_limit": LOG_LIMIT,
        },
        status,
    )


@partner_area
@require_safe
def deliveries(request, subscription_id: int):
    partner = _partner(request)
    return _deliveries_page(request, partner, _subscription(partner, subscription_id))


@partner_area
@require_POST
def redeliver(request, subscription_id: int, delivery_id: int):
    """Send a past event again, with the same event id (the receiver skips it if it already has it)."""
    partner = _partner(request)
    subscription = _subscription(partner, subscription_id)
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("subscription__partner"),
        pk=delivery_id,
        subscription=subscription,
    )
    return post_action(
        request,
        Action(EmptyForm, gettext_lazy("The event is queued to be sent again, with the same event id.")),
        lambda _data: subscription_services.redeliver(delivery=delivery, actor=request.user),
        refusals=(ApiServiceError,),
        apply_error=apply_service_error,
        error_status=_error_status,
        done_url=reverse("partners:deliveries", kwargs={"subscription_id": subscription.pk}),
        show_again=lambda form, status: _deliveries_page(
            request, partner, subscription, form=form, status=status
        ),
    )
