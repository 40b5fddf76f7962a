"""EPCIS 2.0 SimpleEventQuery over tracing's event table.

Parameters follow the REST binding: lists are pipe-delimited (`EQ_bizStep=shipping|receiving`)
or repeated. Every MATCH_ goes through the identifier index (EventIdentifier), never the JSON.
A parameter this repository does not support is refused with QueryParameterException, never
ignored: a silently ignored filter would return events the client did not ask for.
"""

from datetime import datetime

from django.core import signing
from django.db import connections
from django.db.models import Q

from txng.accounts.models import Organisation
from txng.epcis import hierarchy, query_paths
from txng.epcis.problems import Problem
from txng.tracing.eventindex import canonical, vocabulary_term
from txng.tracing.models import Event, EventIdentifier
from txng.tracing.models import IdentifierRole as R

MATCH_ROLES = {
    "MATCH_epc": (R.EPC, R.CHILD),
    "MATCH_parentID": (R.PARENT,),
    "MATCH_inputEPC": (R.INPUT,),
    "MATCH_outputEPC": (R.OUTPUT,),
    "MATCH_anyEPC": (R.EPC, R.CHILD, R.PARENT, R.INPUT, R.OUTPUT),
    "MATCH_epcClass": (R.CLASS, R.CHILD_CLASS),
    "MATCH_inputEPCClass": (R.INPUT_CLASS,),
    "MATCH_outputEPCClass": (R.OUTPUT_CLASS,),
    "MATCH_anyEPCClass": (R.CLASS, R.CHILD_CLASS, R.INPUT_CLASS, R.OUTPUT_CLASS),
}
WITH_DESCENDANTS = {"WD_readPoint": "read_point", "WD_bizLocation": "biz_location"}
EQ_COLUMNS = {
    "EQ_action": "action",
    "EQ_readPoint": "read_point",
    "EQ_bizLocation": "biz_location",
    "EQ_eventID": "event_id",
}
TIMES = {
    "GE_eventTime": "event_time__gte",
    "LT_eventTime": "event_time__lt",
    "GE_recordTime": "record_time__gte",
    "LT_recordTime": "record_time__lt",
}
PARTY_LISTS = {
    "EQ_bizTransaction_": ("bizTransactionList", "bizTransaction"),
    "EQ_source_": ("sourceList", "source"),
    "EQ_destination_": ("destinationList", "destination"),
}
ORDER_FIELDS = {"eventTime": "event_time", "recordTime": "record_time"}
PAGING = ("perPage", "nextPageToken")
DEFAULT_PER_PAGE, MAX_PER_PAGE = 30, 1000
TOKEN_SALT = "epcis.next-page"
TOKEN_AGE = 24 * 3600


def visible_events(user):
    """The events `user` (an API key's maker) may read: a business its own; an authority those
    of the businesses it manages; DOST all of them; nobody else any."""
    if not user.is_authenticated or user.organisation_id is None or not user.is_active:
        return Event.objects.none()
    if user.is_dost:
        return Event.objects.all()
    if user.is_authority:
        managed = Organisation.objects.managed_by(user.organisation)
        return Event.objects.filter(business__in=managed.values("pk"))
    return Event.objects.filter(business=user.organisation_id)


def values(params, name):
    found = []
    for raw in params.getlist(name) if hasattr(params, "getlist") else _as_list(params[name]):
        found += [part.strip() for part in str(raw).split("|") if part.strip()]
    if not found:
        raise Problem("QueryParameterException", f"{name}: thiếu giá trị.")
    return found


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _time(name, text):
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Problem(
            "QueryParameterException",
            f"{name}: cần thời điểm ISO 8601 có múi giờ, ví dụ 2026-01-31T08:00:00+07:00.",
        )
    return moment


def _match(roles, uris):
    condition = Q()
    for uri in uris:
        value = canonical(uri)
        if uri.startswith("urn:epc:idpat:") or uri.endswith("*"):
            stem = value.rstrip("*").rstrip("/")
            condition |= Q(value=stem) | Q(value__startswith=stem + "/")
        else:
            condition |= Q(value=value)
    return EventIdentifier.objects.filter(condition, role__in=roles).values("event_id")


def _party(list_key, item_key, kind, uris):
    condition = Q()
    for uri in uris:
        condition |= Q(**{f"document__{list_key}__contains": [{"type": kind, item_key: uri}]})
    return condition


def apply(queryset, params):
    """`queryset` filtered by the query's parameters (a QueryDict or a dict of lists)."""
    for name in params:
        if name in PAGING or name in (
            "orderBy",
            "orderDirection",
            "eventCountLimit",
            "maxEventCount",
        ):
            continue
        if name == "eventType":
            queryset = queryset.filter(type__in=values(params, name))
        elif name in TIMES:
            queryset = queryset.filter(**{TIMES[name]: _time(name, values(params, name)[0])})
        elif name in ("EQ_bizStep", "EQ_disposition"):
            field = name[3:]
            terms = [vocabulary_term(field, v) for v in values(params, name)]
            column = "biz_step" if field == "bizStep" else "disposition"
            queryset = queryset.filter(**{f"{column}__in": terms})
        elif name in EQ_COLUMNS:
            queryset = queryset.filter(**{f"{EQ_COLUMNS[name]}__in": values(params, name)})
        elif name in MATCH_ROLES:
            queryset = queryset.filter(pk__in=_match(MATCH_ROLES[name], values(params, name)))
        elif name == "EXISTS_errorDeclaration":
            if _flag(params, name):
                queryset = queryset.filter(document__has_key="errorDeclaration")
        elif name == "EQ_errorReason" and not _postgresql(queryset):
            # The demo's SQLite: the ORM's key lookup (one value, exact); PostgreSQL takes
            # query_paths' condition below like the other parameters inside the JSON.
            forms = query_paths.vocabulary_forms("errorReason", values(params, name))
            queryset = queryset.filter(document__errorDeclaration__reason__in=forms)
        elif name in WITH_DESCENDANTS:
            column = WITH_DESCENDANTS[name]
            queryset = queryset.filter(hierarchy.within(column, values(params, name)))
        elif any(name.startswith(p) and len(name) > len(p) for p in PARTY_LISTS):
            prefix = next(p for p in PARTY_LISTS if name.startswith(p))
            if not _postgresql(queryset):  # JSON containment: SQLite has none (a 500 else)
                raise Problem(
                    "ImplementationException", f"{name}: tham số này chỉ chạy trên PostgreSQL.", 501
                )
            list_key, item_key = PARTY_LISTS[prefix]
            queryset = queryset.filter(
                _party(list_key, item_key, name[len(prefix) :], values(params, name))
            )
        elif (found := query_paths.condition(name, _values_or_flag(params, name))) is not None:
            if not name.startswith("EXISTS_") or _flag(params, name):
                queryset = queryset.filter(found)
        else:
            raise Problem(
                "QueryParameterException",
                f"{name}: tham số không được hỗ trợ ở kho này.",
            )
    return queryset


def _postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def _flag(params, name):
    """EXISTS_ parameters take no value, or true/false (false: no filter)."""
    raw = params.getlist(name) if hasattr(params, "getlist") else _as_list(params[name])
    text = "|".join(str(r) for r in raw).strip().lower()
    if text in ("", "true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise Problem("QueryParameterException", f"{name}: không cần giá trị, hoặc true/false.")


def _values_or_flag(params, name):
    if name.startswith("EXISTS_"):
        _flag(params, name)
        return []
    return values(params, name)


def ordering(params):
    field = _single(params, "orderBy", "eventTime")
    if field not in ORDER_FIELDS:
        raise Problem("QueryParameterException", "orderBy: chỉ nhận eventTime hoặc recordTime.")
    direction = _single(params, "orderDirection", "ASC").upper()
    if direction not in ("ASC", "DESC"):
        raise Problem("QueryParameterException", "orderDirection: ASC hoặc DESC.")
    return ORDER_FIELDS[field], direction


def _single(params, name, default):
    if name not in params:
        return default
    return values(params, name)[0]


def _int(params, name, default=None, *, low=1, high=None):
    if name not in params:
        return default
    text = values(params, name)[0]
    if not text.isdigit() or int(text) < low or (high and int(text) > high):
        limit = f" đến {high}" if high else ""
        raise Problem("QueryParameterException", f"{name}: cần số nguyên từ {low}{limit}.")
    return int(text)


def page(queryset, params):
    """One page of the query's events in a stable order, and the token of the next page.

    The token carries the position (last row's sort value and id), signed, so paging is a
    keyset seek, not an OFFSET that slows as the client pages on."""
    column, direction = ordering(params)
    per_page = _int(params, "perPage", DEFAULT_PER_PAGE, high=MAX_PER_PAGE)
    limit = _int(params, "eventCountLimit")
    maximum = _int(params, "maxEventCount")
    if limit and maximum:
        raise Problem(
            "QueryParameterException", "eventCountLimit và maxEventCount không dùng cùng nhau."
        )
    if maximum is not None and queryset.count() > maximum:
        raise Problem("QueryTooLargeException", f"Kết quả nhiều hơn maxEventCount={maximum}.", 413)
    descending = direction == "DESC"
    if "nextPageToken" in params:
        try:
            after_value, after_id = signing.loads(
                values(params, "nextPageToken")[0], salt=TOKEN_SALT, max_age=TOKEN_AGE
            )
        except signing.BadSignature as exc:
            raise Problem(
                "QueryParameterException", "nextPageToken: không hợp lệ hoặc đã hết hạn."
            ) from exc
        after = datetime.fromisoformat(after_value)
        op = "lt" if descending else "gt"
        queryset = queryset.filter(
            Q(**{f"{column}__{op}": after}) | Q(**{column: after, f"pk__{op}": after_id})
        )
    sign = "-" if descending else ""
    queryset = queryset.order_by(f"{sign}{column}", f"{sign}pk")
    size = min(per_page, limit) if limit else per_page
    rows = list(queryset.only("pk", column, "document")[: size + 1])
    token = None
    if len(rows) > size and not limit:
        last = rows[size - 1]
        token = signing.dumps([getattr(last, column).isoformat(), last.pk], salt=TOKEN_SALT)
    return rows[:size], token
