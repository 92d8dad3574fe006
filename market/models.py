"""The highland marketplace: producers, products, lots, carts, orders and reviews.

A producer (a household — hộ — or a cooperative — hợp tác xã) belongs to one commune (xã), the tenant.
Products carry an OCOP rating ("One Commune One Product": 1–5 stars, a certificate number, valid
three years) and other certifications (VietGAP, organic, geographical indication). Money is whole
Vietnamese đồng (VND). Stock is decremented when a checkout *holds* it and given back when the hold
expires or the order is cancelled, so ``stock`` is always what can still be sold.
"""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.deletion import AliveManager, NeverDeleted, NeverDeletedQuerySet, SoftDeletable, SoftDeleteQuerySet
from core.text import folded_words
from payments.validators import account_name_validator, account_number_validator, bank_bin_validator

from .zones import PROVINCE_CHOICES, Zone


class Category(models.TextChoices):
    TEA = "tea", _("Tea")
    HONEY = "honey", _("Honey")
    RICE = "rice", _("Rice")
    SPICES = "spices", _("Spices")
    FRUIT = "fruit", _("Fruit")
    VEGETABLES = "vegetables", _("Vegetables")
    MUSHROOMS = "mushrooms", _("Mushrooms and forest products")
    HANDICRAFT = "handicraft", _("Handicraft")
    TEXTILES = "textiles", _("Textiles and brocade")
    PROCESSED_FOOD = "processed-food", _("Processed food")
    DRINKS = "drinks", _("Drinks")


class Unit(models.TextChoices):
    KILOGRAM = "kg", _("kg")
    GRAM = "g", _("g")
    LITRE = "l", _("litre")
    MILLILITRE = "ml", _("ml")
    PIECE = "piece", _("piece")
    BOX = "box", _("box")
    BAG = "bag", _("bag")
    BOTTLE = "bottle", _("bottle")
    JAR = "jar", _("jar")


class ReviewStatus(models.TextChoices):
    """Moderation state of a producer profile or a product listing, decided by the commune moderator."""

    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ProducerKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    COOPERATIVE = "cooperative", _("Cooperative")
    ENTERPRISE = "enterprise", _("Small enterprise")


class ModeratedQuerySet(SoftDeleteQuerySet):
    def approved(self):
        return self.filter(review_status=ReviewStatus.APPROVED)


class Producer(SoftDeletable):
    """A household or cooperative that sells; belongs to one commune and, optionally, one village.

    Deleting a producer (``services.delete_producer``) hides it and its products; its orders stay.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="producers")
    commune = models.ForeignKey("village.CommunePage", on_delete=models.PROTECT, related_name="producers")
    village = models.ForeignKey(
        "village.VillagePage", on_delete=models.SET_NULL, null=True, blank=True, related_name="producers"
    )
    slug = models.SlugField(_("address name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ProducerKind.choices, default=ProducerKind.HOUSEHOLD
    )
    story_vi = models.TextField(_("story (Vietnamese)"), blank=True, max_length=4000)
    story_en = models.TextField(_("story (English)"), blank=True, max_length=4000)
    contact_phone = models.CharField(_("phone for the platform (never shown)"), max_length=16, blank=True)
    bank_bin = models.CharField(_("bank BIN"), max_length=6, blank=True, validators=[bank_bin_validator])
    bank_account_number = models.CharField(
        _("account number"), max_length=19, blank=True, validators=[account_number_validator]
    )
    bank_account_name = models.CharField(
        _("account name"), max_length=70, blank=True, validators=[account_name_validator]
    )
    offers_pickup = models.BooleanField(_("buyers may pick up at the commune"), default=True)
    pickup_note = models.CharField(_("where and when to pick up"), max_length=200, blank=True)
    delivery_fee_north = models.PositiveIntegerField(
        _("delivery fee to the north (VND)"), null=True, blank=True
    )
    delivery_fee_central = models.PositiveIntegerField(
        _("delivery fee to the centre (VND)"), null=True, blank=True
    )
    delivery_fee_south = models.PositiveIntegerField(
        _("delivery fee to the south (VND)"), null=True, blank=True
    )
    accepts_cash_on_delivery = models.BooleanField(_("accepts cash on delivery"), default=True)
    review_status = models.CharField(
        _("approval"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
        db_index=True,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AliveManager.from_queryset(ModeratedQuerySet)()
    all_objects = models.Manager.from_queryset(ModeratedQuerySet)()

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def story(self) -> str:
        return (self.story_en if get_language() == "en" else "") or self.story_vi

    @property
    def accepts_bank_transfer(self) -> bool:
        return bool(self.bank_bin and self.bank_account_number and self.bank_account_name)

    def delivery_fee_to(self, zone: str) -> int | None:
        """The flat delivery fee to ``zone``, or None when this producer does not deliver there."""
        return {
            Zone.NORTH: self.delivery_fee_north,
            Zone.CENTRAL: self.delivery_fee_central,
            Zone.SOUTH: self.delivery_fee_south,
        }.get(zone)


def _harvest_months_validator(value) -> None:
    if not isinstance(value, list) or any(not isinstance(m, int) or not 1 <= m <= 12 for m in value):
        raise ValidationError(_("Harvest months are numbers from 1 to 12."), code="invalid_months")


class ProductQuerySet(ModeratedQuerySet):
    def listed(self):
        """What buyers see: approved products of approved producers, neither of them deleted."""
        return self.filter(
            review_status=ReviewStatus.APPROVED,
            producer__review_status=ReviewStatus.APPROVED,
            deleted_at__isnull=True,
            producer__deleted_at__isnull=True,
        )

    def in_stock(self):
        return self.filter(stock__gt=0)


class Product(SoftDeletable):
    """A product listing: price in VND per unit, stock in units, a minimum order, harvest months.

    Deleting a listing (``services.delete_product``) hides it everywhere; order lines keep pointing at it.
    """

    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="products")
    commune = models.ForeignKey("village.CommunePage", on_delete=models.PROTECT, related_name="products")
    slug = models.SlugField(_("address name"), max_length=100, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=140)
    name_en = models.CharField(_("name (English)"), max_length=140, blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), max_length=5000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=5000, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, db_index=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.KILOGRAM)
    price = models.PositiveBigIntegerField(
        _("price per unit (VND)"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000_000)]
    )
    minimum_order = models.PositiveIntegerField(
        _("minimum order (units)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    stock = models.PositiveIntegerField(
        _("in stock (units)"), default=0, validators=[MaxValueValidator(10_000_000)]
    )
    harvest_months = models.JSONField(
        _("harvest months"), default=list, blank=True, validators=[_harvest_months_validator]
    )
    review_status = models.CharField(
        _("approval"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
        db_index=True,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    folded_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = AliveManager.from_queryset(ProductQuerySet)()
    all_objects = models.Manager.from_queryset(ProductQuerySet)()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="product_price_positive"),
            models.CheckConstraint(condition=Q(minimum_order__gte=1), name="product_minimum_order_positive"),
        ]
        indexes = [
            models.Index(fields=["review_status", "category", "price"], name="market_product_listing"),
            # the catalogue's default order: newest first, a page of 24 read straight off the index
            models.Index(fields=["-updated_at", "-id"], name="market_product_newest"),
        ]

    def __str__(self) -> str:
        return self.name_vi

    @property
    def name(self) -> str:
        return (self.name_en if get_language() == "en" else "") or self.name_vi

    @property
    def description(self) -> str:
        return (self.description_en if get_language() == "en" else "") or self.description_vi

    def refresh_folded_text(self) -> None:
        self.folded_text = folded_words(
            self.name_vi, self.name_en, self.description_vi, self.description_en, self.get_category_display()
        )


class ProductImage(models.Model):
    """One of up to eight photos of a product, shown through renditions only."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("village.VillageImage", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("product photo")

    def __str__(self) -> str:
        return f"{self.product_id} #{self.position}"


OCOP_VALIDITY_YEARS = 3


class OcopRating(models.Model):
    """An OCOP star rating ("One Commune One Product"), 1–5 stars, valid three years from issue."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="ocop")
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    certificate_number = models.CharField(_("certificate number"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    issuing_province = models.CharField(_("issuing province"), max_length=60, choices=PROVINCE_CHOICES)

    class Meta:
        verbose_name = _("OCOP rating")
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="ocop_stars_1_to_5"),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")), name="ocop_expires_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return f"OCOP {self.stars}★ {self.certificate_number}"

    def is_current(self, on: date | None = None) -> bool:
        return self.expires_on >= (on or timezone.localdate())

    def clean(self):
        if self.issued_on and self.expires_on:
            latest = self.issued_on.replace(year=self.issued_on.year + OCOP_VALIDITY_YEARS)
            if self.expires_on > latest:
                raise ValidationError({"expires_on": _("An OCOP rating is valid for at most three years.")})


class CertificationKind(models.TextChoices):
    VIETGAP = "vietgap", _("VietGAP")
    ORGANIC = "organic", _("Organic")
    GEOGRAPHICAL_INDICATION = "geographical-indication", _("Geographical indication")


class Certification(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("kind"), max_length=30, choices=CertificationKind.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification")
        constraints = [models.UniqueConstraint(fields=["product", "kind"], name="one_certification_per_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()

    def is_current(self, on: date | None = None) -> bool:
        return self.valid_until is None or self.valid_until >= (on or timezone.localdate())


class Lot(models.Model):
    """A harvest or production lot; its public traceability page is reached from a QR code on the pack."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots")
    code = models.CharField(_("lot number"), max_length=40)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    harvested_on = models.DateField(_("harvested on"), null=True, blank=True)
    produced_on = models.DateField(_("packed or produced on"), null=True, blank=True)
    best_before = models.DateField(_("best before"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity (units)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lot")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="unique_lot_code_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.code}"


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    CONFIRMED = "confirmed", _("Confirmed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class CancelledBy(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    PRODUCER = "producer", _("Producer")
    SYSTEM = "system", _("Unpaid in time")


class PaymentMethod(models.TextChoices):
    CASH_ON_DELIVERY = "cod", _("Cash on delivery")
    BANK_TRANSFER = "vietqr", _("Bank transfer (VietQR)")
    CARD = "stripe", _("Card")


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("Pick up at the commune")
    DELIVERY = "delivery", _("Delivery")


class Cart(models.Model):
    """A buyer's cart: tied to an account, or to the session of a guest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="cart"
    )
    session_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="one_cart_line_per_product"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_quantity_positive"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class Checkout(models.Model):
    """One checkout by a buyer; it splits into one order per producer."""

    reference = models.CharField(max_length=16, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkouts"
    )
    buyer_name = models.CharField(_("name"), max_length=120)
    buyer_phone = models.CharField(_("phone"), max_length=16)
    buyer_email = models.EmailField(_("email"), blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    delivery_province = models.CharField(_("province"), max_length=60, choices=PROVINCE_CHOICES, blank=True)
    payment_method = models.CharField(_("payment"), max_length=10, choices=PaymentMethod.choices)
    access_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("checkout")

    def __str__(self) -> str:
        return self.reference


class OrderQuerySet(NeverDeletedQuerySet):
    def expired_holds(self, now=None):
        return self.filter(status=OrderStatus.PENDING_PAYMENT, hold_expires_at__lte=now or timezone.now())


class Order(NeverDeleted):
    """What one buyer bought from one producer in one checkout; stock is held until payment or expiry.

    An order is never deleted: cancelled or refunded is its end state.
    """

    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders")
    reference = models.CharField(_("order reference"), max_length=16, unique=True)
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="orders")
    commune = models.ForeignKey("village.CommunePage", on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING_PAYMENT,
        db_index=True,
    )
    payment_method = models.CharField(_("payment"), max_length=10, choices=PaymentMethod.choices)
    delivery_method = models.CharField(_("delivery"), max_length=10, choices=DeliveryMethod.choices)
    subtotal = models.PositiveBigIntegerField(_("subtotal (VND)"))
    delivery_fee = models.PositiveBigIntegerField(_("delivery fee (VND)"), default=0)
    total = models.PositiveBigIntegerField(_("total (VND)"))
    hold_expires_at = models.DateTimeField(_("stock held until"), null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)
    cancelled_by = models.CharField(_("cancelled by"), max_length=10, choices=CancelledBy.choices, blank=True)
    tracking_note = models.CharField(_("shipping note or tracking number"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") + models.F("delivery_fee")), name="order_total_adds_up"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class OrderLine(models.Model):
    """A product in an order, with the name and price as they were at checkout."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    product_name = models.CharField(max_length=140)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    unit_price = models.PositiveBigIntegerField()
    quantity = models.PositiveIntegerField()
    line_total = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(line_total=models.F("unit_price") * models.F("quantity")),
                name="order_line_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


class Review(models.Model):
    """A verified buyer's review of a product, after delivery."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="reviews")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("review"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="one_review_per_ordered_product"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.product_id}"


# --- buyer demands, offers and inquiries (matching) ----------------------------------------------------


class DemandStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    CLOSED = "closed", _("Closed by the buyer")
    EXPIRED = "expired", _("Expired")


class BuyerDemand(models.Model):
    """What a lowland buyer (restaurant, shop, wholesaler) wants to buy; producers answer with offers.

    ``quantity`` is in ``unit``; ``max_unit_price`` is VND per one ``unit``. The delivery place is a
    province (for shipping) and its coordinates (for the distance score; a province's centre unless the
    buyer gives a point). ``folded_text`` is the accent-free copy of title and keywords for retrieval.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="buyer_demands"
    )
    title = models.CharField(_("what you are looking for"), max_length=140)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, blank=True, db_index=True
    )
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.KILOGRAM)
    max_unit_price = models.PositiveBigIntegerField(
        _("highest price per unit (VND)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    delivery_province = models.CharField(_("deliver to (province)"), max_length=60, choices=PROVINCE_CHOICES)
    delivery_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    delivery_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    needed_by = models.DateField(_("needed by"))
    required_certifications = models.JSONField(_("required certifications"), default=list, blank=True)
    minimum_ocop_stars = models.PositiveSmallIntegerField(
        _("minimum OCOP stars"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    note = models.TextField(_("note for producers"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.OPEN, db_index=True
    )
    folded_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("buyer demand")
        verbose_name_plural = _("buyer demands")
        indexes = [
            models.Index(fields=["status", "category", "needed_by"], name="demand_open_category"),
            models.Index(fields=["buyer", "-created_at"], name="demand_buyer_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.folded_text = folded_words(self.title, self.keywords)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"title", "keywords"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "folded_text"}
        super().save(*args, **kwargs)


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the buyer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DemandOffer(models.Model):
    """A producer's answer to a demand: this product, this quantity (in the product's unit), this price.

    Accepting it makes an order through the marketplace services (``order`` then points at it).
    """

    demand = models.ForeignKey(BuyerDemand, on_delete=models.PROTECT, related_name="offers")
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="demand_offers")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="demand_offers")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.PositiveBigIntegerField(_("price per unit (VND)"), validators=[MinValueValidator(1)])
    available_on = models.DateField(_("can deliver from"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    order = models.ForeignKey(
        "Order", on_delete=models.PROTECT, null=True, blank=True, related_name="demand_offers"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "product"], condition=Q(status="open"), name="one_open_offer_per_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} → {self.demand}"

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price


class InquiryThread(models.Model):
    """A private conversation between a buyer and a producer, about a demand or a product.

    Neither side sees the other's phone, email or address: messages go through the platform.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inquiries")
    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="inquiries")
    demand = models.ForeignKey(
        BuyerDemand, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    subject = models.CharField(_("subject"), max_length=140)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)
    buyer_read_at = models.DateTimeField(null=True, blank=True)
    producer_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "producer", "demand"],
                condition=Q(demand__isnull=False),
                name="one_inquiry_per_demand_and_producer",
            ),
            models.UniqueConstraint(
                fields=["buyer", "producer", "product"],
                condition=Q(demand__isnull=True, product__isnull=False),
                name="one_inquiry_per_product_and_buyer",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class InquiryMessage(models.Model):
    thread = models.ForeignKey(InquiryThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")

    def __str__(self) -> str:
        return self.body[:60]
