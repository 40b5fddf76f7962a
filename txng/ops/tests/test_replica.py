"""The replica router: reads of a GET request go to the replica, unless the visitor has just
written; writes, and reads outside a request or inside a transaction, go to the primary. No
database is opened here: outside a test transaction, as in production."""

import time

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
