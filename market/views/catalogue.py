"""The public marketplace: the catalogue, product and producer pages, and lot traceability (QR codes)."""

import io

import segno
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import selectors, services
from ..forms.buyer import AddToCartForm, CatalogueFilterForm
from ..models import ReviewStatus

PRODUCTS_PER_PAGE = 24
SCHEMA_AVAILABILITY = {True: "https://schema.org/InStock", False: "https://schema.org/OutOfStock"}


def _page_number_was_invalid(request, page_obj) -> bool:
    raw = request.GET.get("page")
    return raw is not None and raw != str(page_obj.number)


@require_GET
def catalogue(request):
    """Listed products, narrowed by a GET form; values it does not understand are ignored and named."""
    places = selectors.catalogue_places()
    form = CatalogueFilterForm(request.GET or None, places=places)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    paginator = Paginator(selectors.catalogue_products(**filters), PRODUCTS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    # every listed product's commune is among the places, whose titles are already in the visitor's language
    products = selectors.decorate_cards(page_obj.object_list, commune_titles=places.titles)
    structured_data = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": _("Products from the highlands"),
        "numberOfItems": paginator.count,
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": page_obj.start_index() + index,
                "url": request.build_absolute_uri(reverse("market:product", kwargs={"slug": product.slug})),
                "name": product.name,
            }
            for index, product in enumerate(products)
        ],
    }
    return render(
        request,
        "market/catalogue.html",
        {
            "form": form,
            "filters": filters,
            "products": products,
            "page_obj": page_obj,
            "ignored": form.ignored_labels(),
            "query_was_cut": form.query_was_cut,
            "page_was_invalid": _page_number_was_invalid(request, page_obj),
            "structured_data": structured_data,
        },
    )


def _month_names(months) -> list[str]:
    return [str(MONTHS[month]) for month in sorted(set(months or [])) if month in MONTHS]


def product_structured_data(request, product, *, ocop, certifications, reviews, images) -> dict:
    """schema.org ``Product`` with its ``Offer``, rating, OCOP award and certifications."""
    url = request.build_absolute_uri(reverse("market:product", kwargs={"slug": product.slug}))
    producer_url = request.build_absolute_uri(
        reverse("market:producer", kwargs={"slug": product.producer.slug})
    )
    organization = {"@type": "Organization", "name": product.producer.name, "url": producer_url}
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.description,
        "sku": product.slug,
        "url": url,
        "category": product.get_category_display(),
        "brand": organization,
        "manufacturer": organization,
        "offers": {
            "@type": "Offer",
            "price": str(product.price),
            "priceCurrency": "VND",
            "availability": SCHEMA_AVAILABILITY[product.stock > 0],
            "url": url,
            "seller": organization,
            "eligibleQuantity": {
                "@type": "QuantitativeValue",
                "minValue": product.minimum_order,
                "unitText": product.get_unit_display(),
            },
        },
    }
    if images:
        data["image"] = [
            request.build_absolute_uri(image.get_rendition(selectors.JSONLD_RENDITION).url)
            for image in images
        ]
    if reviews["count"]:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(reviews["average"]),
            "reviewCount": reviews["count"],
            "bestRating": "5",
            "worstRating": "1",
        }
    properties = [
        {
            "@type": "PropertyValue",
            "propertyID": certification.kind,
            "name": certification.get_kind_display(),
            "value": certification.certificate_number or certification.get_kind_display(),
        }
        for certification in certifications
    ]
    if ocop is not None:
        data["award"] = f"OCOP {ocop.stars} sao"
        properties.append(
            {
                "@type": "PropertyValue",
                "propertyID": "OCOP",
                "name": _("OCOP certificate number"),
                "value": ocop.certificate_number,
            }
        )
    if properties:
        data["additionalProperty"] = properties
    return data


@require_GET
def product_detail(request, slug):
    product = selectors.product_page(slug)
    if product is None:
        raise Http404
    today = timezone.localdate()
    ocop = selectors.current_ocop(product, today)
    try:
        expired_ocop = None if ocop is not None else product.ocop
    except type(product).ocop.RelatedObjectDoesNotExist:
        expired_ocop = None
    certifications = selectors.current_certifications(product.all_certifications, today)
    reviews = selectors.review_summary(product)
    province = product.commune.get_parent()
    titles = selectors.localized_titles([product.commune, product.producer.village, province])
    images = [photo.image for photo in product.gallery]
    form = AddToCartForm(initial={"product": product.slug, "quantity": product.minimum_order})
    return render(
        request,
        "market/product.html",
        {
            "product": product,
            "commune": product.commune.localized,
            "images": images,
            "ocop": ocop,
            "expired_ocop": expired_ocop,
            "certifications": certifications,
            "reviews": reviews,
            "reliability": services.producer_reliability(product.producer),
            "commune_title": titles[product.commune_id],
            "village_title": titles.get(product.producer.village_id, ""),
            "province_title": titles[province.pk],
            "harvest_months": _month_names(product.harvest_months),
            "form": form,
            "structured_data": product_structured_data(
                request, product, ocop=ocop, certifications=certifications, reviews=reviews, images=images
            ),
        },
    )


@require_GET
def producer_detail(request, slug):
    producer = selectors.approved_producer(slug)
    if producer is None:
        raise Http404
    paginator = Paginator(selectors.producer_products(producer), PRODUCTS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    titles = selectors.localized_titles([producer.commune, producer.village])
    products = selectors.decorate_cards(page_obj.object_list, commune_titles=titles)
    url = request.build_absolute_uri(reverse("market:producer", kwargs={"slug": producer.slug}))
    structured_data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": producer.name,
        "url": url,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": titles[producer.commune_id],
            "addressCountry": "VN",
        },
    }
    if producer.story:
        structured_data["description"] = producer.story
    return render(
        request,
        "market/producer.html",
        {
            "producer": producer,
            "commune": producer.commune.localized,
            "products": products,
            "page_obj": page_obj,
            "commune_title": titles[producer.commune_id],
            "village_title": titles.get(producer.village_id, ""),
            "reliability": services.producer_reliability(producer),
            "structured_data": structured_data,
        },
    )


# --- lots: traceability from the QR code on the pack --------------------------------------------------


def _lot_or_404(public_id):
    lot = selectors.traceable_lot(public_id)
    if lot is None:
        raise Http404
    return lot


def lot_scan_url(request, lot) -> str:
    """The lot page's absolute address without a language prefix, so the phone's language is used.

    ``/market/lots/<id>/`` is redirected by the locale middleware to ``/vi/…`` or ``/en/…``.
    """
    path = reverse("market:lot", kwargs={"public_id": lot.public_id})
    prefix = f"/{get_language()}/"
    if path.startswith(prefix):
        path = path[len(prefix) - 1 :]
    return request.build_absolute_uri(path)


def _lot_context(request, lot) -> dict:
    product = lot.product
    today = timezone.localdate()
    province = product.commune.get_parent()
    titles = selectors.localized_titles([product.commune, product.producer.village, province])
    return {
        "lot": lot,
        "commune": product.commune.localized,
        "product": product,
        "producer": product.producer,
        "product_listed": selectors.is_listed(product),
        "producer_approved": product.producer.review_status == ReviewStatus.APPROVED,
        "ocop": selectors.current_ocop(product, today),
        "certifications": selectors.current_certifications(product.all_certifications, today),
        "commune_title": titles[product.commune_id],
        "village_title": titles.get(product.producer.village_id, ""),
        "province_title": titles[province.pk],
        "scan_url": lot_scan_url(request, lot),
    }


@require_GET
def lot_detail(request, public_id):
    lot = _lot_or_404(public_id)
    return render(request, "market/lot.html", _lot_context(request, lot))


@require_GET
def lot_label(request, public_id):
    lot = _lot_or_404(public_id)
    return render(request, "market/lot_label.html", _lot_context(request, lot))


@require_GET
def lot_qr(request, public_id):
    """An SVG QR code of the lot page's address, to print on the pack."""
    lot = _lot_or_404(public_id)
    code = segno.make(lot_scan_url(request, lot), error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=4, border=2, title=_("Lot %(code)s") % {"code": lot.code})
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
