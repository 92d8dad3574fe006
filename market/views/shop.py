"""The producer area, ``/<lang>/my/shop/``: a villager's shop on a phone, without JavaScript.

Who may act for which shop is ``market.acting.producers_managed_by`` — the owner, or a digital team
member with the household's consent (assisted mode: every page then says for whom one acts). A shop
the user may not act for, and anything in it, is a 404. Views read what to show and call
``market.services`` for every change; a refused call comes back as a message on the form.

Adding a product takes three screens: photo, name and category; price and quantities; season,
description, OCOP and certifications. The draft lives in the session between screens; the safe copy
of the photo is stored (in the commune's image collection) when screen 1 is accepted and attached to
the product when screen 3 creates it. A refused screen writes nothing.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import AssistanceConsent, Role
from core.models import Event
from core.web import (
    Action,
    action_forms,
    post_action,
    private_area,
    refusal_status,
    render_for_household,
    submitted,
)
from payments import services as payment_services
from payments.exceptions import PaymentError, PaymentErrorCode
from village.models import CommunePage, CommuneWorkspace, VillageImage, VillagePage
from village.services import store_commune_photo

from .. import services
from ..acting import producers_managed_by
from ..exceptions import MarketError, MarketErrorCode
from ..forms.shop import (
    OCOP_FIELD_MAP,
    CancelForm,
    EmptyForm,
    LotForm,
    ProducerForm,
    ProductBasicsForm,
    ProductDetailsForm,
    ProductEditForm,
    ProductPhotoForm,
    ProductPriceForm,
    ShipForm,
    StatementForm,
    StockForm,
    apply_service_error,
    certification_field,
)
from ..models import (
    Lot,
    Order,
    OrderStatus,
    PaymentMethod,
    Producer,
    Product,
    ProductImage,
    ReviewStatus,
)
from ..services import payments as order_payments

ORDERS_PER_PAGE = 30
NEEDS_ACTION_LIMIT = 20
DRAFT_SESSION_KEY = "market.shop.product_draft.{producer_id}"
EVENT_LABELS = {
    "market.order.placed": gettext_lazy("Order placed"),
    "market.order.confirmed": gettext_lazy("Confirmed"),
    "market.order.shipped": gettext_lazy("Shipped"),
    "market.order.delivered": gettext_lazy("Delivered"),
    "market.order.completed": gettext_lazy("Completed"),
    "market.order.cancelled": gettext_lazy("Cancelled"),
    "market.order.refunded": gettext_lazy("Refunded"),
}
ORDER_ACTIONS = {
    "accept": Action(EmptyForm, gettext_lazy("Order accepted. Prepare the goods.")),
    "paid": Action(EmptyForm, gettext_lazy("Transfer received: the order is paid and confirmed.")),
    "ship": Action(ShipForm, gettext_lazy("Marked as shipped.")),
    "deliver": Action(EmptyForm, gettext_lazy("Marked as delivered. Thank you!")),
    "cancel": Action(CancelForm, gettext_lazy("Order cancelled. The stock is back on sale.")),
}
ERROR_STATUSES = {MarketErrorCode.ILLEGAL_TRANSITION: 409, MarketErrorCode.NOT_ALLOWED: 403}
STATEMENT_MESSAGES = {
    PaymentErrorCode.NOT_ALLOWED: gettext_lazy("Only the household itself can download its statement."),
    PaymentErrorCode.INVALID_PERIOD: gettext_lazy("The period ends before it starts."),
}


producer_area = private_area  # logged-in users only, never cached


def _shop(request, producer_id: int) -> Producer:
    """The shop ``producer_id`` if the user may act for it, else 404."""
    return get_object_or_404(
        producers_managed_by(request.user).select_related("owner", "commune", "village"), pk=producer_id
    )


def _render(request, template: str, producer: Producer | None, context: dict, status: int = 200):
    return render_for_household(
        request, f"market/shop/{template}", context, name="producer", owned=producer, status=status
    )


def _error_status(error) -> int:
    return refusal_status(error, domain_error=MarketError, statuses=ERROR_STATUSES)


def lot_urls(lot: Lot) -> tuple[str, str]:
    """The lot's public traceability page (the QR code on the pack opens it) and its printable label.

    The catalogue serves both; the path is the documented fallback while its URL names are missing.
    """
    try:
        return (
            reverse("market:lot", kwargs={"public_id": lot.public_id}),
            reverse("market:lot_label", kwargs={"public_id": lot.public_id}),
        )
    except NoReverseMatch:
        page = f"/{get_language()}/market/lots/{lot.public_id}/"
        return page, f"{page}label/"


# --- choosing and creating a shop -------------------------------------------------------------------


def _creatable(user) -> tuple[bool, list[AssistanceConsent]]:
    """Whether ``user`` may create their own shop, and the consenting households they may create one for."""
    owns_none = not Producer.objects.filter(owner=user).exists()
    is_producer = user.memberships.filter(role=Role.PRODUCER).exists()
    team_communes = user.memberships.filter(role=Role.DIGITAL_TEAM).values("commune_id")
    households = list(
        AssistanceConsent.objects.filter(
            helper=user, revoked_at__isnull=True, commune_id__in=team_communes, household__producers=None
        ).select_related("household", "commune")
    )
    return owns_none and is_producer, households


@producer_area
def index(request):
    producers = list(producers_managed_by(request.user).select_related("owner").order_by("name"))
    can_create_own, households = _creatable(request.user)
    if not households:
        if len(producers) == 1 and producers[0].owner_id == request.user.pk:
            return redirect("shop:dashboard", producer_id=producers[0].pk)
        if not producers and can_create_own:
            return redirect("shop:create")
    shops = [{"producer": p, "assisted": p.owner_id != request.user.pk} for p in producers]
    return _render(
        request,
        "index.html",
        None,
        {"shops": shops, "can_create_own": can_create_own, "households": households},
    )


def _creation_choices(user, owner) -> tuple[list[CommunePage], list]:
    """Communes a new shop of ``owner`` may belong to, and their villages grouped for a select."""
    if owner.pk == user.pk:
        commune_ids = set(user.memberships.filter(role=Role.PRODUCER).values_list("commune_id", flat=True))
    else:
        team = set(user.memberships.filter(role=Role.DIGITAL_TEAM).values_list("commune_id", flat=True))
        household = set(owner.memberships.filter(role=Role.PRODUCER).values_list("commune_id", flat=True))
        consented = set(
            AssistanceConsent.objects.filter(
                helper=user, household=owner, revoked_at__isnull=True
            ).values_list("commune_id", flat=True)
        )
        commune_ids = (household | consented) & team
    communes = list(CommunePage.objects.filter(pk__in=commune_ids).order_by("title"))
    groups = []
    for commune in communes:
        villages = VillagePage.objects.child_of(commune).live().order_by("title")
        groups.append((commune.title, [(village.pk, village.title) for village in villages]))
    return communes, groups


@producer_area
@require_http_methods(["GET", "POST"])
def create(request, household_id: int | None = None):
    """A new shop profile for oneself, or — in assisted mode — for a consenting household."""
    user = request.user
    if household_id is None:
        owner = user
    else:
        consent = get_object_or_404(
            AssistanceConsent.objects.select_related("household"),
            helper=user,
            household_id=household_id,
            revoked_at__isnull=True,
        )
        owner = consent.household
    if Producer.objects.filter(owner=owner).exists():
        return redirect("shop:index")
    communes, village_groups = _creation_choices(user, owner)
    context = {"owner": owner, "assisted": owner.pk != user.pk, "household": owner.get_full_name()}
    if not communes:
        return _render(request, "not_a_producer.html", None, context, status=403)
    initial = {
        "kind": "household",
        "offers_pickup": True,
        "accepts_cash_on_delivery": True,
        "bank_account_name": services.bank_account_name_from(owner.get_full_name()),
    }
    form = ProducerForm(submitted(request), communes=communes, village_groups=village_groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        commune = next(commune for commune in communes if commune.pk == form.cleaned_data["commune"])
        fields["village"] = (
            VillagePage.objects.filter(pk=fields["village"]).first() if fields["village"] else None
        )
        try:
            producer = services.create_producer(owner=owner, commune=commune, actor=user, **fields)
        except (ValidationError, MarketError) as error:
            apply_service_error(form, error)
            return _render(request, "create.html", None, {**context, "form": form}, status=400)
        messages.success(request, _("Your shop was sent to the commune for approval."))
        return redirect("shop:dashboard", producer_id=producer.pk)
    status = 400 if form.is_bound else 200
    return _render(request, "create.html", None, {**context, "form": form}, status=status)


@producer_area
@require_http_methods(["GET", "POST"])
def profile(request, producer_id: int):
    producer = _shop(request, producer_id)
    villages = VillagePage.objects.child_of(producer.commune).live().order_by("title")
    village_groups = [(producer.commune.title, [(village.pk, village.title) for village in villages])]
    fields = sorted(ProducerForm.base_fields.keys() - {"commune"})
    initial = {name: getattr(producer, name) for name in fields if name != "village"}
    initial["village"] = producer.village_id
    form = ProducerForm(submitted(request), village_groups=village_groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = form.service_fields()
        changes["village"] = (
            VillagePage.objects.filter(pk=changes["village"]).first() if changes["village"] else None
        )
        try:
            services.update_producer(producer=producer, actor=request.user, **changes)
        except (ValidationError, MarketError) as error:
            apply_service_error(form, error)
            return _render(request, "profile.html", producer, {"form": form, "section": "profile"}, 400)
        messages.success(request, _("Your shop profile is saved."))
        return redirect("shop:profile", producer_id=producer.pk)
    status = 400 if form.is_bound else 200
    return _render(request, "profile.html", producer, {"form": form, "section": "profile"}, status)


# --- dashboard ---------------------------------------------------------------------------------------


@producer_area
def dashboard(request, producer_id: int):
    producer = _shop(request, producer_id)
    orders = Order.objects.filter(producer=producer).select_related("checkout").order_by("created_at")
    now = timezone.now()
    needs_action = [
        {
            "key": "accept",
            "title": _("Cash orders to accept"),
            "hint": _("Accept before the time shown, or the order is cancelled."),
            "orders": list(
                orders.filter(
                    status=OrderStatus.PENDING_PAYMENT,
                    payment_method=PaymentMethod.CASH_ON_DELIVERY,
                    hold_expires_at__gt=now,
                )[:NEEDS_ACTION_LIMIT]
            ),
        },
        {
            "key": "ship",
            "title": _("Confirmed orders to send"),
            "hint": _("Pack them and mark them as shipped."),
            "orders": list(orders.filter(status=OrderStatus.CONFIRMED)[:NEEDS_ACTION_LIMIT]),
        },
        {
            "key": "deliver",
            "title": _("Shipped orders to mark as delivered"),
            "hint": _("When the buyer has the goods."),
            "orders": list(orders.filter(status=OrderStatus.SHIPPED)[:NEEDS_ACTION_LIMIT]),
        },
    ]
    order_counts = dict(
        Order.objects.filter(producer=producer).order_by().values_list("status").annotate(count=Count("id"))
    )
    product_counts = dict(
        Product.objects.filter(producer=producer)
        .order_by()
        .values_list("review_status")
        .annotate(count=Count("id"))
    )
    reliability = services.producer_reliability(producer)
    if reliability["fulfilment_rate"] is not None:
        reliability["fulfilment_percent"] = round(reliability["fulfilment_rate"] * 100)
    return _render(
        request,
        "dashboard.html",
        producer,
        {
            "section": "dashboard",
            "needs_action": needs_action,
            "has_actions": any(group["orders"] for group in needs_action),
            "order_counts": [(label, order_counts.get(value, 0)) for value, label in OrderStatus.choices],
            "product_counts": [
                (value, label, product_counts.get(value, 0)) for value, label in ReviewStatus.choices
            ],
            "reliability": reliability,
        },
    )


# --- products ----------------------------------------------------------------------------------------


def _products_page(request, producer, *, failed: tuple[int, StockForm] | None = None, status=200):
    products = list(
        Product.objects.filter(producer=producer)
        .annotate(photo_count=Count("images"))
        .select_related("ocop")
        .order_by("name_vi")
    )
    rows = []
    for product in products:
        prefix = f"stock-{product.pk}"
        if failed is not None and failed[0] == product.pk:
            form = failed[1]
        else:
            form = StockForm(prefix=prefix, initial={"stock": product.stock}, product=product)
        rows.append({"product": product, "stock_form": form})
    return _render(request, "products.html", producer, {"rows": rows, "section": "products"}, status)


@producer_area
def products(request, producer_id: int):
    return _products_page(request, _shop(request, producer_id))


@producer_area
@require_POST
def product_stock(request, producer_id: int, product_id: int):
    producer = _shop(request, producer_id)
    product = get_object_or_404(Product, pk=product_id, producer=producer)
    form = StockForm(request.POST, prefix=f"stock-{product.pk}", product=product)
    if form.is_valid():
        try:
            services.update_product(product=product, actor=request.user, stock=form.cleaned_data["stock"])
        except (ValidationError, MarketError) as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("Stock of %(product)s is now %(stock)s.")
                % {"product": product.name, "stock": form.cleaned_data["stock"]},
            )
            return redirect("shop:products", producer_id=producer.pk)
    return _products_page(request, producer, failed=(product.pk, form), status=400)


def _product_for_edit(request, producer_id: int, product_id: int) -> tuple[Producer, Product]:
    producer = _shop(request, producer_id)
    product = get_object_or_404(
        Product.objects.select_related("ocop").prefetch_related(
            "certifications", Prefetch("images", queryset=ProductImage.objects.select_related("image"))
        ),
        pk=product_id,
        producer=producer,
    )
    return producer, product


def _edit_page(request, producer, product, form, photo_form, status=200):
    return _render(
        request,
        "product_edit.html",
        producer,
        {
            "product": product,
            "form": form,
            "photo_form": photo_form,
            "photos": list(product.images.all()),
            "certifications": list(product.certifications.all()),
            "ocop": getattr(product, "ocop", None),
            "section": "products",
        },
        status,
    )


def _save_extras(*, product, form: ProductDetailsForm, actor, current_ocop: dict | None = None) -> None:
    """OCOP rating and certifications from screen 3 (or the edit page), through the services.

    An OCOP rating that did not change (the edit page shows the one on record) is not recorded again.
    """
    ocop = form.ocop()
    if ocop is not None and ocop != current_ocop:
        try:
            services.set_ocop_rating(product=product, actor=actor, **ocop)
        except ValidationError as error:
            raise ValidationError(
                {OCOP_FIELD_MAP.get(field, field): messages for field, messages in error.message_dict.items()}
                if hasattr(error, "error_dict")
                else error.messages
            ) from error
    for certification in form.certifications():
        try:
            services.add_certification(product=product, actor=actor, **certification)
        except ValidationError as error:
            number_field = certification_field(certification["kind"], "number")
            raise ValidationError(
                {
                    number_field if field == "certificate_number" else field: messages
                    for field, messages in error.message_dict.items()
                }
                if hasattr(error, "error_dict")
                else error.messages
            ) from error


def _current_ocop(product: Product) -> dict | None:
    ocop = getattr(product, "ocop", None)
    if ocop is None:
        return None
    return {
        "stars": ocop.stars,
        "certificate_number": ocop.certificate_number,
        "issued_on": ocop.issued_on,
        "issuing_province": ocop.issuing_province,
    }


def _edit_initial(product: Product) -> dict:
    ocop = getattr(product, "ocop", None)
    initial = {
        name: getattr(product, name)
        for name in (
            "name_vi",
            "category",
            "price",
            "unit",
            "stock",
            "minimum_order",
            "harvest_months",
            "description_vi",
            "name_en",
            "description_en",
        )
    }
    if ocop is not None:
        initial |= {
            "ocop_stars": ocop.stars,
            "ocop_certificate_number": ocop.certificate_number,
            "ocop_issued_on": ocop.issued_on,
            "ocop_issuing_province": ocop.issuing_province,
        }
    return initial


@producer_area
@require_http_methods(["GET", "POST"])
def product_edit(request, producer_id: int, product_id: int):
    producer, product = _product_for_edit(request, producer_id, product_id)
    form = ProductEditForm(submitted(request), initial=_edit_initial(product))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                updated = services.update_product(
                    product=product, actor=request.user, **form.product_fields()
                )
                _save_extras(
                    product=updated, form=form, actor=request.user, current_ocop=_current_ocop(product)
                )
        except (ValidationError, MarketError) as error:
            apply_service_error(form, error)
            return _edit_page(request, producer, product, form, ProductPhotoForm(), 400)
        if updated.review_status == ReviewStatus.PENDING and product.review_status != ReviewStatus.PENDING:
            messages.success(request, _("Saved. The commune checks the new name or description again."))
        else:
            messages.success(request, _("Saved."))
        return redirect("shop:product_edit", producer_id=producer.pk, product_id=product.pk)
    status = 400 if form.is_bound else 200
    return _edit_page(request, producer, product, form, ProductPhotoForm(), status)


@producer_area
@require_POST
def product_delete(request, producer_id: int, product_id: int):
    """Delete a listing (soft: buyers no longer see it, its orders stay, the commune can restore it)."""
    producer = _shop(request, producer_id)
    product = get_object_or_404(Product, pk=product_id, producer=producer)
    try:
        services.delete_product(product=product, actor=request.user)
    except MarketError as error:
        messages.error(request, error.message)
        return redirect("shop:product_edit", producer_id=producer.pk, product_id=product.pk)
    messages.success(
        request,
        _(
            "“%(product)s” is deleted: buyers no longer see it. Its orders stay. "
            "If this was a mistake, ask the commune to restore it."
        )
        % {"product": product.name},
    )
    return redirect("shop:products", producer_id=producer.pk)


@producer_area
@require_POST
def product_photo_add(request, producer_id: int, product_id: int):
    producer, product = _product_for_edit(request, producer_id, product_id)
    photo_form = ProductPhotoForm(request.POST, request.FILES)
    if photo_form.is_valid():
        image = store_commune_photo(
            commune=producer.commune,
            photo=photo_form.cleaned_data["photo"],
            user=request.user,
            title=product.name_vi,
        )
        try:
            services.add_product_image(product=product, image=image, actor=request.user)
        except (ValidationError, MarketError) as error:
            image.delete()
            apply_service_error(photo_form, error, field_map={"image": "photo"})
        else:
            messages.success(request, _("Photo added."))
            return redirect("shop:product_edit", producer_id=producer.pk, product_id=product.pk)
    form = ProductEditForm(initial=_edit_initial(product))
    return _edit_page(request, producer, product, form, photo_form, 400)


# --- a new product in three screens --------------------------------------------------------------------


def _draft(request, producer: Producer) -> dict:
    return dict(request.session.get(DRAFT_SESSION_KEY.format(producer_id=producer.pk), {}))


def _save_draft(request, producer: Producer, draft: dict) -> None:
    request.session[DRAFT_SESSION_KEY.format(producer_id=producer.pk)] = draft


def _draft_image(producer: Producer, draft: dict) -> VillageImage | None:
    """The photo of screen 1, if it is still there and in the shop's commune collection."""
    if not draft.get("image_id"):
        return None
    workspace = CommuneWorkspace.objects.filter(translation_key=producer.commune.translation_key).first()
    return VillageImage.objects.filter(pk=draft["image_id"], collection=workspace.collection).first()


def _drop_unused_image(image: VillageImage | None) -> None:
    """Delete a draft's photo that no product uses (a replaced photo, or a draft thrown away)."""
    if image is not None and not ProductImage.objects.filter(image=image).exists():
        image.delete()


def _step_context(step: int, **extra) -> dict:
    return {"step": step, "steps": 3, "section": "new_product", **extra}


@producer_area
@require_http_methods(["GET", "POST"])
def product_new_photo(request, producer_id: int):
    """Screen 1: photo, name and category."""
    producer = _shop(request, producer_id)
    draft = _draft(request, producer)
    image = _draft_image(producer, draft)
    form = ProductBasicsForm(
        submitted(request),
        request.FILES if request.method == "POST" else None,
        has_photo=image is not None,
        initial=draft,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("photo"):
            new_image = store_commune_photo(
                commune=producer.commune, photo=data["photo"], user=request.user, title=data["name_vi"]
            )
            _drop_unused_image(image)
            draft["image_id"] = new_image.pk
        draft |= {"name_vi": data["name_vi"], "category": data["category"]}
        _save_draft(request, producer, draft)
        return redirect("shop:product_new_price", producer_id=producer.pk)
    status = 400 if form.is_bound else 200
    return _render(
        request,
        "product_new_photo.html",
        producer,
        _step_context(1, form=form, image=image, draft=draft),
        status,
    )


@producer_area
@require_http_methods(["GET", "POST"])
def product_new_price(request, producer_id: int):
    """Screen 2: price (whole đồng), unit, stock and minimum order."""
    producer = _shop(request, producer_id)
    draft = _draft(request, producer)
    if not draft.get("name_vi") or _draft_image(producer, draft) is None:
        return redirect("shop:product_new", producer_id=producer.pk)
    form = ProductPriceForm(submitted(request), initial={"minimum_order": 1, "unit": "kg", **draft})
    if request.method == "POST" and form.is_valid():
        draft |= {name: form.cleaned_data[name] for name in ("price", "unit", "stock", "minimum_order")}
        _save_draft(request, producer, draft)
        return redirect("shop:product_new_details", producer_id=producer.pk)
    status = 400 if form.is_bound else 200
    return _render(
        request, "product_new_price.html", producer, _step_context(2, form=form, draft=draft), status
    )


@producer_area
@require_http_methods(["GET", "POST"])
def product_new_details(request, producer_id: int):
    """Screen 3: harvest months, description, OCOP, certifications — then send it for approval."""
    producer = _shop(request, producer_id)
    draft = _draft(request, producer)
    image = _draft_image(producer, draft)
    if not draft.get("name_vi") or image is None:
        return redirect("shop:product_new", producer_id=producer.pk)
    if "price" not in draft:
        return redirect("shop:product_new_price", producer_id=producer.pk)
    form = ProductDetailsForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        fields = {
            name: draft[name] for name in ("name_vi", "category", "price", "unit", "stock", "minimum_order")
        }
        try:
            with transaction.atomic():
                product = services.create_product(
                    producer=producer, actor=request.user, **fields, **form.product_fields()
                )
                _save_extras(product=product, form=form, actor=request.user)
                services.add_product_image(product=product, image=image, actor=request.user)
        except (ValidationError, MarketError) as error:
            apply_service_error(form, error)
        else:
            request.session.pop(DRAFT_SESSION_KEY.format(producer_id=producer.pk), None)
            messages.success(
                request,
                _("%(product)s was sent to the commune for approval. Buyers see it once it is approved.")
                % {"product": product.name_vi},
            )
            return redirect("shop:products", producer_id=producer.pk)
    status = 400 if form.is_bound else 200
    return _render(
        request,
        "product_new_details.html",
        producer,
        _step_context(3, form=form, draft=draft, image=image),
        status,
    )


@producer_area
@require_POST
def product_new_discard(request, producer_id: int):
    producer = _shop(request, producer_id)
    draft = _draft(request, producer)
    _drop_unused_image(_draft_image(producer, draft))
    request.session.pop(DRAFT_SESSION_KEY.format(producer_id=producer.pk), None)
    messages.success(request, _("The new product was thrown away."))
    return redirect("shop:products", producer_id=producer.pk)


# --- orders ------------------------------------------------------------------------------------------


@producer_area
def orders(request, producer_id: int):
    producer = _shop(request, producer_id)
    status = request.GET.get("status", "")
    queryset = (
        Order.objects.filter(producer=producer).select_related("checkout").order_by("-created_at", "-id")
    )
    if status in OrderStatus.values:
        queryset = queryset.filter(status=status)
    else:
        status = ""
    page_obj = Paginator(queryset, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return _render(
        request,
        "orders.html",
        producer,
        {
            "page_obj": page_obj,
            "status": status,
            "statuses": OrderStatus.choices,
            "section": "orders",
        },
    )


def _order(producer: Producer, reference: str) -> Order:
    return get_object_or_404(
        Order.objects.select_related("checkout", "buyer").prefetch_related("lines"),
        producer=producer,
        reference=reference,
    )


def _order_page(request, producer, order, *, bound: tuple[str, object] | None = None, status=200):
    forms = action_forms(ORDER_ACTIONS, bound)
    events = list(
        Event.objects.for_subject(order).select_related("actor", "on_behalf_of").order_by("occurred_at", "id")
    )
    timeline = [{"event": event, "label": EVENT_LABELS.get(event.name, event.name)} for event in events]
    available = {
        "accept": order.payment_method == PaymentMethod.CASH_ON_DELIVERY
        and services.can_transition(order, OrderStatus.CONFIRMED),
        "paid": order_payments.awaits_bank_transfer(order),
        "ship": services.can_transition(order, OrderStatus.SHIPPED),
        "deliver": services.can_transition(order, OrderStatus.DELIVERED),
        "cancel": services.can_transition(order, OrderStatus.CANCELLED),
    }
    return _render(
        request,
        "order_detail.html",
        producer,
        {
            "order": order,
            "checkout": order.checkout,
            "lines": list(order.lines.all()),
            "timeline": timeline,
            "forms": forms,
            "available": available,
            "failed_action": bound[0] if bound else "",
            "section": "orders",
        },
        status,
    )


@producer_area
def order_detail(request, producer_id: int, reference: str):
    producer = _shop(request, producer_id)
    return _order_page(request, producer, _order(producer, reference))


@producer_area
@require_POST
def order_action(request, producer_id: int, reference: str, action: str):
    """Accept (cash on delivery), confirm a transfer, ship, mark delivered or cancel — plain POST forms."""
    if action not in ORDER_ACTIONS:
        raise Http404
    producer = _shop(request, producer_id)
    order = _order(producer, reference)

    def perform(data: dict) -> None:
        if action == "accept":
            services.accept_cash_order(order=order, actor=request.user)
        elif action == "paid":
            order_payments.confirm_bank_transfer(order=order, actor=request.user)
        elif action == "ship":
            services.ship_order(order=order, actor=request.user, tracking_note=data["tracking_note"])
        elif action == "deliver":
            services.mark_delivered(order=order, actor=request.user)
        else:
            services.cancel_order(order=order, actor=request.user, reason=data["reason"], as_buyer=False)

    return post_action(
        request,
        ORDER_ACTIONS[action],
        perform,
        refusals=(ValidationError, MarketError),
        apply_error=apply_service_error,
        error_status=_error_status,
        done_url=reverse(
            "shop:order_detail", kwargs={"producer_id": producer.pk, "reference": order.reference}
        ),
        show_again=lambda form, status: _order_page(
            request, producer, _order(producer, reference), bound=(action, form), status=status
        ),
    )


# --- lots --------------------------------------------------------------------------------------------


def _lots_page(request, producer, form, status=200):
    lots = list(
        Lot.objects.filter(product__producer=producer).select_related("product").order_by("-created_at")
    )
    rows = []
    for lot in lots:
        page, label = lot_urls(lot)
        rows.append({"lot": lot, "trace_url": page, "label_url": label})
    return _render(request, "lots.html", producer, {"rows": rows, "form": form, "section": "lots"}, status)


@producer_area
@require_http_methods(["GET", "POST"])
def lots(request, producer_id: int):
    producer = _shop(request, producer_id)
    products = list(Product.objects.filter(producer=producer).order_by("name_vi"))
    form = LotForm(submitted(request), products=products)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        product = next(product for product in products if product.pk == data.pop("product"))
        try:
            lot = services.create_lot(product=product, actor=request.user, **data)
        except (ValidationError, MarketError) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Lot %(code)s is recorded.") % {"code": lot.code})
            return redirect("shop:lots", producer_id=producer.pk)
    return _lots_page(request, producer, form, 400 if form.is_bound else 200)


# --- what the platform owes the producer -------------------------------------------------------------


@producer_area
def payouts(request, producer_id: int):
    """The balance the platform owes the household, and its ledger as CSV for a period."""
    producer = _shop(request, producer_id)
    today = timezone.localdate()
    form = StatementForm(
        request.GET if "start" in request.GET else None, initial={"start": today.replace(day=1), "end": today}
    )
    if form.is_bound and form.is_valid():
        start: date = form.cleaned_data["start"]
        end: date = form.cleaned_data["end"]
        try:
            text = payment_services.payout_statement_csv(
                payee=producer.owner, start=start, end=end, actor=request.user
            )
        except PaymentError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(STATEMENT_MESSAGES.get(error.code, error.message)))
        else:
            response = HttpResponse(text, content_type="text/csv; charset=utf-8")
            filename = f"{producer.slug}-{start.isoformat()}-{end.isoformat()}.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    balance = payment_services.balance_of(producer.owner)
    status = 400 if form.is_bound else 200
    return _render(
        request, "payouts.html", producer, {"balance": balance, "form": form, "section": "payouts"}, status
    )
