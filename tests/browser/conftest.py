"""Browser fixtures: one headless Debian Chromium per module, a fresh context per test.

Playwright's sync API keeps an asyncio loop running in the test thread, and Django refuses ORM
calls from a thread with a running loop (``SynchronousOnlyOperation``). The tests here only read
the database between browser steps, from the one test thread, so ``DJANGO_ALLOW_ASYNC_UNSAFE`` is
set for the lifetime of the browser (one module) and restored afterwards.

Playwright never downloads a browser here: it drives ``CHROMIUM_PATH`` (default
``/usr/bin/chromium``). Without it the tests skip — or fail when ``REQUIRE_BROWSER`` is set (CI).
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import require_or_skip

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_BROWSER = "skipped: no browser (Chromium)"
DEFAULT_TIMEOUT_MS = 15_000


def artefact_directory() -> Path:
    """Where screenshots go: ``BROWSER_ARTEFACTS`` or the system's temporary directory (``/tmp``)."""
    return Path(os.environ.get("BROWSER_ARTEFACTS") or tempfile.gettempdir())


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def _allow_orm_beside_playwright():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(_allow_orm_beside_playwright):
    """A headless Chromium for the whole module (skips, or fails under REQUIRE_BROWSER, without one)."""
    executable = chromium_path()
    if not (Path(executable).is_file() or shutil.which(executable)):
        require_or_skip(False, "REQUIRE_BROWSER", NO_BROWSER)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements-dev.txt
        require_or_skip(False, "REQUIRE_BROWSER", NO_BROWSER)
    manager = sync_playwright()
    playwright = manager.start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - any launch failure means "no usable browser"
        manager.__exit__(None, None, None)
        require_or_skip(False, "REQUIRE_BROWSER", f"{NO_BROWSER}: {error}")
    yield chromium
    chromium.close()
    manager.__exit__(None, None, None)


@pytest.fixture
def new_context(request, browser, live_server, settings):
    """Make browser contexts on the live server (closed after the test): ``new_context(**options)``.

    Any Content-Security-Policy violation that the browser reports (its console says "Content Security
    Policy") fails the test: a page that needs an inline script or style is broken for its visitors.
    The Stripe stand-in's hosted page (``checkout.stripe.test``) is a form's redirect target, like
    Stripe's own in production.
    """
    settings.CSP_FORM_ACTION_ORIGINS = [*settings.CSP_FORM_ACTION_ORIGINS, "https://checkout.stripe.test"]
    contexts = request.node.browser_contexts = []
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def make(**options):
        options = {
            "base_url": live_server.url,
            "locale": "vi-VN",
            "viewport": {"width": 1280, "height": 900},
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.on("console", on_console)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


@pytest.fixture
def context(new_context):
    """A fresh browser context (cookies, cache, service workers) for one test."""
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def artefacts() -> Path:
    """The directory for screenshots meant for people (see :func:`artefact_directory`)."""
    return artefact_directory()


@pytest.fixture
def password() -> str:
    return factories.PASSWORD


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, keep a screenshot and the HTML of every page it had open."""
    report = yield
    if report.when == "call" and report.failed:
        target = artefact_directory() / "browser-failures"
        pages = [page for context in getattr(item, "browser_contexts", []) for page in context.pages]
        for number, page in enumerate(pages):
            name = f"{item.name}-{number}".replace("/", "_")
            try:
                target.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(target / f"{name}.png"), full_page=True)
                (target / f"{name}.html").write_text(page.content())
                report.sections.append(("browser", f"{page.url} → {target / name}.png"))
            except Exception as error:  # noqa: BLE001 - a failed screenshot must not hide the failure
                report.sections.append(("browser", f"{page.url}: no screenshot ({error})"))
    return report
