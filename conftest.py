"""Shared fixtures: the personas every app's tests use (DESIGN.md, Tests)."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's guard against DB access
# from async code would otherwise trip in browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests share two cores with PostgreSQL, Chromium and another xdist worker: a per-example
# deadline measures the machine's load, not the code, so none is set (HYPOTHESIS_PROFILE picks
# another profile when wanted).
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

from django.db.backends.signals import connection_created  # noqa: E402

from txng.accounts.tests.factories import (  # noqa: E402
    AuthorityFactory,
    BusinessFactory,
    UserFactory,
)

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def _allow_flush_of_the_audit_table(sender, connection, **kwargs):
    """The audit table refuses TRUNCATE (txng/audit/migrations/0003) unless the session says
    so; Django empties the throwaway test database with TRUNCATE after each transactional
    test, so every test connection says so."""
    if connection.vendor == "postgresql":
        # Straight on the driver's connection: tests that watch Django's queries see none.
        with connection.connection.cursor() as cursor:
            cursor.execute("SET txng.allow_audit_truncate = 'on'")


connection_created.connect(_allow_flush_of_the_audit_table)


@pytest.fixture(autouse=True)
def _fresh_cache(request, django_db_blocker):
    """Rate limits and cached fragments live in the cache; no test may inherit another's. The
    test run's cache is the database cache (shared between processes, as in production), so
    only tests that use the database touch it; it is cleared outside their transaction."""
    from django.core.cache import cache

    marked = request.node.get_closest_marker("django_db")
    if not (marked or DB_FIXTURES & set(request.fixturenames)):
        yield
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in Vietnamese: a request in English (the locale middleware activates
    its language for the thread and leaves it so) must not leak into the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _second_factor_optional(settings):
    """Tests log officials in with force_login; those about two-factor login turn it on."""
    settings.OFFICIALS_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The live server serves static files from the finders, under their unhashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def dost(db):
    return AuthorityFactory(kind="dost", name="Sở Khoa học và Công nghệ")


@pytest.fixture
def department(db):
    return AuthorityFactory(kind="department", name="Sở Nông nghiệp và Môi trường")


@pytest.fixture
def commune(db):
    return AuthorityFactory(kind="commune", name="Xã Trùng Khánh")


@pytest.fixture
def other_commune(db):
    return AuthorityFactory(kind="commune", name="Xã Quảng Uyên")


@pytest.fixture
def business(db, department, commune):
    biz = BusinessFactory(name="HTX Hạt dẻ Trùng Khánh", commune=commune)
    biz.managers.set([department, commune])
    return biz


@pytest.fixture
def other_business(db, other_commune):
    biz = BusinessFactory(name="Công ty Non Nước", commune=other_commune)
    biz.managers.set([other_commune])
    return biz


@pytest.fixture
def dost_admin(dost):
    return UserFactory(organisation=dost, role="head", username="dost_admin")


@pytest.fixture
def dept_officer(department):
    return UserFactory(organisation=department, role="officer", username="dept_officer")


@pytest.fixture
def commune_officer(commune):
    return UserFactory(organisation=commune, role="officer", username="commune_officer")


@pytest.fixture
def other_commune_officer(other_commune):
    return UserFactory(organisation=other_commune, role="officer", username="other_officer")


@pytest.fixture
def biz_owner(business):
    return UserFactory(organisation=business, role="owner", username="biz_owner")


@pytest.fixture
def other_biz(other_business):
    return UserFactory(organisation=other_business, role="owner", username="other_biz")


@pytest.fixture
def consumer(client):
    """An anonymous visitor."""
    return client


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.skip(f"Chromium not installed at {executable}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield browser
        browser.close()


def _new_page(browser, live_server, width, height):
    context = browser.new_context(
        viewport={"width": width, "height": height}, base_url=live_server.url, locale="vi-VN"
    )
    return context, context.new_page()


@pytest.fixture
def phone(browser, live_server):
    """A 360 px wide phone page whose relative URLs go to the live server."""
    context, page = _new_page(browser, live_server, 360, 740)
    yield page
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context, page = _new_page(browser, live_server, 1280, 900)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """More pages, as other people (each in a context of its own), all closed when the test
    ends: a page left open keeps fetching from the live server after the test's database
    access is gone."""
    contexts = []

    def make(width=360, height=740):
        context, page = _new_page(browser, live_server, width, height)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot_dir():
    """Where browser tests leave screenshots for people to look at (var/screenshots)."""
    from pathlib import Path

    path = Path(__file__).parent / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
