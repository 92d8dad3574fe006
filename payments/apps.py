from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Cash on delivery, VietQR bank transfer (with statement import), Stripe, refunds and the payout ledger.

    It knows no domain: orders and bookings register as payables in ``core.registries.payables`` from
    their own ``AppConfig.ready()``, and payments calls them back when money arrives or goes back.
    """

    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from core.registries import PeriodicJob, periodic_jobs

        from .tasks import expire_stale_payments_task

        periodic_jobs.register(
            "payments.expire-stale-payments", PeriodicJob(expire_stale_payments_task, every_seconds=300)
        )
