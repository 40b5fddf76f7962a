"""Demo organisations and logins for the configured province."""

from django.conf import settings
from stdnum.vn import mst

from txng.accounts.models import BusinessType, Organisation, OrgKind, Role, User


def demo_tax_code(n):
    """A valid, obviously fictional tax code: 0999 followed by n, with the right check digit."""
    body = f"0999{n:05d}"
    return body + mst.calc_check_digit(body)


def _user(username, org, role, full_name, email=""):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "organisation": org,
            "role": role,
            "full_name": full_name,
            "email": email or f"{username}@demo.txng.vn",
        },
    )
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
    return user


def _org(kind, name, **fields):
    org, _ = Organisation.objects.get_or_create(kind=kind, name=name, defaults=fields)
    return org


BUSINESSES = [
    # (n, name, type, commune index, managing department index, status, owner username)
    (
        1,
        "Hợp tác xã Nông nghiệp Hạt dẻ Trùng Khánh",
        BusinessType.COOPERATIVE,
        1,
        0,
        "active",
        "business",
    ),
    (2, "Công ty TNHH Thực phẩm Non Nước", BusinessType.ENTERPRISE, 0, 1, "active", "business2"),
    (
        3,
        "Hộ kinh doanh Nông Văn Phúc (miến dong)",
        BusinessType.HOUSEHOLD,
        2,
        0,
        "active",
        "hophuc",
    ),
    (
        4,
        "Hợp tác xã Chè Shan tuyết Phja Đén",
        BusinessType.COOPERATIVE,
        2,
        0,
        "active",
        "chephjaden",
    ),
    (
        5,
        "Công ty Cổ phần Phân phối Nông sản Biên Cương",
        BusinessType.ENTERPRISE,
        0,
        1,
        "active",
        "biencuong",
    ),
    (6, "Cửa hàng Đặc sản Thục Phán", BusinessType.HOUSEHOLD, 0, 1, "active", "thucphan"),
    (7, "Hộ kinh doanh Lý Thị Mai (mật ong)", BusinessType.HOUSEHOLD, 3, 2, "locked", "lymai"),
    (8, "Công ty TNHH Rượu men lá Hòa An", BusinessType.ENTERPRISE, 4, 1, "revoked", "ruouhoaan"),
]


def load(ctx):
    province = ctx["province"]
    dost = _org(
        OrgKind.DOST,
        province.dost_name,
        short_name="Sở KH&CN",
        email="skhcn@demo.txng.vn",
        phone="0206 3852 000",
    )
    _user("dost", dost, Role.HEAD, "Nguyễn Minh Quân (Sở KH&CN)")
    departments = [
        _org(OrgKind.DEPARTMENT, name, short_name=short, email=f"{short.lower()}@demo.txng.vn")
        for name, short in province.departments
    ]
    _user("department", departments[0], Role.HEAD, "Hoàng Thị Lan (Sở NN&MT)")
    unit = _org(
        OrgKind.DEPARTMENT,
        "Chi cục Chất lượng, Chế biến và Phát triển thị trường",
        parent=departments[0],
        short_name="Chi cục CL",
    )
    _user("department-unit", unit, Role.OFFICER, "Đàm Văn Hưng (Chi cục CL)")
    for i, dept in enumerate(departments[1:], start=2):
        _user(f"department{i}", dept, Role.HEAD, f"Lãnh đạo {dept.short_name}")
    communes = [_org(OrgKind.COMMUNE, name) for name in province.communes]
    _user("commune", communes[1], Role.HEAD, f"Chủ tịch UBND {communes[1].name}")
    for i, commune in enumerate(communes[2:], start=2):
        _user(f"commune{i}", commune, Role.OFFICER, f"Cán bộ {commune.name}")

    businesses = []
    for n, name, btype, commune_i, dept_i, status, owner in BUSINESSES:
        commune = communes[commune_i]
        biz, created = Organisation.objects.get_or_create(
            kind=OrgKind.BUSINESS,
            tax_code=demo_tax_code(n),
            defaults={
                "name": name,
                "business_type": btype,
                "commune": commune,
                "address": f"Thôn {n}, {commune.name}, tỉnh {province.name}",
                "phone": f"09{n:02d} 123 456",
                "email": f"{owner}@demo.txng.vn",
                "representative": [
                    "Nông Văn Dũng",
                    "Lương Thị Hoa",
                    "Nông Văn Phúc",
                    "Triệu Văn Sơn",
                    "Bế Thị Thu",
                    "Hoàng Văn Tùng",
                    "Lý Thị Mai",
                    "Đinh Công Hòa",
                ][n - 1],
                "status": status,
                "status_reason": {
                    "locked": "Đăng thông tin hạn sử dụng không đúng thực tế (đang xác minh).",
                    "revoked": "Cơ sở đã giải thể, ngừng tham gia hệ thống.",
                }.get(status, ""),
            },
        )
        if created:
            biz.managers.set([commune, departments[dept_i]])
        _user(owner, biz, Role.OWNER, biz.representative, email=biz.email)
        businesses.append(biz)
    _user("staff", businesses[0], Role.STAFF, "Nông Thị Hằng (nhân viên HTX)")

    ctx.update(dost=dost, departments=departments, communes=communes, businesses=businesses)
    ctx.setdefault("logins", []).extend(
        [
            ("dost", f"{dost.name} — quản trị hệ thống"),
            ("department", departments[0].name),
            ("commune", communes[1].name),
            ("business", businesses[0].name),
            ("business2", businesses[1].name),
        ]
    )
