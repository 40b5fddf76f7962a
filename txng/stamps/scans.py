"""The scan log and counterfeit signals. Called from the consumer scan page, so kept cheap."""

import functools
import hashlib
import hmac
import math
import re
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.actions import notify, notify_dost
from txng.audit.middleware import client_ip
from txng.common.prepared import execute_prepared
from txng.stamps.lookup import cached_order, find_stamp
from txng.stamps.models import Scan, ScanResult, Signal, SignalKind, Stamp, StampState

# Provinces after the 2025 merger, by the coordinates of their administrative centre. A coarse
# location (0.1°) is matched to the nearest one within NEAR_KM; statistics only need "where".
PROVINCES = [
    ("Hà Nội", 21.03, 105.85),
    ("TP. Hồ Chí Minh", 10.78, 106.70),
    ("Hải Phòng", 20.86, 106.68),
    ("Đà Nẵng", 16.05, 108.20),
    ("Cần Thơ", 10.03, 105.78),
    ("Huế", 16.46, 107.59),
    ("Cao Bằng", 22.67, 106.26),
    ("Lạng Sơn", 21.85, 106.76),
    ("Lai Châu", 22.40, 103.46),
    ("Điện Biên", 21.39, 103.02),
    ("Sơn La", 21.33, 103.91),
    ("Lào Cai", 21.72, 104.90),
    ("Tuyên Quang", 21.82, 105.21),
    ("Thái Nguyên", 21.59, 105.85),
    ("Phú Thọ", 21.32, 105.40),
    ("Bắc Ninh", 21.27, 106.19),
    ("Quảng Ninh", 20.95, 107.08),
    ("Hưng Yên", 20.65, 106.05),
    ("Ninh Bình", 20.25, 105.97),
    ("Thanh Hóa", 19.81, 105.78),
    ("Nghệ An", 18.68, 105.68),
    ("Hà Tĩnh", 18.34, 105.90),
    ("Quảng Trị", 17.47, 106.60),
    ("Quảng Ngãi", 15.12, 108.80),
    ("Gia Lai", 13.78, 109.22),
    ("Khánh Hòa", 12.24, 109.19),
    ("Lâm Đồng", 11.94, 108.44),
    ("Đắk Lắk", 12.67, 108.04),
    ("Đồng Nai", 10.95, 106.82),
    ("Tây Ninh", 10.54, 106.41),
    ("Đồng Tháp", 10.36, 106.36),
    ("Vĩnh Long", 10.25, 105.97),
    ("An Giang", 10.01, 105.08),
    ("Cà Mau", 9.18, 105.15),
]
NEAR_KM = 150
RESULT_BY_STATE = {
    StampState.GENERATED: ScanResult.NOT_ACTIVATED,
    StampState.PRINTED: ScanResult.NOT_ACTIVATED,
    StampState.ACTIVATED: ScanResult.OK,
    StampState.VOIDED: ScanResult.VOIDED,
}
SIGNAL_FLAG_SECONDS = 3600

_UA_FAMILIES = [
    (re.compile(r"bot|crawl|spider", re.I), "Bot"),
    (re.compile(r"Zalo", re.I), "Zalo"),
    (re.compile(r"FBAN|FBAV|FB_IAB"), "Facebook"),
    (re.compile(r"SamsungBrowser"), "Samsung Internet"),
    (re.compile(r"coc_coc", re.I), "Cốc Cốc"),
    (re.compile(r"Edg/|EdgA/"), "Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"Firefox|FxiOS"), "Firefox"),
    (re.compile(r"Chrome|CriOS"), "Chrome"),
    (re.compile(r"Safari"), "Safari"),
]


def ua_family(user_agent):
    for pattern, name in _UA_FAMILIES:
        if pattern.search(user_agent or ""):
            return name
    return _("Khác")


def _ua(request):
    return ua_family(request.META.get("HTTP_USER_AGENT", ""))


def hash_ip(ip):
    """A keyed hash: repeat visitors stay linkable, but the IP cannot be recovered."""
    if not ip:
        return ""
    key = settings.SCAN_IP_SALT.encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()[:32]


def distance_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(math.radians, map(float, (lat1, lon1, lat2, lon2)))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(a))


def province_at(lat, lon):
    best = min(PROVINCES, key=lambda p: distance_km(lat, lon, p[1], p[2]))
    return best[0] if distance_km(lat, lon, best[1], best[2]) <= NEAR_KM else ""


def coarse(value):
    return Decimal(str(round(float(value), 1)))


def log_scan(request, code, stamp, result=None):
    """Log one scan; bump the stamp's counter; raise signals. Returns the Scan.

    The result defaults to what the stamp's state makes it (unknown without a stamp).

    Two statements in autocommit rather than one transaction: each is a round trip on the
    busiest page, and a counter off by one after a crash between them does no harm.
    """
    if result is None:
        result = RESULT_BY_STATE[stamp.state] if stamp else ScanResult.UNKNOWN
    now = timezone.now()
    fields = dict(
        code=code[:40],
        stamp=stamp,
        business_id=stamp.order.business_id if stamp else None,
        product_id=stamp.order.product_id if stamp else None,
        result=result,
        ip_hash=hash_ip(client_ip(request)),
        ua_family=_ua(request),
    )
    if stamp is not None and connection.vendor == "postgresql":
        scan = _log_scan_postgresql(now, stamp, fields)
        _check_counts(scan, stamp, result)
        return scan
    scan = Scan.objects.create(**fields)
    if stamp is not None:
        Stamp.objects.filter(pk=stamp.pk).update(
            scan_count=F("scan_count") + 1,
            first_scanned_at=Coalesce(F("first_scanned_at"), Value(now)),
        )
        stamp.scan_count += 1
        stamp.first_scanned_at = stamp.first_scanned_at or now
    _check_counts(scan, stamp, result)
    return scan


_STAMP_SQL = """
    UPDATE {stamp} SET scan_count = scan_count + 1,
        first_scanned_at = COALESCE(first_scanned_at, %(now)s)
    WHERE {where}
    RETURNING id, order_id, serial, state, lot_id, scan_count, first_scanned_at
"""
_INSERT_SQL = """
    INSERT INTO {scan} (at, code, stamp_id, business_id, product_id, result, ip_hash, ua_family,
                        province)
    SELECT %(now)s, %(code)s, s.id, o.business_id, o.product_id, {result}, %(ip_hash)s,
           %(ua_family)s, ''
    FROM s JOIN {order} o ON o.id = s.order_id
    RETURNING id
"""
# Log a scan of a known stamp: the counter and the scan row, in one statement.
_LOG_SQL = """
WITH s AS ({update}), ins AS ({insert})
SELECT ins.id, s.scan_count, s.first_scanned_at FROM ins JOIN s ON true
"""
# The consumer scan page's one statement: find the stamp by its code, count the scan, log it,
# and read the lot and its open recall (live, so a recall shows on the very next scan).
_SCAN_PAGE_SQL = """
WITH s AS ({update}), ins AS ({insert})
SELECT ins.id, s.id, s.order_id, s.serial, s.state, s.lot_id, s.scan_count, s.first_scanned_at,
       l.code, l.production_date, l.expiry_date, l.trace_code, r.id, r.reason
FROM s JOIN ins ON true
LEFT JOIN {lot} l ON l.id = s.lot_id
LEFT JOIN LATERAL (
    SELECT rc.id, rc.reason FROM {recall_lot} rl JOIN {recall} rc ON rc.id = rl.recall_id
    WHERE rl.lot_id = s.lot_id AND rc.closed_at IS NULL
    ORDER BY rc.created_at DESC LIMIT 1
) r ON true
"""


@functools.cache
def _sql(template, where, result):
    from txng.stamps.models import PrintOrder
    from txng.tracing.models import Lot, Recall, RecallLot

    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    tables = dict(
        stamp=table(Stamp),
        scan=table(Scan),
        order=table(PrintOrder),
        lot=table(Lot),
        recall=table(Recall),
        recall_lot=table(RecallLot),
    )
    return template.format(
        update=_STAMP_SQL.format(where=where, **tables),
        insert=_INSERT_SQL.format(result=result, **tables),
        **tables,
    )


def _result_by_state_sql():
    cases = " ".join(f"WHEN '{state}' THEN '{result}'" for state, result in RESULT_BY_STATE.items())
    return f"CASE s.state {cases} END"


def _log_scan_postgresql(now, stamp, fields):
    """The scan row and the stamp's counter in one statement: one round trip, not two."""
    params = dict(fields, now=now, stamp_id=stamp.pk)
    del params["stamp"]
    with connection.cursor() as cursor:
        cursor.execute(_sql(_LOG_SQL, "id = %(stamp_id)s", "%(result)s"), params)
        row = cursor.fetchone()
    if row is None:  # the stamp vanished meanwhile; log the scan without it
        return Scan.objects.create(**dict(fields, stamp=None))
    scan_id, stamp.scan_count, stamp.first_scanned_at = row
    scan = Scan(id=scan_id, at=now, **fields)
    scan._state.adding, scan._state.db = False, connection.alias
    return scan


def _loaded(model, **values):
    """An instance as if loaded from the database with only these fields (others deferred)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def scan_code(request, code):
    """Count and log a scan of `code` and return (stamp, scan); stamp None for an unknown code.

    The stamp comes with its lot (only the fields the scan page shows; the rest load on use)
    and `recall_id`, `recall_reason` of the lot's open recall (None without one). On
    PostgreSQL this is a single statement, since every scan of every stamp runs it.
    """
    from txng.tracing.models import Lot

    if connection.vendor != "postgresql":
        stamp = find_stamp(code)
        return stamp, log_scan(request, code, stamp)
    now = timezone.now()
    params = dict(now=now, code=code, ip_hash=hash_ip(client_ip(request)), ua_family=_ua(request))
    with connection.cursor() as cursor:
        sql = _sql(_SCAN_PAGE_SQL, "code = %(code)s", _result_by_state_sql())
        execute_prepared(cursor, "txng_scan_page", sql, params)
        row = cursor.fetchone()
    if row is None:
        return None, log_scan(request, code, None)
    scan_id, stamp_id, order_id, serial, state, lot_id, count, first, *lot_row = row[:12]
    stamp = _loaded(
        Stamp,
        id=stamp_id,
        order_id=order_id,
        serial=serial,
        code=code,
        state=state,
        lot_id=lot_id,
        scan_count=count,
        first_scanned_at=first,
    )
    if lot_id is not None:
        fields = ["code", "production_date", "expiry_date", "trace_code"]
        stamp.lot = _loaded(Lot, id=lot_id, **dict(zip(fields, lot_row, strict=True)))
    stamp.recall_id, stamp.recall_reason = row[12:]
    stamp.order = cached_order(order_id)
    scan = Scan(
        id=scan_id,
        at=now,
        code=code,
        stamp=stamp,
        business_id=stamp.order.business_id,
        product_id=stamp.order.product_id,
        result=RESULT_BY_STATE[state],
        ip_hash=params["ip_hash"],
        ua_family=params["ua_family"],
    )
    scan._state.adding, scan._state.db = False, connection.alias
    _check_counts(scan, stamp, scan.result)
    return stamp, scan


def _signal_key(code, kind):
    return f"stamps:signal-raised:{kind}:{code}"


def _remember_raised(code, kind):
    # Only once the row is committed: a rolled-back signal must not be taken as raised.
    transaction.on_commit(lambda: cache.set(_signal_key(code, kind), True, SIGNAL_FLAG_SECONDS))


def _raise(kind, code, stamp, detail):
    """Record a signal once per code and kind, and tell the business and DOST."""
    # The common case: already raised. The cache spares a query on every scan of such a code;
    # the unique constraint, not the cache, is what keeps a signal from being raised twice.
    if cache.get(_signal_key(code, kind)):
        return None
    if Signal.objects.filter(code=code, kind=kind).exists():
        _remember_raised(code, kind)
        return None
    try:
        with transaction.atomic():
            signal = Signal.objects.create(
                kind=kind,
                code=code,
                stamp=stamp,
                business_id=stamp.order.business_id if stamp else None,
                detail=detail,
            )
    except IntegrityError:
        return None
    _remember_raised(code, kind)
    message = _("Cảnh báo tem giả: %(kind)s (mã %(code)s)") % {
        "kind": signal.get_kind_display(),
        "code": code,
    }
    link = reverse("stamps:scans")
    if stamp is not None:
        notify(stamp.order.business, message, link)
    notify_dost(message, link)
    return signal


def _check_counts(scan, stamp, result):
    if stamp is not None and stamp.scan_count > settings.STAMP_SCAN_THRESHOLD:
        _raise(
            SignalKind.MANY_SCANS,
            scan.code,
            stamp,
            _("Đã bị quét %(n)s lần (ngưỡng %(t)s).")
            % {"n": stamp.scan_count, "t": settings.STAMP_SCAN_THRESHOLD},
        )
    if result in (ScanResult.VOIDED, ScanResult.UNKNOWN):
        since = scan.at - timedelta(days=1)
        n = Scan.objects.filter(code=scan.code, result=result, at__gte=since).count()
        if n >= settings.STAMP_REPEAT_THRESHOLD:
            kind = (
                SignalKind.VOIDED_REPEATED
                if result == ScanResult.VOIDED
                else SignalKind.UNKNOWN_REPEATED
            )
            _raise(kind, scan.code, stamp, _("%(n)s lần quét trong 24 giờ.") % {"n": n})


@transaction.atomic
def attach_location(scan, latitude, longitude):
    """The consumer agreed to share where they are: keep it coarse (about 10 km)."""
    if scan.latitude is not None:
        return scan
    scan.latitude, scan.longitude = coarse(latitude), coarse(longitude)
    scan.province = province_at(scan.latitude, scan.longitude)
    scan.save(update_fields=["latitude", "longitude", "province"])
    if scan.stamp_id is None:
        return scan
    window = scan.at - timedelta(hours=settings.STAMP_FAR_HOURS)
    others = (
        Scan.objects.filter(stamp_id=scan.stamp_id, at__gte=window, latitude__isnull=False)
        .exclude(pk=scan.pk)
        .values_list("latitude", "longitude", "province")
    )
    for lat, lon, province in others:
        km = distance_km(lat, lon, scan.latitude, scan.longitude)
        if km > settings.STAMP_FAR_KM:
            stamp = Stamp.objects.select_related("order").get(pk=scan.stamp_id)
            _raise(
                SignalKind.FAR_APART,
                scan.code,
                stamp,
                _("Quét cách nhau khoảng %(km)s km trong %(h)s giờ (%(a)s – %(b)s).")
                % {
                    "km": int(km),
                    "h": settings.STAMP_FAR_HOURS,
                    "a": province or "?",
                    "b": scan.province or "?",
                },
            )
            break
    return scan
