"""The producer area under ``/<lang>/my/shop/`` (see ``market.views.shop``)."""

from django.urls import path

from .views import demands, shop

app_name = "shop"

urlpatterns = [
    path("", shop.index, name="index"),
    path("new/", shop.create, name="create"),
    path("new/for/<int:household_id>/", shop.create, name="create_for"),
    path("<int:producer_id>/", shop.dashboard, name="dashboard"),
    path("<int:producer_id>/profile/", shop.profile, name="profile"),
    path("<int:producer_id>/products/", shop.products, name="products"),
    path("<int:producer_id>/products/new/", shop.product_new_photo, name="product_new"),
    path("<int:producer_id>/products/new/price/", shop.product_new_price, name="product_new_price"),
    path("<int:producer_id>/products/new/details/", shop.product_new_details, name="product_new_details"),
    path("<int:producer_id>/products/new/discard/", shop.product_new_discard, name="product_new_discard"),
    path("<int:producer_id>/products/<int:product_id>/", shop.product_edit, name="product_edit"),
    path("<int:producer_id>/products/<int:product_id>/stock/", shop.product_stock, name="product_stock"),
    path("<int:producer_id>/products/<int:product_id>/delete/", shop.product_delete, name="product_delete"),
    path(
        "<int:producer_id>/products/<int:product_id>/photos/",
        shop.product_photo_add,
        name="product_photo_add",
    ),
    path("<int:producer_id>/orders/", shop.orders, name="orders"),
    path("<int:producer_id>/orders/<str:reference>/", shop.order_detail, name="order_detail"),
    path("<int:producer_id>/orders/<str:reference>/<slug:action>/", shop.order_action, name="order_action"),
    path("<int:producer_id>/lots/", shop.lots, name="lots"),
    path("<int:producer_id>/owed/", shop.payouts, name="payouts"),
    # buyer demands that fit the shop, its offers and the buyers' messages
    path("<int:producer_id>/demands/", demands.producer_demands, name="demands"),
    path("<int:producer_id>/demands/<uuid:public_id>/", demands.producer_demand, name="demand"),
    path("<int:producer_id>/offers/", demands.producer_offers, name="offers"),
    path("<int:producer_id>/offers/<int:offer_id>/withdraw/", demands.offer_withdraw, name="offer_withdraw"),
    path("<int:producer_id>/messages/", demands.producer_inquiries, name="inquiries"),
    path("<int:producer_id>/messages/<uuid:public_id>/", demands.producer_inquiry, name="inquiry"),
]
