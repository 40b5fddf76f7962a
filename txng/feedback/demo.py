"""Demo feedback: comments in every state (some answered by the business), and cases in every
state, a few past their deadline. Loaded once: a second run finds them and stops."""

from datetime import timedelta

from django.utils import timezone

from txng.accounts.models import User
from txng.catalog.models import Product
from txng.feedback import actions, comments
from txng.feedback.models import Case, CaseKind, Comment, CommentState

COMMENTS = [
    # (stars, body, author, state, reply)
    (5, "Hạt dẻ bùi, thơm, đóng gói cẩn thận. Sẽ mua lại.", "Lan", "published", "Cảm ơn chị!"),
    (4, "Ngon nhưng giao hàng hơi chậm.", "Minh", "published", "Cơ sở sẽ cải thiện khâu giao."),
    (5, "Quét tem thấy đủ thông tin lô, yên tâm.", "", "published", ""),
    (3, "Túi hơi ẩm, hạt không đều.", "Hoa", "published", ""),
    (4, "Đang chờ duyệt: mua ở chợ phiên Trùng Khánh.", "Tuấn", "pending", ""),
    (1, "Mua ngay tại link ...", "spam", "hidden", ""),
]

CASES = [
    # (kind, description, state, overdue, with a business)
    (CaseKind.COMPLAINT, "Hạt dẻ bị mốc sau 3 ngày mua.", "received", False, True),
    (CaseKind.COMPLAINT, "Bao bì ghi hạn dùng không rõ.", "received", True, True),
    (CaseKind.VIOLATION, "Cơ sở quảng cáo sai về OCOP 5 sao.", "handling", False, True),
    (CaseKind.COMPLAINT, "Sản phẩm có mùi lạ.", "handling", True, True),
    (CaseKind.FAKE_STAMP, "Tem dán lệch, quét báo mã không có.", "received", False, False),
    (CaseKind.COMPLAINT, "Thiếu khối lượng so với nhãn.", "resolved", False, True),
    (CaseKind.VIOLATION, "Bán hàng không nhãn mác.", "dismissed", False, True),
]


def _official_of(business):
    manager = business.managers.order_by("kind", "pk").first()
    return User.objects.filter(organisation=manager, is_active=True).order_by("pk").first()


def load(ctx):
    if Comment.objects.exists() or Case.objects.exists():
        return
    products = list(
        Product.objects.published().filter(business__in=ctx["businesses"]).order_by("pk")[:3]
    )
    if not products:
        ctx["log"]("feedback demo skipped: no published product")
        return
    now = timezone.now()
    for i, (stars, body, author, state, reply) in enumerate(COMMENTS):
        product = products[i % len(products)]
        comment = Comment.objects.create(
            product=product,
            stars=stars,
            body=body,
            author_name=author,
            verified=i == 2,
            state=CommentState.PENDING,
            created_at=now - timedelta(days=10 - i),
        )
        official = _official_of(product.business)
        owner = User.objects.filter(organisation=product.business, role="owner").first()
        if state in ("published", "hidden"):
            comments.approve_comment(comment, actor=official)
            Comment.objects.filter(pk=comment.pk).update(published_at=now - timedelta(days=9 - i))
            comment.refresh_from_db()
        if state == "hidden":
            comments.hide_comment(comment, actor=official, reason="Quảng cáo, không phải đánh giá")
        if reply and owner:
            comments.reply(comment, actor=owner, text=reply)
    for i, (kind, description, state, overdue, with_business) in enumerate(CASES):
        product = products[i % len(products)] if with_business else None
        case = actions.file_case(
            kind=kind,
            description=description,
            product=product,
            where="Chợ Trùng Khánh",
            reporter_name="Người tiêu dùng mẫu",
            reporter_phone="0912000000",
            contact_shared=i == 0,
        )
        official = User.objects.filter(organisation=case.agency).order_by("pk").first()
        if state != "received":
            actions.start_handling(case, actor=official, note="Đã liên hệ người phản ánh")
        if state == "handling" and case.business:
            actions.ask_business(case, actor=official, question="Đề nghị cơ sở giải trình.")
        if state == "resolved":
            actions.resolve(case, actor=official, outcome="Cơ sở đã đổi hàng và bổ sung nhãn.")
        if state == "dismissed":
            actions.dismiss(case, actor=official, reason="Không đủ căn cứ, sản phẩm đúng nhãn.")
        if overdue:
            past = timezone.localdate() - timedelta(days=3)
            Case.objects.filter(pk=case.pk).update(deadline=past)
    first = Case.objects.order_by("pk").first()
    ctx.setdefault("try_urls", []).append(("Theo dõi phản ánh", f"/phan-anh/{first.code}/"))
    ctx["log"](f"feedback: {Comment.objects.count()} comments, {Case.objects.count()} cases")
