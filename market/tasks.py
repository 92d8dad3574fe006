"""Background work of the market (Django tasks API: database worker here, Redis/RQ when scaled out)."""

from django_tasks import task


@task()
def release_expired_holds_task() -> int:
    """Cancel unpaid orders whose stock hold expired and give the stock back."""
    from .services import release_expired_holds

    return release_expired_holds()


@task()
def send_order_email_task(event_id: int) -> int:
    """Tell the buyer and the producer what just happened to an order (one event, one email each)."""
    from .notifications import send_order_email

    return send_order_email(event_id=event_id)


@task()
def notify_demand_matches_task(product_id: int) -> int:
    """Email the buyers whose open demands a new or changed listing fits (once per demand and listing)."""
    from .notifications import notify_demand_matches

    return notify_demand_matches(product_id=product_id)


@task()
def expire_demands_task() -> int:
    """Open demands past their needed-by date become expired and their open offers are declined."""
    from .services.demands import expire_demands

    return expire_demands()
