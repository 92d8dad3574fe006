"""Shared fixtures: a small bilingual site, users in commune roles, and the optional services.

The site tree (home → Lào Cai → Tả Van and Bắc Hà, in Vietnamese and English) takes seconds to
build through Wagtail, so it is built once per test database in ``django_db_setup`` and every test
runs inside a transaction that is rolled back. A test that flushes the database (``transaction=True``)
gets the tree rebuilt by ``site_tree`` when it asks for it.
"""

import os

import pytest
from django.core.cache import cache
from django.db import connection

from accounts.models import Role

from . import factories


def require_or_skip(condition: bool, variable: str, reason: str) -> None:
    """Skip when a service is missing; in CI (``variable`` set) a missing service is a failure."""
    if condition:
        return
    if os.environ.get(variable):
        pytest.fail(f"{reason} — and {variable} is set, so this is a failure, not a skip")
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    """Run the tests that flush the database (browser, ``transaction=True``) last.

    They wipe the tree that ``django_db_setup`` built once; running them at the end keeps every other
    test on the shared tree instead of rebuilding it.
    """

    def flushes(item) -> bool:
        if item.get_closest_marker("browser"):
            return True
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction"):
            return True
        return "transactional_db" in getattr(item, "fixturenames", ()) or "live_server" in getattr(
            item, "fixturenames", ()
        )

    items.sort(key=flushes)


FIGURES_PROPERTY = "figures"


@pytest.fixture
def figures(record_property):
    """``figures(text)``: a line of figures (corpus sizes, results) printed at the end of the run, also
    under pytest-xdist and without ``-s`` — the security suite's sizes and results appear in CI's log."""

    def say(text: str) -> None:
        print(text)
        record_property(FIGURES_PROPERTY, text.strip())

    return say


def pytest_terminal_summary(terminalreporter):
    lines = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == FIGURES_PROPERTY
    ]
    if lines:
        terminalreporter.section("figures")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        factories.build_site()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Wagtail caches site root paths and we cache pages: every test starts with an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def postgres(db):
    require_or_skip(connection.vendor == "postgresql", "REQUIRE_POSTGRES", "skipped: no PostgreSQL")


@pytest.fixture
def site_tree(db):
    return factories.load_site() or factories.build_site()


@pytest.fixture
def editor_a(site_tree):
    return factories.make_member("editor-a@example.org", site_tree["a"]["commune"], Role.COMMUNE_EDITOR)


@pytest.fixture
def moderator_a(site_tree):
    return factories.make_member("moderator-a@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR)


@pytest.fixture
def editor_b(site_tree):
    return factories.make_member("editor-b@example.org", site_tree["b"]["commune"], Role.COMMUNE_EDITOR)


@pytest.fixture
def moderator_b(site_tree):
    return factories.make_member("moderator-b@example.org", site_tree["b"]["commune"], Role.COMMUNE_MODERATOR)


@pytest.fixture
def superuser(db):
    return factories.make_user("root@example.org", superuser=True)


@pytest.fixture
def indicator_catalogue(db):
    """The seeded indicator definitions and targets (a data migration makes them; a flush removes them)."""
    from village.indicators.catalogue import seed
    from village.models import IndicatorDefinition, IndicatorTarget

    seed(IndicatorDefinition, IndicatorTarget)
    return {definition.code: definition for definition in IndicatorDefinition.objects.all()}
