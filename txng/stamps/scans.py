"""The scan log and counterfeit signals.

The scan page finds its stamp and logs its scan with record_scan: on PostgreSQL one statement,
committed before the page is answered. log_scan does the same write with the ORM, for a stamp
already found (the GS1 Digital Link page) and on SQLite. The counterfeit checks over the log
(check_signals) run periodically, outside the page's request.
"""

import functools
import hashlib
import hmac
import math
import re
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.actions import notify, notify_dost
from txng.accounts.models import NotificationKind
from txng.common.http import client_ip
from txng.stamps.lookup import find_stamp
from txng.stamps.models import (
    FakeReport,
    Scan,
    ScanResult,
    Signal,
    SignalKind,
    Stamp,
    StampState,
)
from txng.tracing.models import Lot

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
# Crawlers and the fetchers that draw a link's preview in chats and social networks: their
# requests are answered but are not scans. Browsers inside those apps (Zalo, Facebook) are.
_BOTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|facebookexternalhit|facebookcatalog|WhatsApp|"
    r"TelegramBot|Slackbot|Discordbot|Twitterbot|LinkedInBot|SkypeUriPreview|Embedly|"
    r"preview|curl/|Wget/|python-requests|python-urllib|Go-http-client|"
    r"Lighthouse",
    re.I,
)

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


def is_page_view(request):
    """Whether this request is a person opening the page: a GET from a browser. HEAD, OPTIONS
    (link checkers, CORS preflights) and bots or link previewers are answered but not logged,
    so they raise no count and no counterfeit signal."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    return request.method == "GET" and not _BOTS.search(user_agent)


def log_scan(request, code, stamp, result=None):
    """Store one scan of `code` (committed before the page is answered) and return it.

    The result defaults to what the stamp's state makes it (unknown without a stamp). A scan
    of the same code by the same visitor (hashed IP and browser family) within
    SCAN_REPEAT_WINDOW_SECONDS is stored with `counted=False`: it does not add to the stamp's
    `scan_count` nor to the counterfeit checks, so reloading the page raises nothing. The
    stamp's `scan_count` and `first_scanned_at` then include this scan, for the page to show.
    """
    if result is None:
        result = RESULT_BY_STATE[stamp.state] if stamp else ScanResult.UNKNOWN
    now = timezone.now()
    ip_hash = hash_ip(client_ip(request))
    ua = _ua(request)
    since = now - timedelta(seconds=settings.SCAN_REPEAT_WINDOW_SECONDS)
    with transaction.atomic():
        repeat = bool(ip_hash) and (
            Scan.objects.filter(code=code, at__gte=since, ip_hash=ip_hash, ua_family=ua)
            .filter(counted=True)
            .exists()
        )
        scan = Scan.objects.create(
            at=now,
            code=code[:40],
            stamp=stamp,
            business_id=stamp.order.business_id if stamp else None,
            product_id=stamp.order.product_id if stamp else None,
            result=result,
            ip_hash=ip_hash,
            ua_family=ua,
            counted=not repeat,
        )
        if stamp is not None and not repeat:
            Stamp.objects.filter(pk=stamp.pk).update(
                scan_count=F("scan_count") + 1,
                first_scanned_at=Coalesce(F("first_scanned_at"), Value(now)),
            )
            stamp.scan_count += 1
            stamp.first_scanned_at = stamp.first_scanned_at or now
    return scan


def record_scan(request, code, result=None):
    """Find the stamp of `code` (see find_stamp) and, if the request is a page view, log its
    scan as log_scan does; returns (stamp or None, scan or None). On PostgreSQL it is one
    statement in autocommit, so the scan is committed when this returns; elsewhere find_stamp
    and log_scan. The stamp comes without its print order (see lookup.cached_order)."""
    if not is_page_view(request):
        return find_stamp(code), None
    if connection.vendor != "postgresql":
        stamp = find_stamp(code)
        return stamp, log_scan(request, code, stamp, result)
    now = timezone.now()
    params = {
        "code": code[:40],
        "now": now,
        "since": now - timedelta(seconds=settings.SCAN_REPEAT_WINDOW_SECONDS),
        "ip_hash": hash_ip(client_ip(request)),
        "ua": _ua(request),
        "result": result,
    }
    with connection.cursor() as cursor:
        cursor.execute(RECORD_SCAN_SQL, params)
        row = dict(zip([col[0] for col in cursor.description], cursor.fetchone(), strict=True))
    scan = Scan.from_db(
        connection.alias,
        ["id", "at", "code", "stamp_id", "result", "counted"],
        [row["scan_id"], now, params["code"], row["id"], row["result"], row["counted"]],
    )
    if row["id"] is None:
        return None, scan
    stamp = Stamp.from_db(connection.alias, STAMP_COLUMNS, [row[name] for name in STAMP_COLUMNS])
    if row["counted"]:
        stamp.scan_count, stamp.first_scanned_at = row["new_count"], row["new_first"]
    if stamp.lot_id is not None:
        stamp.lot = Lot.from_db(
            connection.alias,
            ["id", "code", "production_date", "expiry_date", "trace_code"],
            [stamp.lot_id, *(row[f"lot_{name}"] for name in LOT_COLUMNS)],
        )
    stamp.recall_id, stamp.recall_reason = row["recall_id"], row["recall_reason"]
    stamp.flagged = row["flagged"]
    return stamp, scan


STAMP_COLUMNS = [
    "id",
    "order_id",
    "serial",
    "code",
    "state",
    "lot_id",
    "activated_at",
    "void_reason",
    "scan_count",
    "first_scanned_at",
]
LOT_COLUMNS = ["code", "production_date", "expiry_date", "trace_code"]

# What find_stamp reads and log_scan writes, in one round trip. Data-modifying CTEs all see the
# database as it was when the statement began, so the repeat check does not see its own row and
# the page's count comes from what the UPDATE returns.
RECORD_SCAN_SQL = """
WITH input AS (
    -- Each parameter once, typed: the statement then also runs with server-side binding.
    SELECT %(code)s::varchar AS code, %(now)s::timestamptz AS at,
           %(since)s::timestamptz AS since, %(ip_hash)s::varchar AS ip_hash,
           %(ua)s::varchar AS ua, %(result)s::varchar AS result
),
found AS (
    -- The stamp, its order's producer and product, its lot, the lot's newest open recall and
    -- whether its code is on the counterfeit list (a signal was raised for it).
    SELECT s.id, s.order_id, s.serial, s.code, s.state, s.lot_id, s.activated_at,
           s.void_reason, s.scan_count, s.first_scanned_at,
           o.business_id, o.product_id,
           l.code AS lot_code, l.production_date AS lot_production_date,
           l.expiry_date AS lot_expiry_date, l.trace_code AS lot_trace_code,
           r.id AS recall_id, r.reason AS recall_reason,
           EXISTS (SELECT 1 FROM stamps_signal g WHERE g.code = s.code) AS flagged
    FROM input
    JOIN stamps_stamp s ON s.code = input.code
    JOIN stamps_printorder o ON o.id = s.order_id
    LEFT JOIN tracing_lot l ON l.id = s.lot_id
    LEFT JOIN LATERAL (
        SELECT rc.id, rc.reason
        FROM tracing_recalllot rl JOIN tracing_recall rc ON rc.id = rl.recall_id
        WHERE rl.lot_id = s.lot_id AND rc.closed_at IS NULL
        ORDER BY rc.created_at DESC
        LIMIT 1
    ) r ON true
),
logged AS (
    -- The scan, with or without a stamp; its result as RESULT_BY_STATE says. A repeat by the
    -- same visitor (hashed IP and browser family) within the window is stored uncounted.
    INSERT INTO stamps_scan
        (at, code, stamp_id, business_id, product_id, result, ip_hash, ua_family, province,
         counted)
    SELECT input.at, input.code, found.id, found.business_id, found.product_id,
           COALESCE(input.result, CASE
               WHEN found.id IS NULL THEN 'unknown'
               WHEN found.state = 'activated' THEN 'ok'
               WHEN found.state = 'voided' THEN 'voided'
               ELSE 'not_activated'
           END),
           input.ip_hash, input.ua, '',
           NOT (input.ip_hash <> '' AND EXISTS (
               SELECT 1 FROM stamps_scan p
               WHERE p.code = input.code AND p.at >= input.since
                 AND p.ip_hash = input.ip_hash AND p.ua_family = input.ua AND p.counted
           ))
    FROM input LEFT JOIN found ON true
    RETURNING id, result, counted
),
bumped AS (
    -- A counted scan of a stamp adds to its count; the first one sets its first-scan time.
    UPDATE stamps_stamp
    SET scan_count = scan_count + 1,
        first_scanned_at = COALESCE(first_scanned_at, (SELECT at FROM input))
    FROM logged
    WHERE stamps_stamp.id = (SELECT id FROM found) AND logged.counted
    RETURNING scan_count, first_scanned_at
)
SELECT logged.id AS scan_id, logged.result, logged.counted, found.*,
       bumped.scan_count AS new_count, bumped.first_scanned_at AS new_first
FROM logged LEFT JOIN found ON true LEFT JOIN bumped ON true
"""


def _raise(kind, code, stamp, detail):
    """Record a signal once per code and kind, and tell the business and DOST."""
    if Signal.objects.filter(code=code, kind=kind).exists():
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
    except IntegrityError:  # raised meanwhile by another run: the constraint keeps it single
        return None
    message = _("Cảnh báo tem giả: %(kind)s (mã %(code)s)") % {
        "kind": signal.get_kind_display(),
        "code": code,
    }
    link = reverse("stamps:scans")
    if stamp is not None:
        notify(stamp.order.business, message, link, kind=NotificationKind.STAMP_ALERT)
    notify_dost(message, link, kind=NotificationKind.STAMP_ALERT)
    return signal


def check_signals(*, hours=24):
    """Raise the counterfeit signals that the scans of the last `hours` call for: stamps past
    STAMP_SCAN_THRESHOLD counted scans, and voided or unknown codes scanned at least
    STAMP_REPEAT_THRESHOLD times (counted scans) within a day. Run periodically (the
    check_scan_signals command, or the task of the same name), never in a page request.
    Returns the signals raised."""
    since = timezone.now() - timedelta(hours=hours)
    recent = Scan.objects.filter(at__gte=since, counted=True)
    raised = []
    busy = (
        Stamp.objects.filter(
            pk__in=recent.values("stamp_id"), scan_count__gt=settings.STAMP_SCAN_THRESHOLD
        )
        .exclude(signals__kind=SignalKind.MANY_SCANS)
        .select_related("order__business")
    )
    for stamp in busy:
        detail = _("Đã bị quét %(n)s lần (ngưỡng %(t)s).") % {
            "n": stamp.scan_count,
            "t": settings.STAMP_SCAN_THRESHOLD,
        }
        raised.append(_raise(SignalKind.MANY_SCANS, stamp.code, stamp, detail))
    kinds = {
        ScanResult.VOIDED: SignalKind.VOIDED_REPEATED,
        ScanResult.UNKNOWN: SignalKind.UNKNOWN_REPEATED,
    }
    day = timezone.now() - timedelta(days=1)
    repeated = (
        Scan.objects.filter(at__gte=max(since, day), counted=True, result__in=kinds)
        .values("code", "result")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.STAMP_REPEAT_THRESHOLD)
    )
    for row in repeated:
        kind = kinds[row["result"]]
        stamp = Stamp.objects.select_related("order__business").filter(code=row["code"]).first()
        detail = _("%(n)s lần quét trong 24 giờ.") % {"n": row["n"]}
        raised.append(_raise(kind, row["code"], stamp, detail))
    return [signal for signal in raised if signal is not None]


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
