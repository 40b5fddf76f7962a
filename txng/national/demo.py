"""Demo: three hubs standing in for the national ones (served by the hub emulator that
`make demo` starts on port 8765), records in every sync state, and a sector import with a
difference waiting for DOST's review."""

import os
from datetime import timedelta

from django.utils import timezone

from txng.accounts.models import Organisation, OrgKind, User
from txng.catalog.models import Product, PublicState
from txng.national import sector
from txng.national.models import Adapter, Hub, OutboxRow, RecordType, SyncState
from txng.national.outbox import enqueue
from txng.tracing.models import Lot, Recall

# `make demo` starts the emulator there (HUB_PORT); a second copy may run it elsewhere.
EMULATOR = os.environ.get("HUB_EMULATOR_URL", "http://127.0.0.1:8765").rstrip("/")


def _hubs():
    nbc = Hub.objects.create(
        code="nbc",
        name="Cổng TXNG quốc gia (truyxuatnguongoc.gov.vn)",
        adapter=Adapter.NBC,
        enabled=True,
        url=EMULATOR + "/nbc",
        token_url=EMULATOR + "/oauth/token",
    )
    nda = Hub.objects.create(
        code="ndatrace",
        name="NDATrace (EPCIS 2.0)",
        adapter=Adapter.EPCIS,
        enabled=True,
        url=EMULATOR + "/epcis",
        token_url=EMULATOR + "/oauth/token",
    )
    files = Hub.objects.create(
        code="verigoods", name="verigoods.vn (tải tệp thủ công)", adapter=Adapter.FILE, enabled=True
    )
    return nbc, nda, files


def _set(row, state, *, message="", hours_ago=0, ref=""):
    now = timezone.now()
    fields = {"state": state, "hub_message": message, "hub_ref": ref}
    if state in (SyncState.SENT, SyncState.ACCEPTED, SyncState.REFUSED):
        fields["sent_at"] = now - timedelta(hours=hours_ago) + timedelta(minutes=1)
    if state == SyncState.ACCEPTED:
        fields["accepted_at"] = fields["sent_at"]
    if state == SyncState.DEAD:
        fields["attempts"] = 8
    if state == SyncState.SENDING:
        fields["claimed_until"] = now + timedelta(minutes=2)
    OutboxRow.objects.filter(pk=row.pk).update(
        **fields, created_at=now - timedelta(hours=hours_ago)
    )


def load(ctx):
    if Hub.objects.exists():
        return _announce(ctx)
    nbc, nda, files = _hubs()
    products = list(Product.objects.filter(state=PublicState.PUBLISHED).order_by("pk")[:6])
    lots = list(Lot.objects.filter(product__in=products).order_by("pk")[:4])
    if len(products) < 4 or not lots:
        ctx["log"]("national demo: not enough published products")
        return _announce(ctx)
    # Accepted, on the portal: the first published products and their businesses.
    for product in products[:2]:
        org = product.business
        _set(
            enqueue(nbc, RecordType.ORGANISATION, org.pk, label=org.name, business_id=org.pk),
            SyncState.ACCEPTED,
            hours_ago=30,
            ref=f"TCHS-{org.pk:06d}",
        )
        row = enqueue(nbc, RecordType.PRODUCT, product.pk, label=product.name, business_id=org.pk)
        _set(row, SyncState.ACCEPTED, hours_ago=29, ref=f"SP-{product.pk:06d}")
    third, fourth = products[2], products[3]
    # Refused by the portal with its own words, and late: flagged on DOST's front page.
    _set(
        enqueue(nbc, RecordType.PRODUCT, third.pk, label=third.name, business_id=third.business_id),
        SyncState.REFUSED,
        message="ERR_VALIDATION — GTIN CheckDigit không hợp lệ",
        hours_ago=26,
    )
    # Failed every attempt while the hub was down: a dead letter for DOST to replay.
    _set(
        enqueue(
            nbc, RecordType.PRODUCT, fourth.pk, label=fourth.name, business_id=fourth.business_id
        ),
        SyncState.DEAD,
        message="HTTP 503: ERR_SYS_DEV — hub unavailable",
        hours_ago=3,
    )
    # On NDATrace: accepted, waiting (the worker sends it when the demo starts) and one caught
    # "sending" by a worker that died: it is sent again once its lease runs out.
    for lot, state in zip(
        lots, [SyncState.ACCEPTED, SyncState.WAITING, SyncState.SENDING], strict=False
    ):
        label = f"{lot.product.name} — {lot.code}"
        upto = lot.events.order_by("-pk").values_list("pk", flat=True).first() or 0
        row = enqueue(
            nda, RecordType.LOT, lot.pk, label=label, business_id=lot.business_id,
            context={"upto": upto},
        )  # fmt: skip
        _set(row, state, hours_ago=1, ref="demo-capture" if state == SyncState.ACCEPTED else "")
        # The same lot as a file for hand upload: written, waiting for DOST to confirm it.
        row = enqueue(
            files, RecordType.LOT, lot.pk, label=label, business_id=lot.business_id,
            context={"upto": upto},
        )  # fmt: skip
        _set(row, SyncState.SENT, hours_ago=2, ref=f"{row.idempotency_key}.json")
    recall = Recall.objects.first()
    if recall:
        enqueue(nbc, RecordType.RECALL, recall.pk, label=str(recall)[:255])
    _sector_conflict()
    return _announce(ctx)


def _sector_conflict():
    officer = User.objects.filter(organisation__kind=OrgKind.DEPARTMENT).first()
    business = Organisation.objects.filter(kind=OrgKind.BUSINESS).exclude(tax_code="").first()
    if officer is None or business is None:
        return
    sector.import_records(
        "organisation",
        [{"tax_code": business.tax_code, "name": business.name + " (tên theo hệ thống ngành)"}],
        actor=officer,
    )


def _announce(ctx):
    product = Product.objects.filter(state=PublicState.PUBLISHED).order_by("pk").first()
    lot = Lot.objects.filter(product=product).first() if product else None
    urls = [
        ("Kết nối hệ thống quốc gia (Sở KH&CN)", "/quoc-gia/"),
        ("Trình giả lập hệ thống quốc gia", EMULATOR + "/"),
    ]
    if product:
        urls.append(("Hộ chiếu số sản phẩm", f"/ho-chieu-so/{product.pk}/"))
    if lot:
        urls.append(("Hộ chiếu số của lô (JSON-LD)", f"/ho-chieu-so/lo/{lot.trace_code}.jsonld"))
    ctx.setdefault("try_urls", []).extend(urls)
