"""Demo dossiers: one or more in every review state, addressed to DOST and to agencies."""

from txng.accounts.demo import demo_tax_code
from txng.accounts.models import BusinessType, User
from txng.common.demo_files import pdf_upload
from txng.enrolment import actions
from txng.enrolment.models import Dossier, Purpose

APPLICANTS = [
    # (n, name, type, commune index, addressed to ("dost" or department index), what happens)
    (21, "Hợp tác xã Miến dong Phja Đén", BusinessType.COOPERATIVE, 2, "dost", "submitted"),
    (
        22,
        "Hộ kinh doanh Hà Văn Kiên (lạp sườn hun khói)",
        BusinessType.HOUSEHOLD,
        1,
        0,
        "submitted",
    ),
    (23, "Công ty TNHH Trà hoa vàng Bảo Lạc", BusinessType.ENTERPRISE, 3, 1, "needs_supplement"),
    (
        24,
        "Hộ kinh doanh Nông Thị Nguyệt (bánh cuốn khô)",
        BusinessType.HOUSEHOLD,
        4,
        "dost",
        "resubmitted",
    ),
    (25, "Cơ sở rượu ngô Ngọc Côn", BusinessType.HOUSEHOLD, 1, "commune", "rejected"),
    (26, "Hợp tác xã Rau an toàn Hòa Chung", BusinessType.COOPERATIVE, 0, 0, "approved"),
]


def load(ctx):
    dost_user = User.objects.get(username="dost")
    for n, name, btype, commune_i, to, outcome in APPLICANTS:
        tax_code = demo_tax_code(n)
        if Dossier.objects.filter(tax_code=tax_code).exists():
            continue
        commune = ctx["communes"][commune_i]
        if to == "dost" and not ctx["province"].dossiers_to_dost:
            to = 0
        addressed_to = {"dost": ctx["dost"], "commune": commune}.get(to)
        addressed_to = addressed_to or ctx["departments"][to]
        dossier = actions.submit_dossier(
            Dossier(
                addressed_to=addressed_to,
                name=name,
                address=f"Xóm {n}, {commune.name}",
                commune=commune,
                phone=f"0912 000 0{n}",
                email=f"hoso{n}@demo.txng.vn",
                tax_code=tax_code,
                representative="Người đại diện " + name.split()[-1].strip("()"),
                business_type=btype,
                production_area="1,2 ha",
                capacity="5 tấn/năm",
                products="Sản phẩm đặc sản địa phương",
                purposes=[Purpose.REPUTATION, Purpose.TRANSPARENCY],
                commitment=True,
                privacy_consent=True,
                licence=pdf_upload(f"giay-phep-{n}.pdf"),
            )
        )
        reviewer = dost_user
        if outcome in ("needs_supplement", "resubmitted"):
            actions.ask_supplement(
                dossier,
                actor=reviewer,
                reason="Giấy chứng nhận đăng ký kinh doanh bị mờ, đề nghị tải lại bản rõ nét.",
            )
        if outcome == "resubmitted":
            actions.resubmit_dossier(
                dossier,
                changes={"note": "Đã tải lại bản scan rõ nét."},
                licence=pdf_upload(f"giay-phep-{n}-moi.pdf"),
            )
        if outcome == "rejected":
            actions.reject_dossier(
                dossier,
                actor=reviewer,
                reason="Sản phẩm rượu chưa có giấy phép sản xuất rượu thủ công.",
            )
        if outcome == "approved":
            actions.approve_dossier(dossier, actor=reviewer, note="Hồ sơ đầy đủ, hợp lệ.")
