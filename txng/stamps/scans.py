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
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.base import ModelState
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.actions import notify, notify_dost
from txng.common.http import client_ip
from txng.common.prepared import fetch_bound, fetch_rows
from txng.stamps.lookup import cached_order, find_stamp
from txng.stamps.models import (
    FakeReport,
    Scan,
    ScanResult,
    Signal,
    SignalKind,
    Stamp,
    StampState,
)
from txng.stamps.scanqueue import ScanQueue
from txng.tracing.models import Lot, Recall, RecallLot

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


@functools.lru_cache(maxsize=512)  # the same few browsers scan again and again
def _known_family(user_agent):
    for pattern, name in _UA_FAMILIES:
        if pattern.search(user_agent):
            return name
    return None


def ua_family(user_agent):
    return _known_family(user_agent or "") or _("Khác")


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


@functools.cache
def _scan_columns():
    """Each Scan column's default, and the columns whose default is computed per row (`at`),
    which every scan must give."""
    defaults, per_row = {}, set()
    for f in Scan._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            per_row.add(f.attname)
        else:
            defaults[f.attname] = f.get_default()
    return defaults, frozenset(per_row)


def _new_scan(**values):
    """An unsaved Scan with these values and every other column's default (a scan on every
    request: made as _instance makes one, not through __init__)."""
    defaults, per_row = _scan_columns()
    missing = per_row - values.keys()
    if missing:
        raise TypeError(f"a scan needs {', '.join(sorted(missing))}")
    return _instance(Scan, adding=True, **{**defaults, **values})


def log_scan(request, code, stamp, result=None):
    """Log one scan of `code` (queued, see scanqueue.py); returns the Scan.

    The result defaults to what the stamp's state makes it (unknown without a stamp). The stamp's
    `scan_count` and `first_scanned_at` then include this scan, for the page to show.
    """
    if result is None:
        result = RESULT_BY_STATE[stamp.state] if stamp else ScanResult.UNKNOWN
    scan = _new_scan(
        at=timezone.now(),
        code=code[:40],
        stamp_id=stamp.pk if stamp else None,
        business_id=stamp.order.business_id if stamp else None,
        product_id=stamp.order.product_id if stamp else None,
        result=result,
        ip_hash=hash_ip(client_ip(request)),
        ua_family=_ua(request),
    )
    # The queued scan keeps the stamp's id, not the stamp: holding each scan's stamp, lot and
    # order until the batch is written made the garbage collector's rounds twice as long.
    earlier, first = queue.add(scan)
    if stamp is not None:
        stamp.scan_count += earlier + 1
        stamp.first_scanned_at = stamp.first_scanned_at or first or scan.at
    return scan


def write_scans(rows):
    """Store a batch of scans: the rows, each stamp's counter, then the counterfeit checks."""
    if connection.vendor == "postgresql":
        counts = _write_postgresql(rows)
    else:
        with transaction.atomic():
            Scan.objects.bulk_create(rows)
            stamped = [row for row in rows if row.stamp_id is not None]
            for row in stamped:
                Stamp.objects.filter(pk=row.stamp_id).update(
                    scan_count=F("scan_count") + 1,
                    first_scanned_at=Coalesce(F("first_scanned_at"), Value(row.at)),
                )
            ids = {row.stamp_id for row in stamped}
            counts = dict(Stamp.objects.filter(pk__in=ids).values_list("id", "scan_count"))
    _check_counts(rows, counts)


# A batch in one statement: insert the rows (ids were reserved, see scanqueue.py; a row already
# stored by a write whose answer was lost is skipped; a stamp, business or product deleted
# since the scan becomes NULL rather than failing the batch), then add up each stamp's new rows,
# locking the stamps in id order so that two processes writing at once cannot deadlock.
_WRITE_SQL = """
WITH ins AS (
    INSERT INTO {scan} (id, at, code, stamp_id, business_id, product_id, result, ip_hash,
                        ua_family, province)
    SELECT u.id, u.at, u.code, s.id, b.id, p.id, u.result, u.ip_hash, u.ua_family, u.province
    FROM unnest(%b::bigint[], %b::timestamptz[], %b::text[], %b::bigint[], %b::bigint[],
                %b::bigint[], %b::text[], %b::text[], %b::text[], %b::text[])
         AS u(id, at, code, stamp_id, business_id, product_id, result, ip_hash, ua_family,
              province)
    LEFT JOIN {stamp} s ON s.id = u.stamp_id
    LEFT JOIN {business} b ON b.id = u.business_id
    LEFT JOIN {product} p ON p.id = u.product_id
    ON CONFLICT (id) DO NOTHING
    RETURNING stamp_id, at
), v AS (
    SELECT stamp_id, count(*) AS n, min(at) AS first FROM ins
    WHERE stamp_id IS NOT NULL GROUP BY stamp_id
), locked AS (
    SELECT s.id FROM {stamp} s JOIN v ON v.stamp_id = s.id ORDER BY s.id FOR UPDATE OF s
)
UPDATE {stamp} s SET scan_count = s.scan_count + v.n,
    first_scanned_at = COALESCE(s.first_scanned_at, v.first)
FROM v WHERE v.stamp_id = s.id AND s.id IN (SELECT id FROM locked)
RETURNING s.id, s.scan_count
"""
_WRITE_COLUMNS = [
    "id",
    "at",
    "code",
    "stamp_id",
    "business_id",
    "product_id",
    "result",
    "ip_hash",
    "ua_family",
    "province",
]


def _with_tables(template, **models):
    """`template` with each {name} replaced by its model's quoted table name."""
    quote = connection.ops.quote_name
    return template.format(**{name: quote(m._meta.db_table) for name, m in models.items()})


@functools.cache
def _write_sql():
    from txng.accounts.models import Organisation
    from txng.catalog.models import Product

    return _with_tables(_WRITE_SQL, scan=Scan, stamp=Stamp, business=Organisation, product=Product)


def _write_postgresql(rows):
    """Cheap in Python too: the thread writing it shares the page's process."""
    columns = [[getattr(row, name) for row in rows] for name in _WRITE_COLUMNS]
    return dict(fetch_bound(_write_sql(), columns))


queue = ScanQueue(write_scans)

# The consumer scan page's one statement: the stamp by its code with its lot and the lot's open
# recall (read live, so a recall shows on the very next scan).
_SCAN_PAGE_SQL = """
SELECT s.id, s.order_id, s.serial, s.state, s.lot_id, s.scan_count, s.first_scanned_at,
       l.code, l.production_date, l.expiry_date, l.trace_code, r.id, r.reason
FROM {stamp} s
LEFT JOIN {lot} l ON l.id = s.lot_id
LEFT JOIN LATERAL (
    SELECT rc.id, rc.reason FROM {recall_lot} rl JOIN {recall} rc ON rc.id = rl.recall_id
    WHERE rl.lot_id = s.lot_id AND rc.closed_at IS NULL
    ORDER BY rc.created_at DESC LIMIT 1
) r ON true
WHERE s.code = %(code)s
"""


@functools.cache
def _scan_page_sql():
    return _with_tables(_SCAN_PAGE_SQL, stamp=Stamp, lot=Lot, recall=Recall, recall_lot=RecallLot)


def _instance(model, *, adding, **values):
    """An instance with these field values, made as unpickling makes one (without running
    __init__ over every field). Fields not given are deferred: they load on use."""
    instance = model.__new__(model)
    instance.__dict__.update(values)
    instance._state = ModelState()
    instance._state.adding = adding
    instance._state.db = None if adding else DEFAULT_DB_ALIAS
    return instance


def _loaded(model, **values):
    """An instance as if loaded from the database with only these fields."""
    return _instance(model, adding=False, **values)


def _read_stamp(code):
    """find_stamp as one prepared statement, the scan page's only query on PostgreSQL."""
    rows = fetch_rows("txng_scan_page", _scan_page_sql(), {"code": code})
    if not rows:
        return None
    row = rows[0]
    stamp_id, order_id, serial, state, lot_id, count, first, *lot_row = row[:11]
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
    # Related objects go straight into the instance's cache, as a select_related query puts them.
    related = stamp._state.fields_cache
    if lot_id is not None:
        fields = ["code", "production_date", "expiry_date", "trace_code"]
        related["lot"] = _loaded(Lot, id=lot_id, **dict(zip(fields, lot_row, strict=True)))
    stamp.recall_id, stamp.recall_reason = row[11:]
    related["order"] = cached_order(order_id)
    return stamp


def scan_code(request, code):
    """Find the stamp behind `code` and log the scan; returns (stamp, scan), stamp None for an
    unknown code. The stamp comes with its lot (only the fields the scan page shows; the rest
    load on use), `recall_id` and `recall_reason` of the lot's open recall (None without one)."""
    stamp = _read_stamp(code) if connection.vendor == "postgresql" else find_stamp(code)
    return stamp, log_scan(request, code, stamp)


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


def _check_counts(rows, counts):
    """Signals for a written batch: stamps past the scan threshold, and voided or unknown codes
    scanned again and again. `counts` maps stamp ids to their counts after the batch."""
    codes = {row.stamp_id: row.code for row in rows}
    over = {
        pk: n
        for pk, n in counts.items()
        if n > settings.STAMP_SCAN_THRESHOLD
        and not cache.get(_signal_key(codes[pk], SignalKind.MANY_SCANS))
    }
    if over:
        for stamp in Stamp.objects.filter(pk__in=over).select_related("order"):
            _raise(
                SignalKind.MANY_SCANS,
                stamp.code,
                stamp,
                _("Đã bị quét %(n)s lần (ngưỡng %(t)s).")
                % {"n": over[stamp.pk], "t": settings.STAMP_SCAN_THRESHOLD},
            )
    repeated = {
        (row.code, row.result): row
        for row in rows
        if row.result in (ScanResult.VOIDED, ScanResult.UNKNOWN)
    }
    for (code, result), row in repeated.items():
        since = row.at - timedelta(days=1)
        n = Scan.objects.filter(code=code, result=result, at__gte=since).count()
        if n >= settings.STAMP_REPEAT_THRESHOLD:
            kind = (
                SignalKind.VOIDED_REPEATED
                if result == ScanResult.VOIDED
                else SignalKind.UNKNOWN_REPEATED
            )
            # The queued row holds the stamp's id only; the stamp may be gone since.
            stamp = Stamp.objects.select_related("order").filter(pk=row.stamp_id).first()
            _raise(kind, code, stamp, _("%(n)s lần quét trong 24 giờ.") % {"n": n})


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


FORGET_BATCH = 10_000


def forget_visitor_ips(*, window_days=30):
    """Blank the hashed IP of scans and fake reports older than VISITOR_IP_DAYS. With
    the key, a hash of an IPv4 address gives the address back by trying all four billion, so
    it is kept only as long as repeat visitors need linking. Looks back `window_days` before
    that cut-off (a daily run needs one day; a month forgives missed runs without reading the
    whole log each night; None sweeps everything). Returns (scans, reports) blanked."""
    cutoff = timezone.now() - timedelta(days=settings.VISITOR_IP_DAYS)
    blanked = []
    for model, field in ((Scan, "at"), (FakeReport, "created_at")):
        old = model.objects.filter(**{f"{field}__lt": cutoff}).exclude(ip_hash="")
        if window_days is not None:
            old = old.filter(**{f"{field}__gte": cutoff - timedelta(days=window_days)})
        total, last = 0, 0
        # In batches, each starting past the last (not again among rows already blanked): on a
        # large scan table one UPDATE would hold its row locks for long.
        while ids := list(
            old.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:FORGET_BATCH]
        ):
            total += model.objects.filter(pk__in=ids).update(ip_hash="")
            last = ids[-1]
        blanked.append(total)
    return tuple(blanked)
