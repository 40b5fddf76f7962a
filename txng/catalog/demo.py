"""Demo catalog: categories, facilities, 40+ products with generated pictures and documents,
some changes waiting for approval and one rejected (news, banners and posts: public/demo.py).

Idempotent: every row is found by a natural key first, so a second run adds nothing.
"""

import io
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from txng.accounts.models import User
from txng.catalog import actions, media
from txng.catalog.demo_data import CATEGORIES, COLOURS, FACILITIES, PRODUCTS
from txng.catalog.identifiers import with_check_digit
from txng.catalog.models import (
    BusinessProfile,
    Category,
    Document,
    DocumentType,
    Facility,
    Product,
    ProductImage,
    PublicState,
    Revision,
    RevisionState,
)
from txng.common.demo_files import pdf_bytes

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


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
    media.publish_images(product.pk)  # approved already: into the served path


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
    for n, (i, name, cat, brand, net, unit, std, shelf, _stars, desc) in enumerate(PRODUCTS, 1):
        biz = ctx["businesses"][i]
        product, created = Product.objects.get_or_create(business=biz, name=name)
        made[name] = product
        if not created and product.state != PublicState.DRAFT:
            continue
        fac = facilities.get(i, [None])
        product.category = categories[cat]
        product.brand, product.net_content, product.unit = brand, net, unit
        product.standards, product.shelf_life = std, shelf
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
        data = {**actions.product_data(cake), "shelf_life": "24 tháng"}
        rev = actions.save_product_draft(cake, actor=owner2, data=data)
        actions.submit_revision(rev, actor=owner2)
        actions.reject_revision(
            rev,
            actor=dost,
            reason="Hạn sử dụng 24 tháng chưa có phiếu kết quả kiểm nghiệm kèm theo.",
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


def load(ctx):
    categories = _categories()
    facilities = _facilities(ctx)
    _profiles(ctx)
    products = _products(ctx, categories, facilities)
    _pending_and_rejected(ctx, products)
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
