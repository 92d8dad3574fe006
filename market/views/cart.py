"""The cart: a guest's lives with the session, an account's with the account; they merge at login."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..exceptions import MarketError
from ..forms.buyer import AddToCartForm, CartQuantityForm, CartRemoveForm, market_error_message
from ..models import CartItem, Product

# The session key of the guest cart, remembered so that it can be merged into the account's cart once
# the guest logs in (logging in gives the session a new key).
GUEST_CART_KEY = "guest_cart_session"


def current_cart(request, *, create: bool):
    """The visitor's cart, or None when a guest has none yet and ``create`` is false."""
    if request.user.is_authenticated:
        guest_session_key = request.session.pop(GUEST_CART_KEY, None)
        if guest_session_key:
            services.merge_carts(guest_session_key=guest_session_key, user=request.user)
        return services.cart_for(user=request.user, create=create)
    if request.session.session_key is None:
        if not create:
            return None
        request.session.save()
    cart = services.cart_for(session_key=request.session.session_key, create=create)
    if cart is not None and request.session.get(GUEST_CART_KEY) != request.session.session_key:
        request.session[GUEST_CART_KEY] = request.session.session_key
    return cart


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return _("This could not be done. Please try again.")


@never_cache
def cart(request):
    """The cart's lines grouped by producer, each with a quantity form and a remove button."""
    groups = selectors.cart_groups(current_cart(request, create=False))
    return render(
        request,
        "market/cart.html",
        {
            "groups": groups,
            "total": sum(group.subtotal for group in groups),
            "can_check_out": bool(groups) and all(item.listed for group in groups for item in group.items),
        },
    )


@require_POST
def cart_add(request):
    """Add a product from its page; on refusal go back there with the reason, the cart unchanged."""
    form = AddToCartForm(request.POST)
    product = Product.objects.listed().filter(slug=request.POST.get("product", "")[:100]).first()
    if product is None:
        raise Http404
    product_url = reverse("market:product", kwargs={"slug": product.slug})
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(product_url)
    quantity = form.cleaned_data["quantity"]
    try:
        services.add_to_cart(cart=current_cart(request, create=True), product=product, quantity=quantity)
    except MarketError as error:
        messages.error(request, market_error_message(error, product=product))
        return redirect(product_url)
    messages.success(
        request,
        _("%(quantity)s %(unit)s of %(product)s added to your cart.")
        % {"quantity": quantity, "unit": product.get_unit_display(), "product": product.name},
    )
    return redirect("market:cart")


def _cart_item_or_404(request, product_id) -> CartItem:
    cart = current_cart(request, create=False)
    item = CartItem.objects.filter(cart=cart, product_id=product_id).select_related("product").first()
    if cart is None or item is None:
        raise Http404
    return item


@require_POST
def cart_update(request):
    form = CartQuantityForm(request.POST)
    if not form.is_valid():
        if "product" in form.errors:
            raise Http404
        messages.error(request, _first_error(form))
        return redirect("market:cart")
    item = _cart_item_or_404(request, form.cleaned_data["product"])
    quantity = form.cleaned_data["quantity"]
    try:
        services.set_cart_quantity(cart=item.cart, product=item.product, quantity=quantity)
    except MarketError as error:
        messages.error(request, market_error_message(error, product=item.product))
        return redirect("market:cart")
    if quantity == 0:
        messages.success(request, _("%(product)s removed from your cart.") % {"product": item.product.name})
    else:
        messages.success(request, _("Quantity of %(product)s changed.") % {"product": item.product.name})
    return redirect("market:cart")


@require_POST
def cart_remove(request):
    form = CartRemoveForm(request.POST)
    if not form.is_valid():
        raise Http404
    item = _cart_item_or_404(request, form.cleaned_data["product"])
    services.set_cart_quantity(cart=item.cart, product=item.product, quantity=0)
    messages.success(request, _("%(product)s removed from your cart.") % {"product": item.product.name})
    return redirect("market:cart")
