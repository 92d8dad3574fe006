"""The buyer's marketplace under ``/<language>/market/``."""

from django.urls import path

from .views import cart, catalogue, demands, orders

app_name = "market"

urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("p/<slug:slug>/", catalogue.product_detail, name="product"),
    path("producers/<slug:slug>/", catalogue.producer_detail, name="producer"),
    path("lots/<uuid:public_id>/", catalogue.lot_detail, name="lot"),
    path("lots/<uuid:public_id>/qr.svg", catalogue.lot_qr, name="lot_qr"),
    path("lots/<uuid:public_id>/label/", catalogue.lot_label, name="lot_label"),
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/update/", cart.cart_update, name="cart_update"),
    path("cart/remove/", cart.cart_remove, name="cart_remove"),
    path("checkout/", orders.checkout, name="checkout"),
    path("checkout/<uuid:access_token>/", orders.checkout_done, name="checkout_done"),
    path("checkout/<uuid:access_token>/pay/", orders.pay_checkout, name="pay_checkout"),
    path("checkout/<uuid:access_token>/<str:reference>/cancel/", orders.cancel_order, name="cancel_order"),
    path("checkout/<uuid:access_token>/<str:reference>/review/", orders.review_order, name="review_order"),
    path("my-orders/", orders.my_orders, name="my_orders"),
    # buyer demands, the offers they receive and the inquiry threads with producers
    path("demands/", demands.my_demands, name="my_demands"),
    path("demands/new/", demands.demand_new, name="demand_new"),
    path("demands/<uuid:public_id>/", demands.demand_detail, name="demand"),
    path("demands/<uuid:public_id>/edit/", demands.demand_edit, name="demand_edit"),
    path("demands/<uuid:public_id>/close/", demands.demand_close, name="demand_close"),
    path(
        "demands/<uuid:public_id>/contact/<int:producer_id>/", demands.demand_contact, name="demand_contact"
    ),
    path("demands/<uuid:public_id>/offers/<int:offer_id>/accept/", demands.offer_accept, name="offer_accept"),
    path(
        "demands/<uuid:public_id>/offers/<int:offer_id>/decline/", demands.offer_decline, name="offer_decline"
    ),
    path("messages/", demands.buyer_inquiries, name="inquiries"),
    path("products/<slug:slug>/ask/", demands.product_contact, name="product_contact"),
    path("messages/<uuid:public_id>/", demands.buyer_inquiry, name="inquiry"),
]
