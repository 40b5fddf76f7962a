"""Demo chains: grower → cooperative processor → distributor → shop, with diaries, two
transformations, a return and one recall. Runs after the catalog demo; safe to run twice."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from txng.accounts.models import User
from txng.catalog.models import Facility, Product
from txng.tracing import actions
from txng.tracing.models import Lot, RetentionPolicy, Shipment

VN = ZoneInfo("Asia/Ho_Chi_Minh")

FACILITIES = [
    ("Vùng trồng hạt dẻ Đình Phong", "farm"),
    ("Xưởng chế biến Non Nước", "workshop"),
    ("Lò miến Phja Đén", "workshop"),
    ("Đồi chè Shan tuyết Phja Đén", "farm"),
    ("Kho tổng Biên Cương", "warehouse"),
    ("Cửa hàng Thục Phán, phố Kim Đồng", "shop"),
]


def _t(month, day, hour=8):
    return datetime(2026, month, day, hour, 0, tzinfo=VN)


def _owner(business):
    return User.objects.filter(organisation=business, role="owner").first()


def _product(business, name):
    product, _created = Product.objects.get_or_create(business=business, name=name)
    return product


def load(ctx):
    businesses = ctx["businesses"]
    for n, (name, kind) in enumerate(FACILITIES):
        Facility.objects.get_or_create(business=businesses[n], name=name, defaults={"kind": kind})
    RetentionPolicy.objects.get_or_create(category=None)
    grower, processor, maker, tea, distributor, shop = businesses[:6]
    if Lot.objects.filter(business=grower, code="HD-2026-09").exists():
        _announce(ctx, businesses)
        return
    u = {b.pk: _owner(b) for b in businesses[:6]}
    for business in businesses[:6]:
        if u[business.pk] is None:
            ctx["log"]("tracing demo skipped: a business has no owner account")
            return

    def lot(business, name, code, qty, unit="kg", made=None, expiry=None, started=None, **kw):
        product = _product(business, name)
        if product.facility_id is None:
            product.facility = business.facilities.order_by("pk").first()
            product.save(update_fields=["facility"])
        return actions.create_lot(
            actor=u[business.pk],
            product=product,
            code=code,
            quantity=qty,
            unit=unit,
            production_date=made,
            expiry_date=expiry,
            # A grower's lot is the season's: it starts with the first field work.
            time=_t(*started, 6) if started else _t(made.month, made.day, 6) if made else None,
            **kw,
        )

    def diary(lot_, kind, month, day, **kw):
        return actions.add_diary_entry(
            lot_, actor=u[lot_.business_id], stage_kind=kind, time=_t(month, day), **kw
        )

    def move(lot_, to, qty, month, day, received=None, note="", **kw):
        shipment = actions.ship(
            lot_,
            actor=u[lot_.business_id],
            quantity=qty,
            receiver=to,
            shipped_at=_t(month, day),
            **kw,
        )
        return actions.confirm_receipt(
            shipment,
            actor=u[to.pk],
            received_quantity=received or qty,
            note=note,
            time=_t(month, day, 16),
        )

    department = ctx["departments"][0]
    officer = User.objects.filter(organisation=department).first()
    if officer is not None:
        actions.create_process(
            actor=officer,
            name="Quy trình sản xuất chè Shan tuyết theo VietGAP",
            description="TCVN 11892-1:2017 (VietGAP trồng trọt)",
            published=True,
            stages=[
                ("Chuẩn bị đất, trồng", "land"),
                ("Bón phân", "fertilising"),
                ("Phòng trừ sâu bệnh", "spraying"),
                ("Thu hái búp", "harvest"),
                ("Làm héo, sao, vò", "processing"),
                ("Sấy khô, đóng gói", "packing"),
            ],
        )
    process = actions.create_process(
        actor=u[grower.pk],
        name="Quy trình trồng hạt dẻ theo VietGAP",
        stages=[
            ("Làm đất, vệ sinh vườn", "land"),
            ("Bón phân", "fertilising"),
            ("Phun thuốc BVTV", "spraying"),
            ("Thu hoạch", "harvest"),
            ("Phơi, sấy", "drying"),
        ],
    )
    # Grower: fresh chestnuts with a season's diary.
    nuts = lot(
        grower,
        "Hạt dẻ Trùng Khánh tươi",
        "HD-2026-09",
        600,
        made=date(2026, 9, 5),
        expiry=date(2027, 3, 5),
        process=process,
        started=(3, 1),
    )
    diary(nuts, "land", 3, 2, person="Nông Văn Dũng", notes="Phát quang, tỉa cành")
    diary(
        nuts,
        "fertilising",
        4,
        10,
        person="Nông Văn Dũng",
        input_name="Phân chuồng hoai mục",
        input_dose="10 kg/gốc",
        input_supplier_lot="Tự ủ tại HTX",
    )
    diary(
        nuts,
        "spraying",
        6,
        18,
        person="Nông Thị Hằng",
        input_name="Boóc-đô 1%",
        input_dose="16 lít/sào",
        input_supplier_lot="Vật tư Hưng Đạo, lô 0526",
    )
    diary(nuts, "harvest", 9, 5, person="Tổ thu hái số 2", quantity=600)
    diary(nuts, "drying", 9, 7, notes="Phơi nắng 2 ngày, loại hạt lép")
    actions.finish_lot(nuts, actor=u[grower.pk])

    # Processor: chestnut cake from the grower's nuts; tea bags from the tea cooperative.
    at_processor = move(
        nuts,
        processor,
        300,
        9,
        10,
        received=298,
        note="Hao hụt 2 kg khi vận chuyển",
        invoice_no="0001245",
        transporter="Xe HTX",
    )
    flour = lot(
        processor,
        "Bột mì đa dụng",
        "BM-0826",
        200,
        kind="material",
        supplier_name="Công ty Bột mì Bình Đông",
        supplier_lot="BD2608",
        origin="TP. Hồ Chí Minh",
        made=date(2026, 8, 26),
    )
    cake = lot(
        processor,
        "Bánh hạt dẻ Non Nước",
        "BHD-2026-10",
        1,
        unit="box",
        made=date(2026, 10, 1),
        expiry=date(2027, 1, 1),
    )
    actions.transform(
        actor=u[processor.pk],
        inputs=[(at_processor, 150), (flour, 60)],
        outputs=[(cake, 1199)],
        time=_t(10, 1, 14),
        note="Hấp, nướng, đóng hộp 500 g",
    )
    diary(cake, "packing", 10, 2, notes="Đóng hộp giấy 500 g, in hạn dùng")
    diary(cake, "inspecting", 10, 3, notes="Kiểm nghiệm vi sinh đạt QCVN 8-3:2012/BYT")
    actions.finish_lot(cake, actor=u[processor.pk])

    leaves = lot(
        tea,
        "Chè Shan tuyết Phja Đén (búp khô)",
        "CHE-2026-08",
        300,
        made=date(2026, 8, 20),
        expiry=date(2027, 8, 20),
        started=(8, 18),
    )
    diary(leaves, "harvest", 8, 18, person="Triệu Văn Sơn", notes="Hái 1 tôm 2 lá")
    diary(leaves, "drying", 8, 20, notes="Sao khô bằng tôn quay")
    tea_in = move(leaves, processor, 100, 8, 25, invoice_no="0000318")
    tea_bags = lot(
        processor,
        "Trà shan tuyết túi lọc Non Nước",
        "TRA-2026-09",
        1,
        unit="box",
        made=date(2026, 9, 2),
        expiry=date(2027, 9, 2),
    )
    actions.transform(
        actor=u[processor.pk],
        inputs=[(tea_in, 80)],
        outputs=[(tea_bags, 1599)],
        time=_t(9, 2, 10),
        note="Nghiền, đóng túi lọc 2 g",
    )

    # Distributor and shop; the shop sells some to walk-in customers (off the platform).
    # The cake goes to the distributor on one labelled pallet (SSCC): packed, shipped, unpacked.
    cake_at_distributor = move(
        cake, distributor, 600, 10, 5, delivery_note_no="PX-1005", sscc="389300000010050050"
    )
    cake_at_shop = move(cake_at_distributor, shop, 200, 10, 8, delivery_note_no="PX-1008")
    actions.ship(
        cake_at_shop, actor=u[shop.pk], quantity=35, receiver_name="Khách lẻ", shipped_at=_t(10, 20)
    )
    move(tea_bags, distributor, 500, 9, 10)
    move(nuts, distributor, 200, 9, 12)

    # A return: the distributor sends back 10 crushed boxes.
    actions.return_goods(
        Shipment.objects.get(lot=cake, receiver=distributor),
        actor=u[distributor.pk],
        quantity=10,
        reason="Hộp bị móp khi vận chuyển",
        time=_t(10, 9),
    )

    # Miến dong: a second chain that ends in a recall.
    roots = lot(maker, "Củ dong riềng Phja Đén", "CDR-2026-10", 2000, made=date(2026, 10, 10))
    diary(roots, "harvest", 10, 10, person="Nông Văn Phúc")
    noodles = lot(
        maker,
        "Miến dong Phja Đén",
        "MD-2026-10",
        1,
        made=date(2026, 10, 20),
        expiry=date(2027, 10, 20),
    )
    actions.transform(
        actor=u[maker.pk],
        inputs=[(roots, 1800)],
        outputs=[(noodles, 399)],
        time=_t(10, 20, 15),
        note="Lọc tinh bột, tráng, phơi",
    )
    diary(noodles, "drying", 10, 22, notes="Phơi nắng tự nhiên")
    noodles_at_distributor = move(noodles, distributor, 200, 10, 25)
    move(noodles_at_distributor, shop, 50, 10, 28)
    if officer is not None and not noodles.recall_rows.exists():
        actions.recall_lots(
            [noodles],
            actor=officer,
            reason="Mẫu kiểm nghiệm phát hiện chất tẩy trắng (Natri metabisulfit) vượt ngưỡng",
        )
        actions.open_tracing_request(
            actor=officer,
            business=maker,
            subject="MD-2026-10",
            lot=noodles,
            reason="Báo cáo nguồn củ dong và nơi tiêu thụ lô miến bị thu hồi",
        )
    _announce(ctx, businesses)


def _announce(ctx, businesses):
    """What the loader prints, the same on the first run and on every later one."""
    ctx["lots"] = _found(businesses)
    ctx.setdefault("try_urls", []).extend(
        [
            ("Truy xuất lô bánh tại cửa hàng", ctx["lots"]["at_shop"].get_absolute_url()),
            ("Lô miến bị thu hồi", ctx["lots"]["recalled"].get_absolute_url()),
            ("API truy xuất", f"/api/v1/trace/{ctx['lots']['active'].trace_code}"),
        ]
    )
    ctx.setdefault("logins", []).extend(
        [("biencuong", "nhà phân phối (nhận hàng, nhập–xuất–tồn)"), ("thucphan", "cửa hàng")]
    )


def _found(businesses):
    grower, processor, maker, tea, distributor, shop = businesses[:6]
    cake = Product.objects.filter(business=processor, name="Bánh hạt dẻ Non Nước").first()
    noodles = Product.objects.filter(business=maker, name="Miến dong Phja Đén").first()
    # "active": a finished lot of the producer's own product whose chain runs from the grower
    # through the distributor to the shop; "at_shop" is the same goods on the shop's shelf.
    return {
        "active": Lot.objects.filter(business=processor, product=cake).first(),
        "at_shop": Lot.objects.filter(business=shop, product=cake).first(),
        "recalled": Lot.objects.filter(business=maker, product=noodles).first(),
        "raw": Lot.objects.filter(business=grower, code="HD-2026-09").first(),
    }
