"""Digital-village indicators: the catalogue, periods, entry and computation, dashboards and open data.

Definitions and values are models of ``village`` (``village.models``); computed indicators come from
the domains through ``core.registries.indicators`` (``village`` knows none of them by name).
"""
