from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillageConfig(AppConfig):
    """Wagtail pages of provinces, communes and villages; the digital village guide; site search."""

    name = "village"
    verbose_name = _("Village")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published, page_unpublished

        from core.registries import PeriodicJob, periodic_jobs

        from . import services
        from .indicators import computed
        from .indicators.tasks import recompute_indicators_task
        from .search import register_search_sources

        # Wagtail announces publishing only through these signals (whether an editor publishes or a
        # moderator approves a workflow). This one adapter turns them into an explicit service call;
        # no other flow is driven by signals (docs/adr/0002-wagtail-publish-adapter.md).
        page_published.connect(services.page_published_adapter, dispatch_uid="village-page-published")
        page_unpublished.connect(services.page_unpublished_adapter, dispatch_uid="village-page-unpublished")
        # Making a page private is announced only by its view restriction being saved or deleted: the
        # same kind of adapter keeps the search index honest (a private page is never found).
        for signal in (post_save, post_delete):
            signal.connect(
                services.view_restriction_adapter,
                sender=PageViewRestriction,
                dispatch_uid=f"village-view-restriction-{signal is post_save}",
            )
        computed.register()
        register_search_sources()
        periodic_jobs.register(
            "village.recompute-indicators", PeriodicJob(recompute_indicators_task, every_seconds=3600)
        )
