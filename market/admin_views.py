"""Marketplace moderation in the Wagtail admin: the commune moderator approves or rejects producers
and product listings of the communes they moderate — and sees nothing of the others (404).

The decision itself is ``services.review_producer`` / ``services.review_listing``; these views list,
show and pass the decision on. Who sees the menu item and these pages, and which rows: commune moderators
(their communes' rows) and superusers (every commune's) — ``accounts.moderation``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.moderation import ModeratedObjectMixin, ModeratorOnlyMixin, only_moderated

from . import services
from .exceptions import MarketError
from .forms.shop import ReviewDecisionForm, apply_service_error, service_message
from .models import Producer, Product, ProductImage, ReviewStatus

INDEX_BREADCRUMB = {
    "url": reverse_lazy("market_moderation:index"),
    "label": gettext_lazy("Marketplace moderation"),
}


class ModerationIndexView(ModeratorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "market/shop/moderation/index.html"
    page_title = gettext_lazy("Marketplace moderation")
    header_icon = "check"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["producers"] = list(
            only_moderated(Producer.objects.filter(review_status=ReviewStatus.PENDING), user)
            .select_related("commune", "owner")
            .order_by("created_at")
        )
        context["products"] = list(
            only_moderated(Product.objects.filter(review_status=ReviewStatus.PENDING), user)
            .select_related("commune", "producer")
            .order_by("updated_at")
        )
        return context


class ReviewView(ModeratedObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    """One pending item with Approve / Reject (reason required) — both plain POST forms."""

    header_icon = "check"

    def decide(self, item, *, approve: bool, reason: str):
        raise NotImplementedError

    def get_page_title(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, INDEX_BREADCRUMB, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ReviewDecisionForm())
        context["object"] = self.object
        return context

    def post(self, request, *args, **kwargs):
        form = ReviewDecisionForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                self.decide(self.object, approve=approve, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                apply_service_error(form, error, field_map={"rejection_reason": "reason"})
            except MarketError as error:
                form.add_error(None, service_message(error))
            else:
                if approve:
                    messages.success(request, _("“%(item)s” is approved.") % {"item": self.object})
                else:
                    messages.success(
                        request,
                        _("“%(item)s” is rejected; the producer sees your reason.") % {"item": self.object},
                    )
                return redirect(reverse("market_moderation:index"))
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class ProducerReviewView(ReviewView):
    template_name = "market/shop/moderation/producer.html"

    def get_queryset(self):
        return Producer.objects.select_related("commune", "village", "owner").prefetch_related("products")

    def decide(self, item, *, approve: bool, reason: str):
        return services.review_producer(
            producer=item, moderator=self.request.user, approve=approve, reason=reason
        )


class ProductReviewView(ReviewView):
    template_name = "market/shop/moderation/product.html"

    def get_queryset(self):
        return Product.objects.select_related("commune", "producer", "ocop").prefetch_related(
            "certifications", Prefetch("images", queryset=ProductImage.objects.select_related("image"))
        )

    def decide(self, item, *, approve: bool, reason: str):
        return services.review_listing(
            product=item, moderator=self.request.user, approve=approve, reason=reason
        )
