"""The platform admin's "Partners" screens in the Wagtail admin (``/admin/partners/``).

- **List**: every partner, those waiting for approval first (filter by status), with today's and the last
  30 days' requests.
- **A partner's page**: who they are and what they will use the API for; approve (tier, scopes, licence
  terms), reject or suspend (with a reason the partner reads), reinstate, change the terms; the usage of
  the last 30 days; the keys (prefix, last use), each of which the admin may revoke.

Who: superusers and users with the ``api.change_partner`` permission; anyone else is refused (Wagtail
shows "no permission") before any lookup and does not see the menu item. These views find, show and pass
decisions on — the rules are ``api.services.partners``'.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.web import Action, action_forms, post_action, refusal_status

from .admin_forms import EmptyForm, ReasonForm, StatusFilterForm, TermsForm, apply_service_error
from .exceptions import HTTP_STATUSES, ApiServiceError
from .models import ApiKey, Partner, PartnerStatus, Scope
from .quotas import quota_for_tier
from .services import partners as partner_services
from .views.portal import USAGE_DAYS, usage_days

PARTNERS_PER_PAGE = 50
PERMISSION = "api.change_partner"
STATUS_ORDER = (
    PartnerStatus.PENDING,
    PartnerStatus.APPROVED,
    PartnerStatus.SUSPENDED,
    PartnerStatus.REJECTED,
)
ACTIONS = {
    "approve": Action(
        TermsForm, gettext_lazy("The partner is approved: it can now make its API keys."), prefix="approve"
    ),
    "terms": Action(TermsForm, gettext_lazy("The partner's terms are changed."), prefix="terms"),
    "reject": Action(
        ReasonForm, gettext_lazy("The application is rejected; the partner reads why."), prefix="reject"
    ),
    "suspend": Action(
        ReasonForm,
        gettext_lazy("The partner is suspended: its keys are refused until you reinstate it."),
        prefix="suspend",
    ),
    "reinstate": Action(
        EmptyForm, gettext_lazy("The partner is reinstated: its keys work again."), prefix="reinstate"
    ),
}
#: the buttons each status offers (the services decide what is allowed)
OFFERED = {
    PartnerStatus.PENDING: ("approve", "reject"),
    PartnerStatus.APPROVED: ("terms", "suspend"),
    PartnerStatus.SUSPENDED: ("reinstate", "terms"),
    PartnerStatus.REJECTED: ("approve",),
}


def can_manage_partners(user) -> bool:
    return bool(user.is_active and user.has_perm(PERMISSION))


class PartnersMenuItem(MenuItem):
    """The "Partners" menu item, shown to those who may manage partners."""

    def is_shown(self, request):
        return can_manage_partners(request.user)


INDEX_BREADCRUMB = {"url": reverse_lazy("partners_admin:index"), "label": gettext_lazy("Partners")}


class PartnerAdminMixin(WagtailAdminTemplateMixin):
    """Refuse anyone who may not manage partners; the screens' header and breadcrumbs."""

    header_icon = "globe"
    is_index = False

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_partners(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items] if self.is_index else [*self.breadcrumbs_items, INDEX_BREADCRUMB]
        return [*items, {"url": "", "label": self.get_page_title()}]


# --- the list ------------------------------------------------------------------------------------------


class PartnerListView(PartnerAdminMixin, TemplateView):
    template_name = "api/admin/index.html"
    page_title = gettext_lazy("Partners")
    is_index = True

    def get(self, request, *args, **kwargs):
        form = StatusFilterForm(request.GET)
        valid = form.is_valid()
        status = form.cleaned_data["status"] if valid else ""
        today = timezone.now().date()
        first = today - timedelta(days=USAGE_DAYS - 1)
        partners = (
            Partner.objects.select_related("owner")
            .annotate(
                status_order=Case(
                    *(When(status=value, then=Value(order)) for order, value in enumerate(STATUS_ORDER)),
                    default=Value(len(STATUS_ORDER)),
                    output_field=IntegerField(),
                ),
                requests_today=Coalesce(Sum("usage_days__requests", filter=Q(usage_days__day=today)), 0),
                requests_recent=Coalesce(
                    Sum(
                        "usage_days__requests",
                        filter=Q(usage_days__day__gte=first, usage_days__day__lte=today),
                    ),
                    0,
                ),
            )
            .order_by("status_order", "created_at", "pk")
        )
        if status:
            partners = partners.filter(status=status)
        page = Paginator(partners, PARTNERS_PER_PAGE).get_page(request.GET.get("page"))
        pending = Partner.objects.filter(status=PartnerStatus.PENDING).count()
        context = self.get_context_data(
            form=form, page_obj=page, partners=list(page.object_list), pending_count=pending, days=USAGE_DAYS
        )
        response = self.render_to_response(context)
        if not valid:
            response.status_code = 400
        return response


# --- one partner ---------------------------------------------------------------------------------------


class PartnerView(PartnerAdminMixin, TemplateView):
    """A partner's details, decisions, usage and keys; each decision is a plain POST form."""

    template_name = "api/admin/partner.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_partners(request.user):
            raise PermissionDenied
        self.partner = get_object_or_404(
            Partner.objects.select_related("owner", "reviewed_by"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.partner)

    def get_context_data(self, *, bound: tuple[str, object] | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        partner = self.partner
        forms = action_forms(ACTIONS, bound)
        initial = TermsForm.initial_for(partner)
        for name in ("approve", "terms"):
            if bound is None or bound[0] != name:
                forms[name] = TermsForm(prefix=ACTIONS[name].prefix, initial=initial)
        offered = list(OFFERED.get(partner.status, ()))
        if bound is not None and bound[0] not in offered:
            offered.append(bound[0])
        rows = usage_days(partner)
        scope_labels = dict(Scope.choices)
        context.update(
            partner=partner,
            offered=[(name, forms[name]) for name in offered],
            quota=quota_for_tier(partner.tier),
            scopes=[(scope, scope_labels.get(scope, scope)) for scope in partner.scopes or []],
            days=rows,
            total_requests=sum(row["requests"] for row in rows),
            total_throttled=sum(row["throttled"] for row in rows),
            keys=list(
                ApiKey.objects.filter(partner=partner)
                .select_related("created_by")
                .order_by("-created_at", "-pk")
            ),
            subscription_count=partner.subscriptions.aggregate(count=Count("pk"))["count"],
        )
        return context

    def url(self) -> str:
        return reverse("partners_admin:partner", args=[self.partner.pk])

    def show_again(self, action: str, form, status: int):
        response = self.render_to_response(self.get_context_data(bound=(action, form)))
        response.status_code = status
        return response


def _error_status(error) -> int:
    return refusal_status(error, domain_error=ApiServiceError, statuses=HTTP_STATUSES)


class PartnerActionView(PartnerView):
    """POST only: approve, change the terms, reject, suspend or reinstate; then back to the partner's page
    (shown again with the form's errors when the form or the service refuses)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        if action not in ACTIONS:
            raise Http404("No such action.")
        partner, reviewer = self.partner, request.user

        def perform(data: dict) -> None:
            if action == "approve":
                partner_services.approve_partner(partner=partner, reviewer=reviewer, **data)
            elif action == "terms":
                partner_services.update_partner_terms(partner=partner, reviewer=reviewer, **data)
            elif action == "reject":
                partner_services.reject_partner(partner=partner, reviewer=reviewer, reason=data["reason"])
            elif action == "suspend":
                partner_services.suspend_partner(partner=partner, reviewer=reviewer, reason=data["reason"])
            else:
                partner_services.reinstate_partner(partner=partner, reviewer=reviewer)

        return post_action(
            request,
            ACTIONS[action],
            perform,
            refusals=(ApiServiceError,),
            apply_error=apply_service_error,
            error_status=_error_status,
            done_url=self.url(),
            show_again=lambda form, status: self.show_again(action, form, status),
        )


class KeyRevokeView(PartnerView):
    """POST only: revoke one of the partner's keys (another partner's key is not found)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        api_key = get_object_or_404(ApiKey, pk=kwargs["key_id"], partner=self.partner)
        partner_services.revoke_key(api_key=api_key, actor=request.user)
        messages.success(request, _("The key %(prefix)s… is revoked.") % {"prefix": api_key.prefix})
        return redirect(self.url())
