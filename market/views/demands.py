"""Buyer demands, producers' offers and the inquiry threads between them — plain HTML forms, no JavaScript.

The buyer's side lives under ``/<lang>/market/demands/`` and ``/<lang>/market/messages/``: post a demand,
see the producers' listings ranked for it with *why* (each part of the score and the reasons), contact a
producer, accept an offer (it becomes an order; the buyer lands on the order's own page to pay) or
decline it, close the demand. The producer's side lives in the shop, ``/<lang>/my/shop/<id>/demands/``,
``…/offers/`` and ``…/messages/``: the open demands that fit the shop's products, ranked the same way,
an offer for one of them, withdrawing it, answering the buyers who wrote.

Every change goes through ``market.services.demands``; the ranking is ``market.matching``. Another
buyer's demand or thread, or a shop the user may not act for, is a 404 — nothing tells a stranger that it
exists. Neither side ever sees the other's phone, email or address: a buyer is shown by their first name
only, a producer by the shop's name.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.web import private_area, render_for_household, submitted

from .. import matching, selectors
from ..acting import producers_managed_by
from ..exceptions import MarketError
from ..forms.buyer import CheckoutForm
from ..forms.demands import DemandForm, MessageForm, OfferForm, apply_demand_error, demand_error_message
from ..models import (
    BuyerDemand,
    CertificationKind,
    DemandOffer,
    DemandStatus,
    InquiryThread,
    OfferStatus,
    Producer,
    Product,
)
from ..services import demands as demand_services
from .orders import start_payment

DEMANDS_PER_PAGE = 20
OFFERS_PER_PAGE = 30
THREADS_PER_PAGE = 30
MATCH_LIMIT = 20
PRODUCER_DEMAND_LIMIT = 50

# What each part of a match's score means, for the "why" of every match (``market.matching.WEIGHTS``).
PART_LABELS = {
    "text": gettext_lazy("Words of your demand"),
    "category": gettext_lazy("Category"),
    "quantity": gettext_lazy("Quantity available"),
    "price": gettext_lazy("Price"),
    "certification": gettext_lazy("Certifications and OCOP"),
    "distance": gettext_lazy("Distance to the delivery place"),
    "season": gettext_lazy("Harvest season"),
    "reliability": gettext_lazy("Producer reliability"),
}
# The same parts, as the producer reads them about their own product.
PRODUCER_PART_LABELS = {
    **PART_LABELS,
    "text": gettext_lazy("Words of the demand"),
    "quantity": gettext_lazy("Your quantity"),
    "reliability": gettext_lazy("Your reliability"),
}


# --- presentation helpers -------------------------------------------------------------------------------


def buyer_label(user) -> str:
    """How a producer sees a buyer: the first name only (never the phone or email an account may show)."""
    return user.first_name or _("A buyer")


def explain(match, *, prefix: str, labels=PART_LABELS) -> dict:
    """A match's *why* for the template.

    ``Match.parts`` are the parts' weighted contributions, adding up to the score; each part is shown as
    how well it fits (its contribution over its weight, as a percentage, the meter's value) and as the
    points it adds to the score out of the points it could add. Parts that weigh nothing are left out.
    """
    weights = matching.WEIGHTS
    total_weight = sum(weight for weight in weights.values() if weight > 0) or 1.0
    parts = []
    for name, weight in weights.items():
        if weight <= 0 or name not in match.parts:
            continue
        contribution = max(0.0, float(match.parts[name]))
        fit = min(contribution / weight, 1.0)
        parts.append(
            {
                "name": name,
                "label": labels.get(name, name.replace("_", " ").capitalize()),
                "percent": round(fit * 100),
                "points": round(contribution / total_weight * 100),
                "maximum": round(weight / total_weight * 100),
            }
        )
    return {
        "match": match,
        "prefix": prefix,
        "product": match.product,
        "percent": round(min(max(float(match.score) / total_weight, 0.0), 1.0) * 100),
        "parts": parts,
        "reasons": list(match.reasons),
    }


def _prefetch_products(products) -> None:
    """Load, in a few queries for the whole list, what a match card shows of each product."""
    prefetch_related_objects(
        [product for product in products if product is not None],
        "producer",
        "commune",
        "ocop",
    )


def demand_certification_labels(demand) -> list[str]:
    """The demand's required certifications, by their names."""
    labels = dict(CertificationKind.choices)
    return [str(labels.get(kind, kind)) for kind in demand.required_certifications or ()]


# --- the buyer: demands ---------------------------------------------------------------------------------


def _buyer_demand(request, public_id) -> BuyerDemand:
    """The signed-in buyer's own demand, else 404."""
    return get_object_or_404(BuyerDemand, public_id=public_id, buyer=request.user)


@login_required
@never_cache
def my_demands(request):
    demands = BuyerDemand.objects.filter(buyer=request.user).order_by("-created_at", "-pk")
    page_obj = Paginator(demands, DEMANDS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    open_offers = _open_offer_counts(rows)
    return render(
        request,
        "market/demands/my_demands.html",
        {
            "page_obj": page_obj,
            "demands": [{"demand": demand, "open_offers": open_offers.get(demand.pk, 0)} for demand in rows],
        },
    )


def _open_offer_counts(demands) -> dict[int, int]:
    """How many offers wait for the buyer's answer, per demand of the page (one query)."""
    return dict(
        DemandOffer.objects.filter(demand__in=demands, status=OfferStatus.OPEN)
        .values("demand_id")
        .annotate(count=Count("pk"))
        .values_list("demand_id", "count")
    )


def _demand_form_page(request, *, save, done: str, demand: BuyerDemand | None = None):
    """The demand form, to post a demand or change one: ``save(arguments)`` calls the service and returns
    the demand; a refusal is shown on its field (400) and nothing is written."""
    form = DemandForm(submitted(request), initial=DemandForm.initial_of(demand) if demand else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = save(form.service_arguments())
            except (MarketError, ValidationError) as error:
                apply_demand_error(form, error)
            else:
                messages.success(request, done)
                return redirect("market:demand", public_id=saved.public_id)
        status = 400
    return render(request, "market/demands/demand_form.html", {"form": form, "demand": demand}, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def demand_new(request):
    return _demand_form_page(
        request,
        save=lambda arguments: demand_services.post_demand(buyer=request.user, **arguments),
        done=_("Your demand is posted. Here are the producers that fit it."),
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def demand_edit(request, public_id):
    """The buyer changes an open demand; the ranking and the producers who see it follow the change."""
    demand = _buyer_demand(request, public_id)
    if demand.status != DemandStatus.OPEN:
        messages.error(request, _("This demand is no longer open, so it cannot be changed."))
        return redirect("market:demand", public_id=demand.public_id)
    return _demand_form_page(
        request,
        save=lambda arguments: demand_services.update_demand(demand=demand, actor=request.user, **arguments),
        done=_("Your demand is changed. The ranking below follows the change."),
        demand=demand,
    )


@login_required
@never_cache
def demand_detail(request, public_id):
    demand = _buyer_demand(request, public_id)
    matches = []
    if demand.status == DemandStatus.OPEN:
        found = matching.matches_for_demand(demand, limit=MATCH_LIMIT)
        _prefetch_products([match.product for match in found])
        matches = [explain(match, prefix=f"match-{match.product.pk}") for match in found]
    offers = list(
        demand.offers.select_related("product", "producer", "order__checkout").order_by("-created_at", "-pk")
    )
    threads = {
        thread.producer_id: thread
        for thread in InquiryThread.objects.filter(buyer=request.user, demand=demand).only(
            "public_id", "producer_id", "last_message_at", "buyer_read_at"
        )
    }
    for item in matches:
        item["thread"] = threads.get(item["product"].producer_id)
    return render(
        request,
        "market/demands/demand_detail.html",
        {
            "demand": demand,
            "matches": matches,
            "offers": offers,
            "open_offers": [offer for offer in offers if offer.status == OfferStatus.OPEN],
            "threads": threads,
            "is_open": demand.status == DemandStatus.OPEN,
            "certification_labels": demand_certification_labels(demand),
        },
    )


@login_required
@require_POST
def demand_close(request, public_id):
    demand = _buyer_demand(request, public_id)
    try:
        demand_services.close_demand(demand=demand, actor=request.user)
    except (MarketError, ValidationError) as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, _("Your demand is closed. Producers no longer see it."))
    return redirect("market:demand", public_id=demand.public_id)


def _refusal_text(error) -> str:
    if isinstance(error, MarketError):
        return demand_error_message(error)
    return " ".join(error.messages)


def _demand_offer(request, public_id, offer_id) -> tuple[BuyerDemand, DemandOffer]:
    demand = _buyer_demand(request, public_id)
    offer = get_object_or_404(
        DemandOffer.objects.select_related("product", "producer", "demand"), pk=offer_id, demand=demand
    )
    return demand, offer


def _accept_initial(request, demand) -> dict:
    user = request.user
    return {
        "buyer_name": user.full_name,
        "buyer_phone": user.phone or "",
        "buyer_email": user.email or "",
        "delivery_province": demand.delivery_province,
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def offer_accept(request, public_id, offer_id):
    """GET: the offer and the buyer's details for its order; POST: accept it — the order is made, its payment
    starts as a checkout's does, and the buyer goes to pay (card) or to the order's page."""
    demand, offer = _demand_offer(request, public_id, offer_id)
    if offer.status != OfferStatus.OPEN:
        messages.error(request, _("This offer can no longer be accepted."))
        return redirect("market:demand", public_id=demand.public_id)
    producer = offer.producer
    options = selectors.payment_options([producer])
    status = 200
    if request.method == "POST":
        form = CheckoutForm(request.POST, producers=[producer], payment_options=options)
        if form.is_valid():
            data = form.cleaned_data
            buyer = form.buyer(request.user)
            try:
                order = demand_services.accept_offer(
                    offer=offer,
                    actor=request.user,
                    buyer=buyer,
                    payment_method=data["payment_method"],
                    delivery_method=form.delivery_methods()[producer.pk],
                )
            except (MarketError, ValidationError) as error:
                apply_demand_error(form, error, field_map={"delivery_method": f"delivery_{producer.pk}"})
            else:
                messages.success(
                    request,
                    _("You accepted the offer: order %(reference)s is placed.")
                    % {"reference": order.reference},
                )
                # the same hand-over to payments as a checkout: a card goes to pay, the others wait on
                # the order's page (with the VietQR code, or cash on delivery)
                return start_payment(request, order.checkout)
        status = 400
    else:
        form = CheckoutForm(
            initial=_accept_initial(request, demand), producers=[producer], payment_options=options
        )
    return render(
        request,
        "market/demands/offer_accept.html",
        {
            "demand": demand,
            "offer": offer,
            "form": form,
            "delivery_field": form[f"delivery_{producer.pk}"],
            "fees": selectors.delivery_fees(producer),
            "payment_options": options,
        },
        status=status,
    )


@login_required
@require_POST
def offer_decline(request, public_id, offer_id):
    demand, offer = _demand_offer(request, public_id, offer_id)
    try:
        demand_services.decline_offer(offer=offer, actor=request.user)
    except (MarketError, ValidationError) as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(
            request, _("You declined the offer of %(producer)s.") % {"producer": offer.producer.name}
        )
    return redirect("market:demand", public_id=demand.public_id)


def _contact(request, *, producer, demand=None, product=None):
    """Write to a producer about a demand or a product: opens the inquiry thread, or goes to the open one."""
    existing = InquiryThread.objects.filter(
        buyer=request.user, producer=producer, demand=demand, product=None if demand else product
    ).first()
    if existing is not None:
        return redirect("market:inquiry", public_id=existing.public_id)
    form = MessageForm(submitted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                thread = demand_services.open_inquiry(
                    buyer=request.user,
                    producer=producer,
                    demand=demand,
                    product=None if demand else product,
                    body=form.cleaned_data["body"],
                )
            except (MarketError, ValidationError) as error:
                apply_demand_error(form, error)
            else:
                messages.success(
                    request, _("Your message is sent to %(producer)s.") % {"producer": producer.name}
                )
                return redirect("market:inquiry", public_id=thread.public_id)
        status = 400
    return render(
        request,
        "market/demands/contact.html",
        {"demand": demand, "product": product, "producer": producer, "form": form},
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def demand_contact(request, public_id, producer_id):
    """Write to a producer about one's demand."""
    demand = _buyer_demand(request, public_id)
    producer = get_object_or_404(Producer.objects.approved(), pk=producer_id)
    return _contact(request, producer=producer, demand=demand)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def product_contact(request, slug):
    """Ask the producer of a listed product a question (the "Ask the producer" link of the product page)."""
    product = selectors.product_page(slug)
    if product is None:
        raise Http404
    return _contact(request, producer=product.producer, product=product)


# --- inquiry threads (both sides) -----------------------------------------------------------------------


def _thread_rows(threads, *, side: str) -> list[dict]:
    rows = []
    for thread in threads:
        read_at = thread.buyer_read_at if side == "buyer" else thread.producer_read_at
        rows.append(
            {
                "thread": thread,
                "unread": read_at is None or read_at < thread.last_message_at,
                "other": thread.producer.name if side == "buyer" else buyer_label(thread.buyer),
            }
        )
    return rows


def _thread_messages(thread, thread_messages) -> list[dict]:
    """The thread's messages, each with who wrote it as the other side may see it."""
    rows = []
    for message in thread_messages:
        from_buyer = message.author_id == thread.buyer_id
        rows.append(
            {
                "message": message,
                "from_buyer": from_buyer,
                "author": buyer_label(thread.buyer) if from_buyer else thread.producer.name,
            }
        )
    return rows


def _threads_for(queryset):
    return queryset.select_related("producer", "buyer", "demand", "product").order_by(
        "-last_message_at", "-pk"
    )


def _thread_page(request, thread, *, side: str, post_url: str, template: str, render_page):
    """The thread page: GET marks it read for ``side``; POST adds a message."""
    form = MessageForm(submitted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                demand_services.post_message(
                    thread=thread, author=request.user, body=form.cleaned_data["body"]
                )
            except (MarketError, ValidationError) as error:
                apply_demand_error(form, error)
            else:
                messages.success(request, _("Your message is sent."))
                return redirect(post_url)
        status = 400
    else:
        demand_services.mark_read(thread=thread, reader=request.user)
    thread_messages = list(thread.messages.order_by("created_at", "pk"))
    context = {
        "thread": thread,
        "thread_messages": _thread_messages(thread, thread_messages),
        "form": form,
        "side": side,
        "other": thread.producer.name if side == "buyer" else buyer_label(thread.buyer),
        "post_url": post_url,
    }
    return render_page(template, context, status)


@login_required
@never_cache
def buyer_inquiries(request):
    threads = _threads_for(InquiryThread.objects.filter(buyer=request.user))
    page_obj = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "market/demands/inquiries.html",
        {"page_obj": page_obj, "threads": _thread_rows(page_obj.object_list, side="buyer"), "side": "buyer"},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def buyer_inquiry(request, public_id):
    thread = get_object_or_404(
        InquiryThread.objects.select_related("producer", "buyer", "demand", "product"),
        public_id=public_id,
        buyer=request.user,
    )
    return _thread_page(
        request,
        thread,
        side="buyer",
        post_url=reverse("market:inquiry", kwargs={"public_id": thread.public_id}),
        template="market/demands/inquiry.html",
        render_page=lambda template, context, status: render(request, template, context, status=status),
    )


# --- the producer: open demands, offers, threads --------------------------------------------------------


def _shop(request, producer_id: int) -> Producer:
    """The shop ``producer_id`` if the user may act for it, else 404."""
    return get_object_or_404(
        producers_managed_by(request.user).select_related("owner", "commune"), pk=producer_id
    )


def _render_shop(request, template: str, producer, context: dict, status: int = 200):
    return render_for_household(
        request, f"market/demands/{template}", context, name="producer", owned=producer, status=status
    )


def _open_offer_keys(producer, demands) -> set[tuple[int, int]]:
    return set(
        DemandOffer.objects.filter(
            producer=producer, demand__in=demands, status=OfferStatus.OPEN
        ).values_list("demand_id", "product_id")
    )


@private_area
def producer_demands(request, producer_id: int):
    """The open demands that fit this shop's products, best first, each with its *why*."""
    producer = _shop(request, producer_id)
    pairs = matching.open_demands_for_producer(producer, limit=PRODUCER_DEMAND_LIMIT)
    _prefetch_products([match.product for _demand, match in pairs])
    offered = _open_offer_keys(producer, [demand for demand, _match in pairs])
    rows = []
    for index, (demand, match) in enumerate(pairs):
        row = explain(match, prefix=f"demand-{index}", labels=PRODUCER_PART_LABELS)
        row["demand"] = demand
        row["offered"] = (demand.pk, match.product.pk) in offered
        row["certification_labels"] = demand_certification_labels(demand)
        rows.append(row)
    return _render_shop(request, "producer_demands.html", producer, {"rows": rows, "section": "demands"})


def _producer_visible_demand(producer, public_id) -> BuyerDemand:
    """An open demand, or one this shop has made an offer on; else 404."""
    demand = get_object_or_404(BuyerDemand, public_id=public_id)
    if demand.status != DemandStatus.OPEN and not demand.offers.filter(producer=producer).exists():
        raise Http404
    return demand


@private_area
@require_http_methods(["GET", "POST"])
def producer_demand(request, producer_id: int, public_id):
    """One demand as a producer sees it (no buyer's contact details): how the shop's products fit it, the
    shop's offers on it, and the form to make one."""
    producer = _shop(request, producer_id)
    demand = _producer_visible_demand(producer, public_id)
    products = list(Product.objects.listed().filter(producer=producer).order_by("name_vi", "pk"))
    form = OfferForm(submitted(request), products=products)
    status = 200
    if request.method == "POST":
        if demand.status != DemandStatus.OPEN:
            form.is_valid()
            form.add_error(None, _("This demand is no longer open."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                demand_services.make_offer(
                    demand=demand,
                    product=form.chosen_product(),
                    actor=request.user,
                    quantity=data["quantity"],
                    unit_price=data["unit_price"],
                    available_on=data["available_on"],
                    note=data["note"],
                )
            except (MarketError, ValidationError) as error:
                apply_demand_error(form, error)
            else:
                messages.success(request, _("Your offer is sent to the buyer."))
                return redirect("shop:offers", producer_id=producer.pk)
        status = 400
    fits = []
    if demand.status == DemandStatus.OPEN:
        pairs = [
            (found, match)
            for found, match in matching.open_demands_for_producer(producer, limit=PRODUCER_DEMAND_LIMIT)
            if found.pk == demand.pk
        ]
        _prefetch_products([match.product for _found, match in pairs])
        fits = [
            explain(match, prefix=f"fit-{index}", labels=PRODUCER_PART_LABELS)
            for index, (_found, match) in enumerate(pairs)
        ]
    offers = list(
        demand.offers.filter(producer=producer).select_related("product").order_by("-created_at", "-pk")
    )
    thread = InquiryThread.objects.filter(producer=producer, demand=demand).first()
    return _render_shop(
        request,
        "producer_demand.html",
        producer,
        {
            "demand": demand,
            "fits": fits,
            "form": form,
            "offers": offers,
            "thread": thread,
            "has_products": bool(products),
            "is_open": demand.status == DemandStatus.OPEN,
            "section": "demands",
            "certification_labels": demand_certification_labels(demand),
        },
        status=status,
    )


@private_area
def producer_offers(request, producer_id: int):
    producer = _shop(request, producer_id)
    offers = (
        DemandOffer.objects.filter(producer=producer)
        .select_related("demand", "product", "order")
        .order_by("-created_at", "-pk")
    )
    page_obj = Paginator(offers, OFFERS_PER_PAGE).get_page(request.GET.get("page"))
    return _render_shop(
        request, "producer_offers.html", producer, {"page_obj": page_obj, "section": "offers"}
    )


@private_area
@require_POST
def offer_withdraw(request, producer_id: int, offer_id: int):
    producer = _shop(request, producer_id)
    offer = get_object_or_404(
        DemandOffer.objects.select_related("demand", "product"), pk=offer_id, producer=producer
    )
    try:
        demand_services.withdraw_offer(offer=offer, actor=request.user)
    except (MarketError, ValidationError) as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, _("Your offer is withdrawn."))
    return redirect("shop:offers", producer_id=producer.pk)


@private_area
def producer_inquiries(request, producer_id: int):
    producer = _shop(request, producer_id)
    threads = _threads_for(InquiryThread.objects.filter(producer=producer))
    page_obj = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return _render_shop(
        request,
        "producer_inquiries.html",
        producer,
        {
            "page_obj": page_obj,
            "threads": _thread_rows(page_obj.object_list, side="producer"),
            "side": "producer",
            "section": "inquiries",
        },
    )


@private_area
@require_http_methods(["GET", "POST"])
def producer_inquiry(request, producer_id: int, public_id):
    producer = _shop(request, producer_id)
    thread = get_object_or_404(
        InquiryThread.objects.select_related("buyer", "demand", "product"),
        public_id=public_id,
        producer=producer,
    )
    thread.producer = producer
    return _thread_page(
        request,
        thread,
        side="producer",
        post_url=reverse("shop:inquiry", kwargs={"producer_id": producer.pk, "public_id": thread.public_id}),
        template="producer_inquiry.html",
        render_page=lambda template, context, status: _render_shop(
            request, template, producer, {**context, "section": "inquiries"}, status
        ),
    )
