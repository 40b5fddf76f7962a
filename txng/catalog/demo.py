"""Demo catalog: categories, facilities, 40+ products with generated pictures and documents,
some changes waiting for approval and one rejected; news, banners and supply–demand posts.

Idempotent: every row is found by a natural key first, so a second run adds nothing.
"""

import io
from datetime import date, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from txng.accounts.models import User
from txng.catalog import actions
from txng.catalog.identifiers import with_check_digit
from txng.catalog.models import (
    BusinessProfile,
    Category,
    Document,
    DocumentType,
    Facility,
    FacilityKind,
    Product,
    ProductImage,
    PublicState,
    Revision,
    RevisionState,
)
from txng.common.demo_files import pdf_bytes

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

CATEGORIES = [
    ("nong-san", "Nông sản", None),
    ("hat-qua", "Hạt, quả", "nong-san"),
    ("cu-rau", "Củ, rau", "nong-san"),
    ("thuc-pham-che-bien", "Thực phẩm chế biến", None),
    ("mien-bun", "Miến, bún, bánh phở", "thuc-pham-che-bien"),
    ("banh-keo", "Bánh, kẹo, mứt", "thuc-pham-che-bien"),
    ("thit-say", "Thịt, lạp sườn, đồ khô", "thuc-pham-che-bien"),
    ("do-uong", "Đồ uống", None),
    ("tra", "Trà", "do-uong"),
    ("ruou", "Rượu", "do-uong"),
    ("mat-ong", "Mật ong, dược liệu", None),
    ("thu-cong", "Thủ công mỹ nghệ", None),
]

COLOURS = {
    "hat-qua": (122, 72, 38),
    "cu-rau": (150, 94, 120),
    "mien-bun": (196, 170, 120),
    "banh-keo": (201, 120, 48),
    "thit-say": (150, 40, 32),
    "tra": (46, 110, 60),
    "ruou": (110, 60, 120),
    "mat-ong": (214, 150, 20),
    "thu-cong": (70, 90, 130),
}

# (business index, name, category, brand, net content, unit, standard, shelf life, OCOP, notes)
PRODUCTS = [
    (
        0,
        "Hạt dẻ Trùng Khánh tươi",
        "hat-qua",
        "Hạt dẻ Trùng Khánh",
        "1 kg",
        "túi",
        "TCCS 01:2024/HTXTK",
        "30 ngày",
        4,
        "Hạt dẻ thu hái vụ tháng 9, hạt chắc, bùi và thơm.",
    ),
    (
        0,
        "Hạt dẻ Trùng Khánh rang củi",
        "hat-qua",
        "Hạt dẻ Trùng Khánh",
        "500 g",
        "túi",
        "TCCS 02:2024/HTXTK",
        "6 tháng",
        4,
        "Rang bằng củi nghiến trong chảo gang theo cách truyền thống.",
    ),
    (
        0,
        "Hạt dẻ Trùng Khánh sấy giòn",
        "hat-qua",
        "Hạt dẻ Trùng Khánh",
        "250 g",
        "hộp",
        "TCCS 03:2024/HTXTK",
        "9 tháng",
        3,
        "",
    ),
    (
        0,
        "Bột hạt dẻ Trùng Khánh",
        "hat-qua",
        "Hạt dẻ Trùng Khánh",
        "300 g",
        "hộp",
        "",
        "12 tháng",
        None,
        "",
    ),
    (
        0,
        "Hạt dẻ luộc hút chân không",
        "hat-qua",
        "Hạt dẻ Trùng Khánh",
        "400 g",
        "gói",
        "TCCS 04:2024/HTXTK",
        "45 ngày",
        None,
        "",
    ),
    (
        0,
        "Mật ong hoa hạt dẻ",
        "mat-ong",
        "Hạt dẻ Trùng Khánh",
        "500 ml",
        "chai",
        "TCVN 12605:2019",
        "24 tháng",
        3,
        "",
    ),
    (0, "Quýt Trà Lĩnh", "hat-qua", "", "1 kg", "kg", "", "15 ngày", None, ""),
    (0, "Lê Đông Khê", "hat-qua", "", "1 kg", "kg", "", "20 ngày", None, ""),
    (
        1,
        "Bánh hạt dẻ Non Nước",
        "banh-keo",
        "Non Nước",
        "200 g",
        "hộp",
        "TCCS 01:2023/NN",
        "6 tháng",
        4,
        "Bánh nướng nhân hạt dẻ Trùng Khánh.",
    ),
    (
        1,
        "Trà shan tuyết túi lọc Non Nước",
        "tra",
        "Non Nước",
        "50 g (25 túi)",
        "hộp",
        "TCVN 7975:2008",
        "24 tháng",
        3,
        "",
    ),
    (
        1,
        "Bánh khảo Non Nước",
        "banh-keo",
        "Non Nước",
        "250 g",
        "hộp",
        "TCCS 02:2023/NN",
        "4 tháng",
        3,
        "",
    ),
    (
        1,
        "Bánh cuốn Cao Bằng sấy khô",
        "mien-bun",
        "Non Nước",
        "400 g",
        "gói",
        "TCCS 03:2023/NN",
        "8 tháng",
        None,
        "",
    ),
    (
        1,
        "Lạp sườn hun khói Non Nước",
        "thit-say",
        "Non Nước",
        "500 g",
        "gói",
        "TCVN 7049:2009",
        "6 tháng",
        3,
        "",
    ),
    (
        1,
        "Thịt lợn gác bếp Non Nước",
        "thit-say",
        "Non Nước",
        "300 g",
        "gói",
        "TCCS 04:2023/NN",
        "6 tháng",
        None,
        "",
    ),
    (
        1,
        "Bánh trứng kiến (đông lạnh)",
        "banh-keo",
        "Non Nước",
        "10 chiếc",
        "hộp",
        "",
        "3 tháng",
        None,
        "",
    ),
    (
        1,
        "Mứt gừng Non Nước",
        "banh-keo",
        "Non Nước",
        "200 g",
        "hộp",
        "TCCS 05:2023/NN",
        "12 tháng",
        None,
        "",
    ),
    (
        2,
        "Củ dong riềng Phja Đén",
        "cu-rau",
        "",
        "1 kg",
        "kg",
        "",
        "30 ngày",
        None,
        "Dong riềng trồng trên đất đồi Phja Đén, củ to, nhiều bột.",
    ),
    (
        2,
        "Miến dong Phja Đén",
        "mien-bun",
        "Miến Phúc",
        "500 g",
        "gói",
        "TCVN 11323:2016",
        "12 tháng",
        4,
        "Miến làm từ 100% tinh bột dong riềng, phơi nắng tự nhiên.",
    ),
    (
        2,
        "Tinh bột dong riềng Phja Đén",
        "cu-rau",
        "Miến Phúc",
        "1 kg",
        "túi",
        "TCCS 01:2022/HKD",
        "12 tháng",
        3,
        "",
    ),
    (
        2,
        "Miến dong sợi nhỏ Nguyên Bình",
        "mien-bun",
        "Miến Phúc",
        "300 g",
        "gói",
        "TCVN 11323:2016",
        "12 tháng",
        3,
        "",
    ),
    (2, "Miến dong trộn rau củ", "mien-bun", "Miến Phúc", "300 g", "gói", "", "9 tháng", None, ""),
    (
        2,
        "Bánh đa dong Nguyên Bình",
        "mien-bun",
        "Miến Phúc",
        "500 g",
        "gói",
        "",
        "6 tháng",
        None,
        "",
    ),
    (
        3,
        "Chè Shan tuyết Phja Đén (búp khô)",
        "tra",
        "Shan tuyết Phja Đén",
        "200 g",
        "hộp",
        "TCVN 9740:2013",
        "18 tháng",
        4,
        "Búp chè shan tuyết cổ thụ trên 1.000 m, sao tay.",
    ),
    (
        3,
        "Hồng trà shan tuyết Phja Đén",
        "tra",
        "Shan tuyết Phja Đén",
        "100 g",
        "hộp",
        "TCCS 02:2024/HTXPD",
        "24 tháng",
        3,
        "",
    ),
    (
        3,
        "Bạch trà shan tuyết",
        "tra",
        "Shan tuyết Phja Đén",
        "50 g",
        "hộp",
        "TCCS 03:2024/HTXPD",
        "24 tháng",
        4,
        "",
    ),
    (
        3,
        "Trà shan tuyết ép bánh",
        "tra",
        "Shan tuyết Phja Đén",
        "357 g",
        "bánh",
        "TCCS 04:2024/HTXPD",
        "36 tháng",
        None,
        "",
    ),
    (
        3,
        "Trà hoa vàng Nguyên Bình",
        "tra",
        "Shan tuyết Phja Đén",
        "30 g",
        "hộp",
        "",
        "24 tháng",
        None,
        "",
    ),
    (
        3,
        "Trà giảo cổ lam Phja Đén",
        "tra",
        "Shan tuyết Phja Đén",
        "100 g",
        "túi",
        "",
        "18 tháng",
        None,
        "",
    ),
    (
        4,
        "Gạo nếp Pì Pất",
        "cu-rau",
        "Biên Cương",
        "2 kg",
        "túi",
        "TCVN 8368:2010",
        "12 tháng",
        3,
        "",
    ),
    (
        4,
        "Gạo Japonica Hòa An",
        "cu-rau",
        "Biên Cương",
        "5 kg",
        "túi",
        "TCVN 8368:2010",
        "12 tháng",
        None,
        "",
    ),
    (4, "Khoai môn Bảo Lạc", "cu-rau", "Biên Cương", "1 kg", "kg", "", "30 ngày", None, ""),
    (4, "Gừng gió Quảng Uyên", "cu-rau", "Biên Cương", "500 g", "túi", "", "60 ngày", None, ""),
    (4, "Rau cải ngồng Hà Quảng", "cu-rau", "", "500 g", "bó", "VietGAP", "5 ngày", None, ""),
    (
        4,
        "Nấm hương rừng sấy khô",
        "cu-rau",
        "Biên Cương",
        "200 g",
        "túi",
        "TCVN 5322:1991",
        "12 tháng",
        3,
        "",
    ),
    (4, "Bí thơm Trùng Khánh", "cu-rau", "", "1 quả", "quả", "", "30 ngày", None, ""),
    (
        5,
        "Lạp sườn Cao Bằng Thục Phán",
        "thit-say",
        "Thục Phán",
        "500 g",
        "gói",
        "TCVN 7049:2009",
        "6 tháng",
        3,
        "",
    ),
    (
        5,
        "Vịt quay bảy vị (đóng gói)",
        "thit-say",
        "Thục Phán",
        "1 con",
        "con",
        "",
        "5 ngày",
        None,
        "",
    ),
    (
        5,
        "Bánh cuốn trứng Thục Phán (đông lạnh)",
        "mien-bun",
        "Thục Phán",
        "500 g",
        "hộp",
        "",
        "2 tháng",
        None,
        "",
    ),
    (5, "Hương trầm Phia Thắp", "thu-cong", "Thục Phán", "100 nén", "bó", "", "", 3, ""),
    (5, "Khăn dệt thổ cẩm Tày", "thu-cong", "Thục Phán", "1 chiếc", "chiếc", "", "", None, ""),
    (
        5,
        "Dao rèn Phúc Sen",
        "thu-cong",
        "Phúc Sen",
        "1 chiếc",
        "chiếc",
        "",
        "",
        4,
        "Dao rèn thủ công của người Nùng An, Quảng Uyên.",
    ),
    (5, "Giấy bản Phja Chang", "thu-cong", "Thục Phán", "20 tờ", "tập", "", "", None, ""),
    (
        6,
        "Mật ong bạc hà Lý Mai",
        "mat-ong",
        "Lý Mai",
        "500 ml",
        "chai",
        "TCVN 12605:2019",
        "24 tháng",
        None,
        "",
    ),
    (
        7,
        "Rượu men lá Hòa An",
        "ruou",
        "Hòa An",
        "500 ml",
        "chai",
        "QCVN 6-3:2010/BYT",
        "",
        None,
        "",
    ),
]

FACILITIES = {
    0: [
        (
            "Vùng trồng hạt dẻ Đình Phong",
            FacilityKind.FARM,
            "Xã Trùng Khánh",
            22.8366,
            106.5563,
            "32 ha",
            "VietGAP",
        ),
        (
            "Xưởng rang hạt dẻ Trùng Khánh",
            FacilityKind.WORKSHOP,
            "Thị trấn Trùng Khánh",
            None,
            None,
            "",
            "",
        ),
    ],
    1: [
        (
            "Xưởng bánh Non Nước",
            FacilityKind.WORKSHOP,
            "Phường Thục Phán",
            22.6657,
            106.2579,
            "800 m²",
            "ISO 22000:2018",
        ),
        (
            "Cửa hàng Non Nước số 1",
            FacilityKind.SHOP,
            "Phố Kim Đồng, phường Thục Phán",
            None,
            None,
            "",
            "",
        ),
    ],
    2: [
        (
            "Nương dong riềng Phja Đén",
            FacilityKind.FARM,
            "Xóm Phja Đén, xã Nguyên Bình",
            22.5866,
            105.8697,
            "3 ha",
            "",
        ),
        (
            "Lò làm miến Nông Văn Phúc",
            FacilityKind.WORKSHOP,
            "Xóm Phja Đén, xã Nguyên Bình",
            None,
            None,
            "",
            "",
        ),
    ],
    3: [
        (
            "Đồi chè shan tuyết Phja Đén",
            FacilityKind.FARM,
            "Xã Nguyên Bình",
            22.5902,
            105.8711,
            "12 ha",
            "Hữu cơ TCVN 11041-2:2017",
        ),
        (
            "Xưởng chế biến chè Phja Đén",
            FacilityKind.WORKSHOP,
            "Xã Nguyên Bình",
            None,
            None,
            "",
            "",
        ),
    ],
    4: [
        (
            "Kho nông sản Biên Cương",
            FacilityKind.WAREHOUSE,
            "Phường Thục Phán",
            None,
            None,
            "1.200 m²",
            "",
        )
    ],
    5: [("Cửa hàng Đặc sản Thục Phán", FacilityKind.SHOP, "Phường Thục Phán", None, None, "", "")],
    6: [("Trại ong Lý Mai", FacilityKind.FARM, "Xã Quảng Uyên", None, None, "200 đàn", "")],
    7: [("Xưởng rượu Hòa An", FacilityKind.WORKSHOP, "Xã Hòa An", None, None, "", "")],
}

NEWS = [
    (
        "tin-tuc",
        "Cao Bằng triển khai truy xuất nguồn gốc cho sản phẩm OCOP",
        "Sở Khoa học và Công nghệ hướng dẫn các hợp tác xã đăng ký tham gia hệ thống "
        "và in tem truy xuất.",
        1,
    ),
    (
        "huong-dan",
        "Hướng dẫn cơ sở công bố sản phẩm trên hệ thống",
        "Các bước tạo sản phẩm, gửi duyệt, bổ sung tài liệu và in tem QR.",
        4,
    ),
    (
        "tin-tuc",
        "Vụ hạt dẻ Trùng Khánh 2026: sản lượng ước đạt 1.200 tấn",
        "Giá hạt dẻ tươi dao động 80.000–120.000 đồng/kg.",
        9,
    ),
    (
        "chinh-sach",
        "Thông tư 02/2024/TT-BKHCN: 10 thông tin cơ bản của sản phẩm truy xuất",
        "Tóm tắt những thông tin cơ sở cần cung cấp cho người tiêu dùng.",
        15,
    ),
]

POSTS = [
    (
        0,
        "offer",
        "Hạt dẻ Trùng Khánh tươi",
        "20 tấn",
        "tháng 9–11",
        "Trùng Khánh, Cao Bằng",
        "published",
        60,
    ),
    (
        2,
        "offer",
        "Miến dong Phja Đén",
        "3 tấn/tháng",
        "quanh năm",
        "Nguyên Bình, Cao Bằng",
        "published",
        90,
    ),
    (1, "request", "Hạt dẻ loại 1 để làm bánh", "5 tấn", "tháng 10", "Cao Bằng", "published", 45),
    (
        4,
        "request",
        "Củ dong riềng tươi",
        "50 tấn",
        "tháng 11–12",
        "Nguyên Bình, Bảo Lạc",
        "pending",
        60,
    ),
    (3, "offer", "Chè shan tuyết búp khô", "800 kg", "vụ xuân", "Nguyên Bình", "published", 30),
]


def _font(size):
    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:
        return ImageFont.load_default()


def picture(name, colour, variant=0):
    """A 640×480 JPEG: a coloured field, a simple 'product' shape and its name."""
    image = Image.new("RGB", (640, 480), tuple(min(255, c + 90) for c in colour))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        shade = tuple(min(255, c + 60 - i * 10) for c in colour)
        draw.ellipse((60 + i * 80 + variant * 15, 300 - i * 12, 200 + i * 80, 430), fill=shade)
    draw.rounded_rectangle((180, 70, 460, 300), radius=28, fill=colour)
    draw.rounded_rectangle((200, 90, 440, 280), radius=20, outline=(255, 255, 255), width=4)
    words, lines, line = name.split(), [], ""
    for word in words:
        if len(line) + len(word) > 14:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    font = _font(26)
    for i, text in enumerate(lines[:4]):
        width = draw.textlength(text, font=font)
        draw.text(((640 - width) / 2, 120 + i * 36), text, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()


def _save_image(product, colour, variant):
    data = picture(product.name, colour, variant)
    img = ProductImage(product=product, position=variant, approved=True)
    img.image.save(f"{product.slug}-{variant + 1}.jpg", ContentFile(data), save=False)
    img.thumb.save("thumb.jpg", actions._thumbnail(ContentFile(data, name="a.jpg")), save=False)
    img.save()


def _categories():
    made = {}
    for slug, name, parent in CATEGORIES:
        made[slug], _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "parent": made.get(parent)}
        )
    return made


def _facilities(ctx):
    by_business = {}
    for i, rows in FACILITIES.items():
        biz = ctx["businesses"][i]
        for name, kind, address, lat, lon, area, certs in rows:
            facility, _ = Facility.objects.get_or_create(
                business=biz,
                name=name,
                defaults={
                    "kind": kind,
                    "address": address,
                    "commune": biz.commune,
                    "latitude": lat,
                    "longitude": lon,
                    "area": area,
                    "certifications": certs,
                    "gln": with_check_digit(f"893600{i:03d}{len(by_business.get(i, [])):03d}"),
                },
            )
            by_business.setdefault(i, []).append(facility)
    return by_business


def _documents(product, n):
    today = timezone.localdate()
    specs = [(DocumentType.DECLARATION, "Bản tự công bố", today - timedelta(days=300), None)]
    if n % 3 == 0:
        specs.append(
            (
                DocumentType.TEST_RESULT,
                "Trung tâm Kỹ thuật TCĐLCL Cao Bằng",
                today - timedelta(days=200),
                today + timedelta(days=165),
            )
        )
    if n % 7 == 0:  # a few expired, to show the flag
        specs.append(
            (
                DocumentType.FOOD_SAFETY,
                "Chi cục ATVSTP Cao Bằng",
                today - timedelta(days=1100),
                today - timedelta(days=5),
            )
        )
    if n % 11 == 1:  # and a few expiring soon, for the reminder job
        specs.append(
            (
                DocumentType.CONFORMITY,
                "Sở Khoa học và Công nghệ",
                today - timedelta(days=700),
                today + timedelta(days=20),
            )
        )
    for kind, issuer, issued, expires in specs:
        doc = Document(
            business=product.business,
            product=product,
            kind=kind,
            number=f"{n:03d}/{issued.year}/CB",
            issuer=issuer,
            issued_on=issued,
            expires_on=expires,
            approved=True,
        )
        doc.file.save(
            f"{kind}-{product.slug}.pdf", ContentFile(pdf_bytes(f"{kind} {n:03d}")), save=False
        )
        doc.save()


def _products(ctx, categories, facilities):
    made = {}
    now = timezone.now()
    for n, (i, name, cat, brand, net, unit, std, shelf, stars, desc) in enumerate(PRODUCTS, 1):
        biz = ctx["businesses"][i]
        product, created = Product.objects.get_or_create(business=biz, name=name)
        made[name] = product
        if not created and product.state != PublicState.DRAFT:
            continue
        fac = facilities.get(i, [None])
        product.category = categories[cat]
        product.brand, product.net_content, product.unit = brand, net, unit
        product.standards, product.shelf_life, product.ocop_stars = std, shelf, stars
        product.description = desc or f"{name}, đặc sản tỉnh Cao Bằng do {biz.name} sản xuất."
        product.storage = "Nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp."
        product.facility = fac[0] if cat in ("hat-qua", "cu-rau") or len(fac) == 1 else fac[-1]
        product.gtin = with_check_digit(f"893600{i:03d}{n:03d}") if n % 2 else ""
        product.state = PublicState.PUBLISHED
        product.published_at = now - timedelta(days=n)
        product.featured = n in (1, 2, 9, 10, 17, 18, 23, 42)
        product.save()
        colour = COLOURS.get(cat, (31, 111, 67))
        for variant in range(2 if n % 4 == 1 else 1):
            _save_image(product, colour, variant)
        _documents(product, n)
        Revision.objects.create(
            business=biz,
            product=product,
            number=1,
            state=RevisionState.APPROVED,
            data=actions.product_data(product),
            submitted_at=product.published_at,
            reviewed_at=product.published_at,
        )
    return made


def _pending_and_rejected(ctx, products):
    """A few changes waiting in the agency queue, and one rejected with a reason."""
    owner = User.objects.filter(organisation=ctx["businesses"][0], role="owner").first()
    owner2 = User.objects.filter(organisation=ctx["businesses"][1], role="owner").first()
    dost = User.objects.filter(organisation=ctx["dost"]).first()
    if not (owner and owner2 and dost):
        return
    roasted = products["Hạt dẻ Trùng Khánh rang củi"]
    if not roasted.revisions.filter(number=2).exists():
        data = {**actions.product_data(roasted), "net_content": "400 g", "shelf_life": "8 tháng"}
        rev = actions.save_product_draft(roasted, actor=owner, data=data)
        actions.submit_revision(rev, actor=owner, note="Đổi quy cách gói 400 g.")
    cake = products["Bánh khảo Non Nước"]
    if not cake.revisions.filter(number=2).exists():
        data = {**actions.product_data(cake), "ocop_stars": 5}
        rev = actions.save_product_draft(cake, actor=owner2, data=data)
        actions.submit_revision(rev, actor=owner2)
        actions.reject_revision(
            rev,
            actor=dost,
            reason="Sản phẩm mới được công nhận OCOP 3 sao; chưa có quyết định công nhận 5 sao.",
        )
    biz = ctx["businesses"][0]
    new_name = "Kẹo hạt dẻ mật ong Trùng Khánh"
    if not Product.objects.filter(business=biz, name=new_name).exists():
        product, rev = actions.create_product(
            biz,
            actor=owner,
            data={
                "name": new_name,
                "category": Category.objects.get(slug="banh-keo").pk,
                "brand": "Hạt dẻ Trùng Khánh",
                "net_content": "200 g",
                "unit": "hộp",
                "shelf_life": "6 tháng",
                "description": "Kẹo làm từ hạt dẻ rang và mật ong hoa hạt dẻ.",
            },
        )
        actions.submit_revision(rev, actor=owner, note="Sản phẩm mới vụ 2026.")
    if not Revision.objects.filter(business=biz, product=None).exists():
        rev = actions.save_profile_draft(
            biz,
            actor=owner,
            data={
                "description": "Hợp tác xã thành lập năm 2015 với 86 hộ thành viên trồng hạt dẻ "
                "tại xã Trùng Khánh; sản phẩm đạt OCOP 4 sao năm 2023.",
                "website": "https://hatde-trungkhanh.example.vn",
            },
        )
        actions.submit_revision(rev, actor=owner)


def _profiles(ctx):
    for i, biz in enumerate(ctx["businesses"]):
        profile, created = BusinessProfile.objects.get_or_create(business=biz)
        if created:
            profile.description = (
                f"{biz.name} là cơ sở sản xuất, kinh doanh đặc sản tại {biz.commune}, "
                f"tham gia hệ thống truy xuất nguồn gốc của tỉnh."
            )
            profile.licence_number = f"4600{i:06d}"
            profile.featured = i in (0, 2, 3)
            profile.save()


def _portal(ctx):
    from txng.public.models import Article, Banner, Post, Section

    sections = {}
    for pos, (slug, name) in enumerate(
        [("tin-tuc", "Tin tức"), ("chinh-sach", "Chính sách"), ("huong-dan", "Hướng dẫn")]
    ):
        sections[slug], _ = Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": pos}
        )
    for slug, title, summary, days in NEWS:
        if Article.objects.filter(title=title).exists():
            continue
        article = Article(
            section=sections[slug],
            title=title,
            summary=summary,
            body=f"<p>{summary}</p><p>Chi tiết xin liên hệ {ctx['dost'].name}.</p>",
            author_org=ctx["dost"] if days != 9 else ctx["departments"][0],
            published_at=timezone.now() - timedelta(days=days),
        )
        article.image.save(
            f"tin-{days}.jpg", ContentFile(picture(title[:40], (31, 111, 67))), save=False
        )
        article.save()
    for pos, (title, colour) in enumerate(
        [
            ("Tuần lễ hạt dẻ Trùng Khánh 2026", (122, 72, 38)),
            ("Quét mã QR — biết nguồn gốc", (31, 111, 67)),
        ]
    ):
        if Banner.objects.filter(title=title).exists():
            continue
        image = Image.new("RGB", (1120, 280), colour)
        draw = ImageDraw.Draw(image)
        draw.text((40, 110), title, fill=(255, 255, 255), font=_font(44))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        banner = Banner(title=title, position=pos, link="/search/")
        banner.image.save(f"banner-{pos}.jpg", ContentFile(out.getvalue()), save=False)
        banner.save()
    today = date.today()
    for i, kind, name, qty, period, area, state, days in POSTS:
        biz = ctx["businesses"][i]
        if Post.objects.filter(business=biz, product_name=name).exists():
            continue
        Post.objects.create(
            business=biz,
            kind=kind,
            product_name=name,
            quantity=qty,
            period=period,
            area=area,
            contact=f"{biz.representative} — {biz.phone}",
            expires_on=today + timedelta(days=days),
            state=state,
        )


def load(ctx):
    categories = _categories()
    facilities = _facilities(ctx)
    _profiles(ctx)
    products = _products(ctx, categories, facilities)
    _pending_and_rejected(ctx, products)
    _portal(ctx)
    ctx["products"] = products
    ctx["facilities"] = facilities
    first = products["Hạt dẻ Trùng Khánh tươi"]
    ctx.setdefault("try_urls", []).extend(
        [
            ("Trang sản phẩm", first.get_absolute_url()),
            ("Tìm không dấu", "/search/?q=mien+dong"),
            ("Duyệt nội dung (department, dost)", "/manage/revisions/"),
            ("API sản phẩm", "/api/v1/products"),
        ]
    )
