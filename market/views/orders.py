"""Checkout, the checkout's private confirmation page, cancelling, reviewing and the buyer's order list.

A guest reaches their orders through the checkout's private link (``access_token``); an account's
orders are also listed under "my orders". A token or order reference that is not the visitor's is a
404, never a 403, so nothing tells a stranger that it exists.
"""

import importlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..exceptions import MarketError
from ..forms.buyer import CancelOrderForm, CheckoutForm, ReviewForm, add_service_errors, market_error_message
from ..models import Checkout, OrderStatus, PaymentMethod
from ..services.checkout import hold_minutes
from ..services.reviews import REVIEWABLE
from ..zones import PROVINCE_ZONES
from .cart import current_cart

# Tokens of the checkouts placed from this session: the device that placed an order sees its details.
SESSION_CHECKOUTS = "market_checkouts"
MAX_REMEMBERED_CHECKOUTS = 20
CHECKOUTS_PER_PAGE = 20

TIMELINE_LABELS = {
    "market.order.placed": gettext_lazy("Order placed"),
    "market.order.confirmed": gettext_lazy("Confirmed by the producer"),
    "market.order.shipped": gettext_lazy("Shipped"),
    "market.order.delivered": gettext_lazy("Delivered"),
    "market.order.completed": gettext_lazy("Completed"),
    "market.order.cancelled": gettext_lazy("Cancelled"),
    "market.order.refunded": gettext_lazy("Money returned"),
}


def payments_module():
    """``market.services.payments`` (the bridge to ``payments``), or None while it does not exist."""
    module = getattr(services, "payments", None)
    if module is not None:
        return module
    try:
        return importlib.import_module("market.services.payments")
    except ModuleNotFoundError as error:
        if error.name != "market.services.payments":
            raise
        return None


# --- checkout ---------------------------------------------------------------------------------------


def _initial(request, province: str) -> dict:
    initial = {"delivery_province": province}
    user = request.user
    if user.is_authenticated:
        initial |= {
            "buyer_name": user.full_name,
            "buyer_phone": user.phone or "",
            "buyer_email": user.email or "",
        }
        previous = Checkout.objects.filter(buyer=user).order_by("-created_at").first()
        if previous is not None:
            initial["delivery_address"] = previous.delivery_address
            initial["delivery_province"] = province or previous.delivery_province
    return initial


def _remember_checkout(request, checkout) -> None:
    tokens = [str(checkout.access_token), *request.session.get(SESSION_CHECKOUTS, [])]
    request.session[SESSION_CHECKOUTS] = tokens[:MAX_REMEMBERED_CHECKOUTS]


def start_payment(request, checkout):
    """Hand over to payments: a URL to go and pay at (Stripe), or None (cash, VietQR: pay later)."""
    confirmation = reverse("market:checkout_done", kwargs={"access_token": checkout.access_token})
    payments = payments_module()
    if payments is None:
        return redirect(confirmation)
    from payments.exceptions import PaymentError

    try:
        url = payments.start_checkout_payment(
            checkout=checkout,
            success_url=request.build_absolute_uri(confirmation),
            cancel_url=request.build_absolute_uri(confirmation),
        )
    except (PaymentError, MarketError):
        messages.error(
            request,
            _(
                "Your order is saved, but the payment could not be started. "
                "Pay from this page or cancel the order."
            ),
        )
        return redirect(confirmation)
    return redirect(url or confirmation)


@never_cache
def checkout(request):
    """GET: the checkout form; POST: place the orders (one per producer) and go to payment."""
    cart = current_cart(request, create=False)
    groups = selectors.cart_groups(cart)
    if not groups:
        messages.info(request, _("Your cart is empty."))
        return redirect("market:cart")
    producers = [group.producer for group in groups]
    options = selectors.payment_options(producers)
    if request.method == "POST":
        form = CheckoutForm(request.POST, producers=producers, payment_options=options)
        if form.is_valid():
            data = form.cleaned_data
            buyer = form.buyer(request.user)
            try:
                placed = services.place_order(
                    cart=cart,
                    buyer=buyer,
                    payment_method=data["payment_method"],
                    delivery_methods=form.delivery_methods(),
                )
            except (MarketError, ValidationError) as error:
                add_service_errors(form, error)
            else:
                _remember_checkout(request, placed)
                return start_payment(request, placed)
        province = request.POST.get("delivery_province", "")
    else:
        province = request.GET.get("province", "")
        province = province if province in PROVINCE_ZONES else ""
        form = CheckoutForm(initial=_initial(request, province), producers=producers, payment_options=options)
    province = province if province in PROVINCE_ZONES else ""
    deliveries = [
        {
            "group": group,
            "field": form[f"delivery_{group.producer.pk}"],
            "fees": selectors.delivery_fees(group.producer),
            "fee_to_province": selectors.delivery_fee_for(group.producer, province) if province else None,
        }
        for group in groups
    ]
    return render(
        request,
        "market/checkout.html",
        {
            "form": form,
            "groups": groups,
            "deliveries": deliveries,
            "province": province,
            "provinces": sorted(PROVINCE_ZONES),
            "payment_options": options,
            "total": sum(group.subtotal for group in groups),
            "hold_minutes": hold_minutes(),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- one checkout's orders ---------------------------------------------------------------------------


def _visitor_checkout(request, access_token):
    """The checkout behind a private link, and whether the visitor is its buyer (sees phone and address).

    A guest's checkout opens with its link. An account's checkout opens for that account (others get a
    404) or on the device that placed it; a visitor who is not logged in is asked to.
    """
    found = selectors.checkout_with_orders(access_token)
    if found is None:
        raise Http404
    user = request.user
    placed_here = str(found.access_token) in request.session.get(SESSION_CHECKOUTS, [])
    is_account_buyer = user.is_authenticated and found.buyer_id == user.pk
    if found.buyer_id is not None and not (is_account_buyer or placed_here):
        if user.is_authenticated:
            raise Http404
        return found, None
    return found, is_account_buyer or placed_here


def _payment_view(order):
    payments = payments_module()
    if payments is None or not hasattr(payments, "order_payment_view"):
        return None
    view = payments.order_payment_view(order)
    if view and view.get("qr_svg"):
        view = {**view, "qr_svg": mark_safe(view["qr_svg"])}  # our own QR generator's SVG
    return view


@never_cache
def checkout_done(request, access_token):
    found, is_buyer = _visitor_checkout(request, access_token)
    if is_buyer is None:
        return redirect_to_login(request.get_full_path())
    timelines = selectors.order_timelines(found.all_orders)
    may_review = request.user.is_authenticated and found.buyer_id == request.user.pk
    orders = []
    for order in found.all_orders:
        reviewed = {review.product_id for review in order.all_reviews}
        orders.append(
            {
                "order": order,
                "timeline": [
                    {"label": TIMELINE_LABELS[event.name], "at": event.occurred_at}
                    for event in timelines[order.pk]
                    if event.name in TIMELINE_LABELS
                ],
                "payment": _payment_view(order),
                "may_cancel": services.buyer_may_cancel(order),
                "to_review": [
                    line
                    for line in order.all_lines
                    if may_review and order.status in REVIEWABLE and line.product_id not in reviewed
                ],
            }
        )
    return render(
        request,
        "market/checkout_done.html",
        {
            "checkout": found,
            "orders": orders,
            "show_private": is_buyer,
            "cancel_form": CancelOrderForm(),
            "review_form": ReviewForm(),
            "total": sum(order.total for order in found.all_orders),
            "may_pay_by_card": any(_awaits_card_payment(order) for order in found.all_orders),
        },
    )


@require_POST
def pay_checkout(request, access_token):
    """The buyer's "Pay by card" button: start (or resume) the card payment of a checkout.

    Safe to press again after a failed or timed-out attempt: payments finds the same pending payment and
    asks Stripe with the same idempotency key, so Stripe answers with the same session and never charges
    twice. The stock stays held meanwhile (until the order's hold expires)."""
    found, is_buyer = _visitor_checkout(request, access_token)
    if is_buyer is None:
        return redirect_to_login(request.get_full_path())
    if not any(_awaits_card_payment(order) for order in found.all_orders):
        return redirect("market:checkout_done", access_token=found.access_token)
    return start_payment(request, found)


def _awaits_card_payment(order) -> bool:
    return order.payment_method == PaymentMethod.CARD and order.status == OrderStatus.PENDING_PAYMENT


def _buyer_order(request, access_token, reference):
    found, is_buyer = _visitor_checkout(request, access_token)
    order = next((order for order in found.all_orders if order.reference == reference), None)
    if order is None or is_buyer is None:
        raise Http404
    return found, order


@require_POST
def cancel_order(request, access_token, reference):
    found, order = _buyer_order(request, access_token, reference)
    form = CancelOrderForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.cancel_order(
            order=order, actor=request.user, reason=reason, as_buyer=True, access_token=found.access_token
        )
    except MarketError as error:
        messages.error(request, market_error_message(error))
    else:
        messages.success(request, _("Order %(reference)s is cancelled.") % {"reference": order.reference})
    return redirect("market:checkout_done", access_token=found.access_token)


@require_POST
def review_order(request, access_token, reference):
    found, order = _buyer_order(request, access_token, reference)
    if not request.user.is_authenticated or order.buyer_id != request.user.pk:
        raise Http404
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose from 1 to 5 stars."))
        return redirect("market:checkout_done", access_token=found.access_token)
    try:
        services.review_product(
            order=order,
            product_id=form.cleaned_data["product"],
            author=request.user,
            rating=form.cleaned_data["rating"],
            text=form.cleaned_data["text"],
        )
    except MarketError as error:
        messages.error(request, market_error_message(error))
    else:
        messages.success(request, _("Thank you for your review."))
    return redirect("market:checkout_done", access_token=found.access_token)


@login_required
@never_cache
def my_orders(request):
    paginator = Paginator(selectors.buyer_checkouts(request.user), CHECKOUTS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "market/my_orders.html",
        {"page_obj": page_obj, "checkouts": list(page_obj.object_list)},
    )
