"""Builds the marketplace demo on top of the village demo: producers, products with photos, OCOP ratings,
certifications, lots, moderation decisions, orders in every state and reviews.

Everything is written through ``market.services`` (and ``payments.services`` for confirming transfers),
as the producers, moderators and buyers themselves would. Idempotent: producers and products are found by
slug, orders by their demo reference, so running it again creates nothing.

Services stamp transitions with the current time; after moving an order, the loader spreads its
timestamps (confirmed, shipped, delivered…) after the back-dated checkout so the history reads naturally.
"""

import io
import random
from collections.abc import Callable
from datetime import date, timedelta

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from accounts.models import Role, User
from core.text import fold
from payments import services as payment_services
from payments.models import PaymentStatus
from village.demo.accounts import (
    ADMIN_EMAIL,
    commune_moderator,
    demo_account,
    demo_communes,
    existing_account,
)
from village.models import CommunePage, CommuneWorkspace, VillageImage, VillagePage

from .. import services
from ..models import (
    BuyerDemand,
    Checkout,
    Order,
    OrderStatus,
    PaymentMethod,
    Producer,
    Product,
    Review,
    ReviewStatus,
)
from ..services import demands as demand_services
from ..services import payments as order_payments
from . import content

PAYMENT_CODES = {"cod": PaymentMethod.CASH_ON_DELIVERY, "vietqr": PaymentMethod.BANK_TRANSFER}


def checkout_reference(key: str) -> str:
    return f"LSDEMX{key}"


def order_reference(key: str) -> str:
    return f"DHDEMX{key}"


def producer_slug(name: str) -> str:
    return slugify(fold(name))[:70]


def product_slug(producer_name: str, product_name: str) -> str:
    return slugify(fold(f"{producer_name} {product_name}"))[:70]


# --- pictures ------------------------------------------------------------------------------------------

PALETTES = {
    "tea": ((196, 222, 180), (58, 110, 52)),
    "honey": ((252, 236, 190), (214, 150, 30)),
    "rice": ((244, 238, 220), (226, 206, 150)),
    "spices": ((236, 214, 196), (120, 60, 40)),
    "fruit": ((230, 240, 214), (150, 30, 60)),
    "vegetables": ((222, 236, 206), (96, 140, 60)),
    "mushrooms": ((232, 222, 206), (130, 96, 64)),
    "handicraft": ((240, 230, 204), (184, 150, 90)),
    "textiles": ((214, 222, 240), (40, 52, 110)),
    "processed-food": ((246, 230, 214), (196, 110, 50)),
    "drinks": ((226, 232, 236), (200, 190, 150)),
}


def product_jpeg(seed: str, category: str, *, width: int = 1200, height: int = 900) -> bytes:
    """A simple, deterministic still life for a product: a backdrop, a table and a category motif."""
    rng = random.Random(seed)  # noqa: S311 - decorative randomness
    light, accent = PALETTES.get(category, PALETTES["handicraft"])
    image = Image.new("RGB", (width, height), light)
    draw = ImageDraw.Draw(image)
    for y in range(height * 2 // 3):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(c * (1 - 0.25 * t)) for c in light))
    table = (150 + rng.randint(0, 30), 110 + rng.randint(0, 20), 70)
    draw.rectangle([0, height * 2 // 3, width, height], fill=table)
    cx, base = width // 2, height * 2 // 3 + 40
    dark = tuple(max(0, c - 50) for c in accent)
    if category in ("honey", "drinks"):  # a bottle or jar
        draw.rounded_rectangle(
            [cx - 130, base - 420, cx + 130, base], radius=40, fill=accent, outline=dark, width=6
        )
        draw.rectangle([cx - 50, base - 500, cx + 50, base - 420], fill=dark)
        draw.rectangle([cx - 110, base - 300, cx + 110, base - 160], fill=(250, 246, 230))
    elif category in ("rice", "processed-food", "spices", "mushrooms"):  # a sack and loose grains
        draw.polygon(
            [(cx - 200, base), (cx - 170, base - 330), (cx + 170, base - 330), (cx + 200, base)],
            fill=accent,
            outline=dark,
        )
        draw.ellipse([cx - 175, base - 370, cx + 175, base - 290], fill=dark)
        for _ in range(120):
            x, y = rng.randint(60, width - 60), rng.randint(base + 20, height - 30)
            draw.ellipse([x - 7, y - 4, x + 7, y + 4], fill=accent)
    elif category == "fruit":  # a pile of round fruit
        for row, count in enumerate((5, 4, 3)):
            for i in range(count):
                x = cx + (i - (count - 1) / 2) * 130
                y = base - 60 - row * 105
                shade = tuple(min(255, c + rng.randint(-25, 25)) for c in accent)
                draw.ellipse([x - 70, y - 70, x + 70, y + 70], fill=shade, outline=dark, width=3)
    elif category in ("textiles", "handicraft"):  # woven cloth with a pattern
        draw.rectangle([cx - 320, base - 380, cx + 320, base - 20], fill=accent)
        for y in range(base - 360, base - 30, 40):
            colour = (200, 40, 60) if (y // 40) % 3 == 0 else (240, 200, 60)
            for x in range(cx - 300, cx + 300, 40):
                draw.polygon([(x, y + 15), (x + 20, y), (x + 40, y + 15), (x + 20, y + 30)], fill=colour)
    else:  # tea and vegetables: leaves in a bowl
        for _ in range(40):
            x, y = cx + rng.randint(-260, 260), base - 120 + rng.randint(-90, 40)
            angle = rng.randint(0, 1)
            box = [x - 45, y - 18, x + 45, y + 18] if angle else [x - 18, y - 45, x + 18, y + 45]
            draw.ellipse(box, fill=tuple(min(255, c + rng.randint(-30, 30)) for c in accent))
        draw.chord([cx - 320, base - 160, cx + 320, base + 80], 0, 180, fill=(236, 232, 224), outline=dark)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80, optimize=True)
    return buffer.getvalue()


class MarketDemoLoader:
    def __init__(self, *, log: Callable[[str], None] = print):
        self.log = log
        self.created = {
            "users": 0,
            "producers": 0,
            "products": 0,
            "photos": 0,
            "ocop_ratings": 0,
            "certifications": 0,
            "lots": 0,
            "orders": 0,
            "reviews": 0,
            "demands": 0,
            "offers": 0,
        }
        self.producers: dict[str, Producer] = {}
        self.years_later = years_since(date.fromisoformat(content.AS_OF), timezone.localdate())
        self.products: dict[tuple[str, str], Product] = {}

    # --- setup ---------------------------------------------------------------------------------------
    def run(self) -> dict:
        self.communes = demo_communes()
        self.admin = existing_account(ADMIN_EMAIL)
        self.buyer = existing_account(content.BUYER_EMAIL)
        existing_account(content.DEMO_PRODUCER_EMAIL)
        total = len(content.PRODUCERS)
        for index, spec in enumerate(content.PRODUCERS, start=1):
            self.log(f"[{index}/{total}] {spec['name']}…")
            with transaction.atomic():
                self._producer(spec)
        self.log(f"Orders ({len(content.ORDERS)})…")
        for spec in content.ORDERS:
            self._order(spec)
        self.log(f"Buyer demands ({len(content.DEMANDS)})…")
        for spec in content.DEMANDS:
            self._demand(spec)
        return self.created

    # --- producers and products ---------------------------------------------------------------------
    def _owner(self, spec: dict, commune: CommunePage) -> User:
        user, created = demo_account(spec["owner"], commune=commune, role=Role.PRODUCER, actor=self.admin)
        self.created["users"] += created
        return user

    def _producer(self, spec: dict) -> Producer:
        commune = self.communes[spec["commune"]]
        owner = self._owner(spec, commune)
        producer = (
            Producer.objects.filter(slug=producer_slug(spec["name"])).first()
            or Producer.objects.filter(commune=commune, name=spec["name"]).first()
        )
        if producer is None:
            village = VillagePage.objects.child_of(commune).filter(slug=spec["village"]).first()
            north, central, south = spec["fees"]
            bank_bin, account_number = spec["bank"]
            producer = services.create_producer(
                owner=owner,
                commune=commune,
                actor=owner,
                name=spec["name"],
                kind=spec["kind"],
                village=village,
                story_vi=spec["story_vi"],
                story_en=spec["story_en"],
                contact_phone=owner.phone or "",
                bank_bin=bank_bin,
                bank_account_number=account_number,
                bank_account_name=services.bank_account_name_from(spec["account_holder"]),
                offers_pickup=True,
                pickup_note=spec["pickup_note"],
                delivery_fee_north=north,
                delivery_fee_central=central,
                delivery_fee_south=south,
                accepts_cash_on_delivery=True,
            )
            self.created["producers"] += 1
        moderator = commune_moderator(commune, fallback=self.admin)
        if spec.get("status", "approved") == "approved" and producer.review_status == ReviewStatus.PENDING:
            producer = services.review_producer(producer=producer, moderator=moderator, approve=True)
        self.producers[spec["name"]] = producer
        for product_spec in spec["products"]:
            self._product(producer, product_spec, moderator)
        return producer

    def _product(self, producer: Producer, spec: dict, moderator: User) -> Product:
        owner = producer.owner
        product = (
            Product.objects.filter(slug=product_slug(producer.name, spec["name_vi"])).first()
            or Product.objects.filter(producer=producer, name_vi=spec["name_vi"]).first()
        )
        if product is None:
            product = services.create_product(
                producer=producer,
                actor=owner,
                name_vi=spec["name_vi"],
                name_en=spec["name_en"],
                description_vi=spec["description_vi"],
                description_en=spec["description_en"],
                category=spec["category"],
                unit=spec["unit"],
                price=spec["price"],
                minimum_order=spec["minimum_order"],
                stock=spec["stock"],
                harvest_months=spec["harvest_months"],
            )
            self.created["products"] += 1
        self.products[(producer.name, spec["name_vi"])] = product
        if not product.images.exists():
            services.add_product_image(product=product, image=self._photo(product), actor=owner)
            self.created["photos"] += 1
        ocop = spec.get("ocop")
        if ocop and not hasattr(product, "ocop"):
            services.set_ocop_rating(
                product=product,
                actor=owner,
                stars=ocop["stars"],
                certificate_number=self._renumber(ocop["number"], ocop["issued"]),
                issued_on=self._date(ocop["issued"]),
                issuing_province=ocop["province"],
            )
            self.created["ocop_ratings"] += 1
        existing_kinds = set(product.certifications.values_list("kind", flat=True))
        for certification in spec.get("certifications", []):
            if certification["kind"] in existing_kinds:
                continue
            valid_until = certification["valid_until"]
            services.add_certification(
                product=product,
                actor=owner,
                kind=certification["kind"],
                certificate_number=certification["number"],
                issuer=certification["issuer"][:120],
                valid_until=self._date(valid_until),
            )
            self.created["certifications"] += 1
        existing_lots = set(product.lots.values_list("code", flat=True))
        for lot in spec.get("lots", []):
            if lot["code"] in existing_lots:
                continue
            services.create_lot(
                product=product,
                actor=owner,
                code=lot["code"],
                harvested_on=self._date(lot.get("harvested")),
                produced_on=self._date(lot.get("produced")),
                best_before=self._date(lot.get("best_before")),
                quantity=lot.get("quantity"),
                note=lot.get("note", ""),
            )
            self.created["lots"] += 1
        status = spec.get("status", "approved")
        if product.review_status == ReviewStatus.PENDING and status != "pending":
            product = services.review_listing(
                product=product,
                moderator=moderator,
                approve=status == "approved",
                reason=spec.get("reason", ""),
            )
        return product

    def _date(self, value: str | None) -> date | None:
        """A content date, moved forward by the whole years since ``content.AS_OF``."""
        if not value:
            return None
        day = date.fromisoformat(value)
        return day.replace(year=day.year + self.years_later)

    def _renumber(self, number: str, issued: str) -> str:
        """Keep the year in a certificate number in step with its (moved) issue date."""
        year = issued[:4]
        return number.replace(f"-{year}-", f"-{int(year) + self.years_later}-")

    def _photo(self, product: Product) -> VillageImage:
        workspace = CommuneWorkspace.objects.get(translation_key=product.commune.translation_key)
        title = product.name_vi
        image = VillageImage.objects.filter(title=title, collection=workspace.collection).first()
        if image is None:
            image = VillageImage(title=title, collection=workspace.collection, alt_text=product.name_vi[:240])
            image.file = ImageFile(
                io.BytesIO(product_jpeg(product.slug, product.category)), name=f"{product.slug[:80]}.jpg"
            )
            image._set_image_file_metadata()
            image.save()
        return image

    # --- orders -------------------------------------------------------------------------------------
    def _order(self, spec: dict) -> None:
        reference = checkout_reference(spec["key"])
        if Checkout.objects.filter(reference=reference).exists():
            return
        producer = self.producers[spec["producer"]]
        if spec["buyer"] == "account":
            user = self.buyer
            buyer = services.Buyer(
                name=user.full_name,
                phone=user.phone or "",
                email=user.email,
                user=user,
                **content.BUYER_ADDRESS,
            )
            cart = services.cart_for(user=user)
        else:
            guest = content.GUESTS[spec["buyer"]]
            user = None
            buyer = services.Buyer(**guest)
            cart = services.cart_for(session_key=f"market-demo-{spec['key'].lower()}")
        placed_at = timezone.now() - timedelta(days=spec["days_ago"])
        if spec["days_ago"]:
            placed_at -= timedelta(hours=ord(spec["key"][-1]) % 9, minutes=ord(spec["key"][-1]) % 50)
        with transaction.atomic():
            cart.items.all().delete()
            for name, quantity in spec["lines"]:
                services.add_to_cart(
                    cart=cart, product=self.products[(producer.name, name)], quantity=quantity
                )
            checkout = services.place_order(
                cart=cart,
                buyer=buyer,
                payment_method=PAYMENT_CODES[spec["payment"]],
                delivery_methods={producer.pk: spec["delivery"]},
                now=placed_at,
            )
            # Demo references, so a second run finds what the first one placed.
            Checkout.objects.filter(pk=checkout.pk).update(reference=reference)
            checkout.orders.update(reference=order_reference(spec["key"]))
            checkout.refresh_from_db()
        order_payments.start_checkout_payment(checkout=checkout, success_url="", cancel_url="")
        order = checkout.orders.get()
        owner = producer.owner
        for step in spec["steps"]:
            order = Order.objects.get(pk=order.pk)
            if step == "accept":
                services.accept_cash_order(order=order, actor=owner)
            elif step == "pay":
                payment = order_payments.payment_for(order)
                payment_services.confirm_transfer_received(payment=payment, actor=owner)
            elif step == "ship":
                services.ship_order(order=order, actor=owner, tracking_note=spec.get("tracking", ""))
            elif step == "deliver":
                services.mark_delivered(order=order, actor=owner)
            elif step == "complete":
                services.complete_order(order=order, actor=user or owner)
            elif step == "cancel_by_buyer":
                services.cancel_order(
                    order=order,
                    actor=user,
                    reason=spec["reason"],
                    as_buyer=True,
                    access_token=checkout.access_token,
                )
            elif step == "cancel_by_producer":
                services.cancel_order(order=order, actor=owner, reason=spec["reason"], as_buyer=False)
            else:  # pragma: no cover - a typo in content
                raise ValueError(f"unknown order step {step!r}")
        order = Order.objects.get(pk=order.pk)
        if order.status == OrderStatus.CANCELLED:  # the unpaid payment is no longer expected
            payment = order_payments.payment_for(order)
            if payment is not None and payment.status == PaymentStatus.PENDING:
                payment_services.cancel_payment(payment=payment, actor=owner, reason=spec["reason"])
        for (rating, text), line in zip(spec.get("reviews", []), order.lines.all(), strict=False):
            services.review_product(
                order=order, product_id=line.product_id, author=user, rating=rating, text=text
            )
            self.created["reviews"] += 1
        self._spread_timestamps(order)
        self.created["orders"] += 1

    # --- buyer demands ------------------------------------------------------------------------------
    def _demand(self, spec: dict) -> None:
        if BuyerDemand.objects.filter(buyer=self.buyer, title=spec["title"]).exists():
            return
        today = timezone.localdate()
        with transaction.atomic():
            demand = demand_services.post_demand(
                buyer=self.buyer,
                title=spec["title"],
                category=spec["category"],
                keywords=spec["keywords"],
                quantity=spec["quantity"],
                unit=spec["unit"],
                max_unit_price=spec["max_unit_price"],
                needed_by=today + timedelta(days=spec["needed_in_days"]),
                delivery_province=content.BUYER_ADDRESS["province"],
                minimum_ocop_stars=spec["minimum_ocop_stars"],
                required_certifications=spec["required_certifications"],
                note=spec["note"],
            )
            self.created["demands"] += 1
            if offer := spec.get("offer"):
                producer = self.producers[offer["producer"]]
                # fresh rows: the loader's copies predate moderation
                product = Product.objects.select_related("producer").get(
                    pk=self.products[(producer.name, offer["product"])].pk
                )
                demand_services.make_offer(
                    demand=demand,
                    product=product,
                    actor=producer.owner,
                    quantity=offer["quantity"],
                    unit_price=offer["unit_price"],
                    available_on=today + timedelta(days=offer["available_in_days"]),
                    note=offer["note"],
                )
                self.created["offers"] += 1
            if inquiry := spec.get("inquiry"):
                demand_services.open_inquiry(
                    buyer=self.buyer,
                    producer=Producer.objects.get(pk=self.producers[inquiry["producer"]].pk),
                    demand=demand,
                    body=inquiry["body"],
                )

    @staticmethod
    def _spread_timestamps(order: Order) -> None:
        """Place the order's milestones hours and days after its back-dated checkout, in order."""
        if order.created_at > timezone.now() - timedelta(hours=1):
            return
        at = order.created_at
        gaps = {
            "paid_at": timedelta(hours=2),
            "confirmed_at": timedelta(hours=3),
            "shipped_at": timedelta(hours=20),
            "delivered_at": timedelta(days=2, hours=4),
            "completed_at": timedelta(days=1),
            "cancelled_at": timedelta(hours=6),
        }
        changes = {}
        for field in (
            "confirmed_at",
            "paid_at",
            "shipped_at",
            "delivered_at",
            "completed_at",
            "cancelled_at",
        ):
            if getattr(order, field) is not None:
                at = at + gaps[field]
                changes[field] = at
        if order.paid_at is not None and order.confirmed_at is not None:
            changes["paid_at"] = changes["confirmed_at"]
        Order.objects.filter(pk=order.pk).update(**changes)
        if "delivered_at" in changes:
            Review.objects.filter(order=order).update(created_at=changes["delivered_at"] + timedelta(days=1))


def years_since(start: date, today: date) -> int:
    """Whole years from ``start`` to ``today`` (0 when ``today`` is earlier)."""
    years = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
    return max(0, years)


def summary() -> dict:
    """What the demo marketplace holds, for the command's last lines and the tests."""
    return {
        "producers": Producer.objects.count(),
        "products": Product.objects.count(),
        "orders": {status: Order.objects.filter(status=status).count() for status in OrderStatus.values},
    }
