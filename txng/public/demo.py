"""Demo portal: news, banners and supply–demand posts of the businesses catalog/demo.py made."""

import io
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from txng.catalog.demo import _font, picture
from txng.catalog.demo_data import NEWS, POSTS
from txng.public.models import Article, Banner, Post, Section


def _portal(ctx):
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
    _portal(ctx)
