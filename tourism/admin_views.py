"""The commune office's tourism screens in the Wagtail admin (``/admin/tourism/``).

- **Moderation queue**: hosts and listings of the communes the user moderates that wait for approval;
  each opens on a page with Approve / Reject (with a reason) — ``services.listings.review_listing``.
- **Reviews** of those communes' listings, each hidden with a note or shown again —
  ``services.reviews.moderate_review``.
- **Smart tourism**: bookings, guest-nights and cancellations by month, occupancy per stay, top
  experiences and visitors' countries of one commune and year (``selectors.commune_statistics``), also
  as CSV.

Who: commune moderators (their communes only) and superusers (every commune) — ``accounts.moderation``.
Someone who moderates no commune is refused (Wagtail shows "no permission"); another commune's item or
figures are "not found". These views find, show and pass decisions on — the rules are the services'.
"""

import csv
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale

from accounts.acting import moderated_commune_ids
from accounts.moderation import ModeratedObjectMixin, ModeratorOnlyMixin, only_moderated
from village.models import CommunePage

from . import selectors
from .admin_forms import DecisionForm, ReviewModerationForm, StatisticsFilterForm, apply_service_error
from .countries import country_name
from .exceptions import TourismError
from .models import Host, ListingStatus, Review, Service, ServiceImage, Slot
from .services import listings, reviews

REVIEWS_PER_PAGE = 30


def moderated_communes(user) -> list[CommunePage]:
    """The communes whose figures ``user`` may see, in tree order (a superuser: every commune, once)."""
    commune_ids = moderated_commune_ids(user)
    if commune_ids is None:
        communes = CommunePage.objects.filter(locale=Locale.get_default())
    else:
        communes = CommunePage.objects.filter(pk__in=commune_ids)
    return list(communes.order_by("path"))


INDEX_BREADCRUMB = {"url": reverse_lazy("tourism_admin:index"), "label": gettext_lazy("Tourism")}


class TourismAdminMixin(WagtailAdminTemplateMixin):
    """The tourism screens' header, breadcrumbs and navigation (who may open them: the views' mixins)."""

    header_icon = "site"
    section = ""

    def get_breadcrumbs_items(self):
        items = (
            [*self.breadcrumbs_items]
            if self.section == "queue"
            else [*self.breadcrumbs_items, INDEX_BREADCRUMB]
        )
        return [*items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["section"] = self.section
        return context


# --- moderation queue -------------------------------------------------------------------------------------


class ModerationQueueView(ModeratorOnlyMixin, TourismAdminMixin, TemplateView):
    template_name = "tourism/admin/index.html"
    page_title = gettext_lazy("Tourism: waiting for approval")
    section = "queue"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["hosts"] = list(
            only_moderated(Host.objects.filter(status=ListingStatus.PENDING), user)
            .select_related("commune", "village", "owner")
            .annotate(service_count=Count("services"))
            .order_by("created_at", "pk")
        )
        context["services"] = list(
            only_moderated(Service.objects.filter(status=ListingStatus.PENDING), user)
            .select_related("commune", "host")
            .order_by("updated_at", "pk")
        )
        return context


class DecisionView(ModeratedObjectMixin, TourismAdminMixin, TemplateView):
    """One pending (or decided) host or listing with Approve / Reject — both plain POST forms."""

    def get_page_title(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", DecisionForm())
        context["object"] = self.object
        return context

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                listings.review_listing(
                    instance=self.object,
                    moderator=request.user,
                    approve=approve,
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, TourismError) as error:
                apply_service_error(form, error, field_map={"rejection_reason": "reason"})
            else:
                if approve:
                    message = _("“%(item)s” is approved.")
                else:
                    message = _("“%(item)s” is rejected; the host sees your reason.")
                messages.success(request, message % {"item": self.object})
                return redirect(reverse("tourism_admin:index"))
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class HostDecisionView(DecisionView):
    template_name = "tourism/admin/host.html"

    def get_queryset(self):
        return Host.objects.select_related("commune", "village", "owner").prefetch_related(
            Prefetch("services", queryset=Service.objects.order_by("kind", "title_vi"))
        )


class ServiceDecisionView(DecisionView):
    template_name = "tourism/admin/service.html"

    def get_queryset(self):
        return Service.objects.select_related("commune", "village", "host").prefetch_related(
            Prefetch("images", queryset=ServiceImage.objects.select_related("image")),
            "units__seasonal_prices",
            Prefetch(
                "slots",
                queryset=Slot.objects.filter(starts_at__gt=timezone.now(), is_cancelled=False)[:10],
                to_attr="upcoming_slots",
            ),
        )


# --- reviews ----------------------------------------------------------------------------------------------


class ReviewsPage(TourismAdminMixin, TemplateView):
    """Reviews of the moderated communes' listings, newest first, each with its Hide / Show form (who may
    see it: ``ReviewListView`` and ``ReviewModerationView``)."""

    template_name = "tourism/admin/reviews.html"
    page_title = gettext_lazy("Guests' reviews")
    section = "reviews"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = only_moderated(
            Review.objects.select_related("service__commune", "service__host", "moderated_by"),
            self.request.user,
            commune_field="service__commune_id",
        ).order_by("-created_at", "-pk")
        page = Paginator(rows, REVIEWS_PER_PAGE).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["reviews"] = list(page.object_list)
        context.setdefault("failed_review_id", None)
        context.setdefault("form", ReviewModerationForm())
        return context


class ReviewListView(ModeratorOnlyMixin, ReviewsPage):
    """The reviews page itself (GET)."""


class ReviewModerationView(ModeratedObjectMixin, ReviewsPage):
    """POST only: hide (a note is required) or show one review, then back to the list (shown again, with
    the form's errors next to that review, when the service refuses)."""

    http_method_names = ["post"]
    commune_field = "service__commune_id"

    def get_queryset(self):
        return Review.objects.select_related("service")

    def post(self, request, *args, **kwargs):
        form = ReviewModerationForm(request.POST)
        if form.is_valid():
            visible = form.cleaned_data["action"] == "show"
            try:
                reviews.moderate_review(
                    review=self.object,
                    moderator=request.user,
                    visible=visible,
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, TourismError) as error:
                apply_service_error(form, error, field_map={"moderation_note": "note"})
            else:
                if visible:
                    message = _("The review of “%(item)s” is shown again.")
                else:
                    message = _("The review of “%(item)s” is hidden.")
                messages.success(request, message % {"item": self.object.service})
                return redirect(reverse("tourism_admin:reviews"))
        response = self.render_to_response(self.get_context_data(form=form, failed_review_id=self.object.pk))
        response.status_code = 400
        return response


# --- smart tourism statistics -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatisticsRequest:
    commune: CommunePage | None
    year: int
    communes: list[CommunePage]
    form: StatisticsFilterForm


def read_statistics_request(request) -> StatisticsRequest:
    """The commune (one the user moderates; default: the first) and year (default: this one) asked for.

    Raises ``Http404`` for a commune the user does not moderate; an invalid value leaves ``form`` invalid.
    """
    communes = moderated_communes(request.user)
    form = StatisticsFilterForm(request.GET)
    year = timezone.localdate().year
    commune = communes[0] if communes else None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        wanted = form.cleaned_data["commune"]
        if wanted is not None:
            commune = next((item for item in communes if item.pk == wanted), None)
            if commune is None:
                raise Http404("No commune of yours with this id.")
    return StatisticsRequest(commune=commune, year=year, communes=communes, form=form)


@dataclass(frozen=True)
class StatisticsTable:
    """The figures of ``selectors.commune_statistics`` as rows to show or to write out as CSV."""

    months: list[tuple[date, int, int, int]]
    totals: tuple[int, int, int]
    occupancy: list[tuple[str, int, float]]
    top_experiences: list[tuple[str, int]]
    countries: list[tuple[str, str, int]]


def statistics_table(commune: CommunePage, year: int) -> StatisticsTable:
    figures = selectors.commune_statistics(commune, year=year)
    totals = figures["totals"]
    return StatisticsTable(
        months=[(m.month, m.bookings, m.guest_nights, m.cancellations) for m in figures["months"]],
        totals=(totals["bookings"], totals["guest_nights"], totals["cancellations"]),
        occupancy=[
            (row["service"].title, row["booked_nights"], round(100 * row["rate"], 1))
            for row in figures["occupancy"]
        ],
        top_experiences=[(row["service"].title, row["guests"]) for row in figures["top_experiences"]],
        countries=[(code, country_name(code), guests) for code, guests in figures["countries"]],
    )


class StatisticsView(ModeratorOnlyMixin, TourismAdminMixin, TemplateView):
    template_name = "tourism/admin/statistics.html"
    page_title = gettext_lazy("Smart tourism")
    section = "statistics"

    def get(self, request, *args, **kwargs):
        asked = read_statistics_request(request)
        context = self.get_context_data(asked=asked, form=asked.form)
        if not asked.form.is_valid():
            response = self.render_to_response(context)
            response.status_code = 400
            return response
        if asked.commune is not None:
            context["table"] = statistics_table(asked.commune, asked.year)
            context["csv_url"] = (
                reverse("tourism_admin:statistics_csv") + f"?commune={asked.commune.pk}&year={asked.year}"
            )
        return self.render_to_response(context)


class StatisticsCsvView(ModeratorOnlyMixin, View):
    """The same figures as the statistics page, as a CSV file (UTF-8 with BOM, so Excel reads diacritics)."""

    def get(self, request, *args, **kwargs):
        asked = read_statistics_request(request)
        if not asked.form.is_valid():
            errors = "; ".join(
                f"{bound.label}: {' '.join(bound.errors)}" for bound in asked.form if bound.errors
            )
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        if asked.commune is None:
            raise Http404("No commune to show.")
        table = statistics_table(asked.commune, asked.year)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="tourism-{asked.commune.slug}-{asked.year}.csv"'
        )
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Commune"), asked.commune.title])
        writer.writerow([_("Year"), asked.year])
        writer.writerow([])
        writer.writerow([_("Month"), _("Bookings"), _("Guest-nights"), _("Cancellations")])
        for month, bookings, guest_nights, cancellations in table.months:
            writer.writerow([month.strftime("%Y-%m"), bookings, guest_nights, cancellations])
        writer.writerow([_("Total"), *table.totals])
        writer.writerow([])
        writer.writerow([_("Stay"), _("Booked nights"), _("Occupancy (%)")])
        for title, nights, percent in table.occupancy:
            writer.writerow([title, nights, f"{percent:.1f}"])
        writer.writerow([])
        writer.writerow([_("Experience"), _("Guests")])
        writer.writerows(table.top_experiences)
        writer.writerow([])
        writer.writerow([_("Country code"), _("Country"), _("Guests")])
        writer.writerows(table.countries)
        return response
