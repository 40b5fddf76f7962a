"""Top-level resources (eventTypes, epcs, bizSteps, bizLocations, readPoints, dispositions) and
named queries of the EPCIS REST binding. Each lists only what the key's maker may see."""

from django.db import IntegrityError, transaction
from django.http import HttpResponse

from txng.audit.actions import record
from txng.epcis.audit_actions import AuditAction
from txng.epcis.auth import need
from txng.epcis.binding import answer, api, check_versions, events_response
from txng.epcis.models import NamedQuery, Scope
from txng.epcis.problems import Problem
from txng.epcis.query import MATCH_ROLES, apply, visible_events
from txng.tracing.eventindex import canonical
from txng.tracing.models import EventIdentifier, EventType

# resource → (column of the event table, the query parameter that selects by it)
COLUMNS = {
    "eventTypes": ("type", "eventType"),
    "bizSteps": ("biz_step", "EQ_bizStep"),
    "bizLocations": ("biz_location", "EQ_bizLocation"),
    "readPoints": ("read_point", "EQ_readPoint"),
    "dispositions": ("disposition", "EQ_disposition"),
}
MAX_LISTED = 1000


def _collection(items):
    return answer({"@set": items}, content_type="application/json")


def _distinct(request, column):
    rows = (
        visible_events(request.user)
        .exclude(**{column: ""})
        .order_by(column)
        .values_list(column, flat=True)
        .distinct()[:MAX_LISTED]
    )
    return list(rows)


def _resource_views(resource, column, parameter):
    def listing(request):
        need(request, Scope.QUERY)
        if resource == "eventTypes":
            return _collection(list(EventType.values))
        return _collection(_distinct(request, column))

    def one(request, value: str):
        need(request, Scope.QUERY)
        known = visible_events(request.user).filter(**{column: value}).exists()
        if not known and not (resource == "eventTypes" and value in EventType.values):
            raise Problem("NoSuchResourceException", f"Không có {resource}/{value}.", 404)
        return _collection(["events"])

    def events(request, value: str):
        need(request, Scope.QUERY)
        check_versions(request)
        params = request.GET.copy()
        params.setlist(parameter, [value])
        return events_response(request, visible_events(request.user), params)

    listing.__name__ = f"list_{resource}"
    one.__name__ = f"get_{resource}"
    events.__name__ = f"{resource}_events"
    api.get(f"/{resource}", summary=f"Danh sách {resource}")(listing)
    api.get(f"/{resource}/{{path:value}}/events", summary=f"Sự kiện theo {resource}")(events)
    api.get(f"/{resource}/{{path:value}}", summary=f"Một {resource}")(one)


for _resource, (_column, _parameter) in COLUMNS.items():
    _resource_views(_resource, _column, _parameter)


@api.get("/epcs", summary="Các EPC trong sự kiện")
def list_epcs(request):
    need(request, Scope.QUERY)
    rows = (
        EventIdentifier.objects.filter(
            event__in=visible_events(request.user), role__in=MATCH_ROLES["MATCH_anyEPC"]
        )
        .order_by("value")
        .values_list("value", flat=True)
        .distinct()[:MAX_LISTED]
    )
    return _collection(list(rows))


@api.get("/epcs/{path:epc}/events", summary="Sự kiện có EPC này")
def epc_events(request, epc: str):
    need(request, Scope.QUERY)
    params = request.GET.copy()
    params.setlist("MATCH_anyEPC", [epc])
    return events_response(request, visible_events(request.user), params)


@api.get("/epcs/{path:epc}", summary="Một EPC")
def get_epc(request, epc: str):
    need(request, Scope.QUERY)
    named = EventIdentifier.objects.filter(
        event__in=visible_events(request.user), value=canonical(epc)
    )
    if not named.exists():
        raise Problem("NoSuchResourceException", f"Không có sự kiện nào nêu {epc}.", 404)
    return _collection(["events"])


# Named queries ----------------------------------------------------------------------------


def _query_json(named):
    return {"name": named.name, "query": named.query}


def _own_query(request, name):
    named = NamedQuery.objects.visible_to(request.user).filter(name=name).first()
    if named is None:
        raise Problem("NoSuchNameException", f"Không có truy vấn {name!r}.", 404)
    return named


def _query_params(query):
    """A stored query's parameters as lists, as a query string gives them."""
    if not isinstance(query, dict):
        raise Problem("QueryValidationException", "query: cần một đối tượng JSON.")
    return {k: v if isinstance(v, list) else [v] for k, v in query.items()}


@api.get("/queries", summary="Các truy vấn đã lưu")
def list_queries(request):
    need(request, Scope.QUERY)
    rows = NamedQuery.objects.visible_to(request.user)
    return answer([_query_json(q) for q in rows], content_type="application/json")


@api.post("/queries", summary="Lưu một truy vấn")
def create_query(request):
    need(request, Scope.QUERY)
    import json

    try:
        body = json.loads(request.body)
        name, query = body["name"], body["query"]
    except (ValueError, KeyError, TypeError) as exc:
        raise Problem("QueryValidationException", 'Cần {"name": …, "query": {…}}.') from exc
    if not isinstance(name, str) or not 0 < len(name) <= 100 or "/" in name:
        raise Problem("QueryValidationException", "name: 1–100 ký tự, không có '/'.")
    params = _query_params(query)
    apply(visible_events(request.user), params)  # refuses an unknown parameter now
    try:
        with transaction.atomic():
            named = NamedQuery.objects.create(
                organisation=request.user.organisation,
                name=name,
                query=query,
                created_by=request.user,
            )
            record(request.user, AuditAction.QUERY_CREATE, named)
    except IntegrityError as exc:
        raise Problem("ResourceAlreadyExistsException", f"Đã có truy vấn {name!r}.", 409) from exc
    result = answer(_query_json(named), status=201, content_type="application/json")
    result["Location"] = f"{request.path.rstrip('/')}/{name}"
    return result


@api.get("/queries/{name}", summary="Một truy vấn đã lưu")
def get_query(request, name: str):
    need(request, Scope.QUERY)
    return answer(_query_json(_own_query(request, name)), content_type="application/json")


@api.delete("/queries/{name}", summary="Xóa một truy vấn đã lưu")
def delete_query(request, name: str):
    need(request, Scope.QUERY)
    named = _own_query(request, name)
    with transaction.atomic():
        record(request.user, AuditAction.QUERY_DELETE, named)
        named.delete()
    return HttpResponse(status=204)


@api.get("/queries/{name}/events", summary="Chạy một truy vấn đã lưu")
def query_events(request, name: str):
    need(request, Scope.QUERY)
    named = _own_query(request, name)
    params = _query_params(named.query)
    for key in ("perPage", "nextPageToken"):
        if key in request.GET:
            params[key] = [request.GET[key]]
    return events_response(request, visible_events(request.user), params, query_name=name)


# Subscriptions -----------------------------------------------------------------------------


def _subscription_json(subscription):
    body = {
        "subscriptionID": subscription.subscription_id,
        "dest": subscription.dest,
        "stream": True,
        "reportIfEmpty": subscription.report_if_empty,
        "createdAt": subscription.created_at.isoformat(),
        "active": subscription.active,
    }
    if subscription.last_notified_at:
        body["lastNotifiedAt"] = subscription.last_notified_at.isoformat()
    return body


@api.post("/queries/{name}/subscriptions", summary="Đăng ký nhận sự kiện mới của truy vấn")
def subscribe(request, name: str):
    import json

    from django.utils import timezone

    from txng.epcis.models import Subscription
    from txng.epcis.subscriptions import allowed_destination

    need(request, Scope.QUERY)
    named = _own_query(request, name)
    try:
        body = json.loads(request.body)
        assert isinstance(body, dict)
    except (ValueError, AssertionError) as exc:
        raise Problem("SubscriptionControlsException", "Cần một đối tượng JSON.") from exc
    dest, token = body.get("dest"), body.get("signatureToken")
    if body.get("stream") is not True:
        raise Problem(
            "SubscriptionControlsException",
            'stream: chỉ hỗ trợ đăng ký dạng luồng ("stream": true), chưa hỗ trợ lịch.',
        )
    if not isinstance(dest, str) or len(dest) > 500 or not allowed_destination(dest):
        raise Problem("SubscriptionControlsException", "dest: cần một địa chỉ https://.")
    if not isinstance(token, str) or not 16 <= len(token) <= 200:
        raise Problem("SubscriptionControlsException", "signatureToken: 16–200 ký tự.")
    after = timezone.now()
    if body.get("initialRecordTime"):
        from txng.epcis.query import _time

        after = _time("initialRecordTime", body["initialRecordTime"])
    with transaction.atomic():
        subscription = Subscription.objects.create(
            query=named,
            dest=dest,
            signature_token=token,
            report_if_empty=bool(body.get("reportIfEmpty")),
            after=after,
        )
        record(request.user, AuditAction.SUBSCRIBE, subscription)
    result = answer(_subscription_json(subscription), status=201, content_type="application/json")
    result["Location"] = f"{request.path.rstrip('/')}/{subscription.subscription_id}"
    return result


@api.get("/queries/{name}/subscriptions", summary="Các đăng ký của truy vấn")
def subscriptions(request, name: str):
    need(request, Scope.QUERY)
    named = _own_query(request, name)
    rows = named.subscriptions.all()
    return answer([_subscription_json(s) for s in rows], content_type="application/json")


def _own_subscription(request, name, subscription_id):
    found = _own_query(request, name).subscriptions.filter(subscription_id=subscription_id).first()
    if found is None:
        raise Problem("NoSuchResourceException", f"Không có đăng ký {subscription_id}.", 404)
    return found


@api.get("/queries/{name}/subscriptions/{subscription_id}", summary="Một đăng ký")
def subscription(request, name: str, subscription_id: str):
    need(request, Scope.QUERY)
    found = _own_subscription(request, name, subscription_id)
    return answer(_subscription_json(found), content_type="application/json")


@api.delete("/queries/{name}/subscriptions/{subscription_id}", summary="Hủy một đăng ký")
def unsubscribe(request, name: str, subscription_id: str):
    need(request, Scope.QUERY)
    found = _own_subscription(request, name, subscription_id)
    with transaction.atomic():
        record(request.user, AuditAction.UNSUBSCRIBE, found)
        found.delete()
    return HttpResponse(status=204)
