"""The replica router: reads of a GET request go to the replica, unless the visitor has just
written; writes, and reads outside a request or inside a transaction, go to the primary. No
database is opened here: outside a test transaction, as in production."""

import time
from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from txng.ops import replica
from txng.stamps.models import Scan


def _route(method, cookies=None):
    request = RequestFactory().generic(method, "/")
    request.COOKIES.update(cookies or {})
    chosen = {}

    def view(request):
        chosen["db"] = replica.ReplicaRouter().db_for_read(Scan)
        return HttpResponse()

    response = replica.ReadYourWritesMiddleware(view)(request)
    return chosen["db"], response


def test_reads_of_a_get_go_to_the_replica_and_writes_to_the_primary():
    db, _ = _route("GET")
    assert db == "replica"
    assert replica.ReplicaRouter().db_for_write(Scan) == "default"


def test_outside_a_request_reads_use_the_primary():
    assert replica.ReplicaRouter().db_for_read(Scan) == "default"


def test_after_a_write_the_same_visitor_reads_from_the_primary(settings):
    settings.REPLICA_STICKY_SECONDS = 15
    db, response = _route("POST")
    assert db == "default"
    marker = response.cookies[replica.WROTE_COOKIE].value
    db, _ = _route("GET", {replica.WROTE_COOKIE: marker})
    assert db == "default"
    stale = str(int(time.time()) - 60)
    db, _ = _route("GET", {replica.WROTE_COOKIE: stale})
    assert db == "replica"


@pytest.fixture
def outside_a_transaction(db, monkeypatch):
    """The test's transaction alone would send every read to the primary (and the test run's
    cache is a database table): the router sees a connection outside one, as a production GET."""
    monkeypatch.setattr(replica, "connections", {"default": SimpleNamespace(in_atomic_block=False)})


def _inside_a_get(work):
    """`work()`'s result, run as the view of an anonymous GET (replica reads allowed)."""
    request = RequestFactory().get("/")
    done = {}

    def view(request):
        assert replica.ReplicaRouter().db_for_read(Scan) == "replica"
        done["result"] = work(request)
        return HttpResponse()

    replica.ReadYourWritesMiddleware(view)(request)
    return done["result"]


def test_a_page_rebuilt_for_a_new_version_reads_from_the_primary(
    outside_a_transaction, monkeypatch
):
    # The version moved when the primary committed; a lagging replica would give the old rows,
    # kept under the new version for everyone.
    from txng.common import pagecache
    from txng.common.cacheversion import CacheVersion

    monkeypatch.setattr(pagecache, "render_to_string", lambda template, context, request: "")
    chosen = []

    def context(tokens):
        chosen.append(replica.ReplicaRouter().db_for_read(Scan))
        return {}

    def page(request):
        version = CacheVersion("test:replica-page")
        version.bump()
        return pagecache.render_framed(
            request, "unused.html", context, key=("replica",), versions=[version]
        )

    _inside_a_get(page)
    assert chosen == ["default"]


def test_a_cached_value_computed_again_reads_from_the_primary(outside_a_transaction):
    from txng.common import pagecache
    from txng.common.cacheversion import CacheVersion

    def value(request):
        version = CacheVersion("test:replica-data")
        version.bump()
        return pagecache.cached(
            ("replica",), [version], lambda: replica.ReplicaRouter().db_for_read(Scan)
        )

    assert _inside_a_get(value) == "default"
    assert replica.ReplicaRouter().db_for_read(Scan) == "default"  # and nothing leaks out


def test_a_print_order_cached_for_a_new_version_is_read_from_the_primary(
    outside_a_transaction, biz_owner, dept_officer
):
    from django.db import connections

    from txng.catalog.tests.helpers import published
    from txng.stamps import lookup
    from txng.stamps.models import PrintOrder
    from txng.stamps.tests.factories import OrderFactory

    order = OrderFactory(product=published(biz_owner, dept_officer, name="Hạt dẻ"), quantity=4)

    chosen = []

    def route(execute, sql, params, many, context):
        if 'FROM "stamps_printorder"' in sql:  # not the test run's cache table
            chosen.append(replica.ReplicaRouter().db_for_read(PrintOrder))
        return execute(sql, params, many, context)

    def read(request):
        with connections["default"].execute_wrapper(route):
            return lookup.cached_order(order.pk, "new-version")

    assert _inside_a_get(read).pk == order.pk
    assert chosen == ["default"]
