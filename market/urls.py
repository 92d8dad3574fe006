"""The buyer's marketplace under ``/<language>/market/``."""

from django.urls import path

from .views import cart, catalogue, orders

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
]
