"""Province profiles: what differs between provinces is configuration, not a fork.

TXNG_PROVINCE picks one. The demo loader uses the departments and communes listed here;
a real deployment creates its own through /manage/.
"""

from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class Province:
    slug: str
    name: str
    # The province's letters in the internal trace codes it issues (VN.CB.…), so codes of two
    # provinces' systems never collide.
    code: str
    dost_name: str
    domain: str
    app_name: str
    decision: str
    logo: str
    # Cao Bằng Art. 6.1 lets a business file with DOST or its managing agency; Bắc Ninh Art. 10
    # sends every dossier to the managing agency, which approves it.
    dossiers_to_dost: bool = True
    departments: list = field(default_factory=list)
    communes: list = field(default_factory=list)


PROVINCES = {
    "cao-bang": Province(
        slug="cao-bang",
        name="Cao Bằng",
        code="CB",
        dost_name="Sở Khoa học và Công nghệ tỉnh Cao Bằng",
        domain="truyxuatnguongoc.caobang.gov.vn",
        app_name="Truy xuất Cao Bằng",
        decision="Quyết định 2199/QĐ-UBND ngày 22/12/2025",
        logo="txng/logo-cao-bang.svg",
        departments=[
            ("Sở Nông nghiệp và Môi trường", "SNNMT"),
            ("Sở Công Thương", "SCT"),
            ("Sở Y tế", "SYT"),
        ],
        communes=[
            "Phường Thục Phán",
            "Xã Trùng Khánh",
            "Xã Nguyên Bình",
            "Xã Quảng Uyên",
            "Xã Hòa An",
        ],
    ),
    "bac-ninh": Province(
        slug="bac-ninh",
        name="Bắc Ninh",
        code="BN",
        dost_name="Sở Khoa học và Công nghệ tỉnh Bắc Ninh",
        domain="check.bacninh.gov.vn",
        app_name="bncheck",
        decision="Quyết định 508/QĐ-UBND ngày 02/12/2021",
        logo="txng/logo-bac-ninh.svg",
        dossiers_to_dost=False,
        departments=[
            ("Sở Nông nghiệp và Môi trường", "SNNMT"),
            ("Sở Công Thương", "SCT"),
            ("Sở Y tế", "SYT"),
            ("Ban Quản lý An toàn thực phẩm tỉnh", "BQLATTP"),
        ],
        communes=[
            "Phường Kinh Bắc",
            "Phường Từ Sơn",
            "Xã Tiên Du",
            "Xã Quế Võ",
            "Xã Gia Bình",
        ],
    ),
}


def current():
    return PROVINCES.get(settings.TXNG_PROVINCE, PROVINCES["cao-bang"])


def site_url():
    """Scheme and host of the site, for links that leave it (QR codes, emails). SITE_DOMAIN is
    a bare domain (https is assumed) or a full base URL: the demo sets it to where it is served
    (`make demo`, `load_demo --base-url`), so a printed demo stamp opens the demo itself."""
    value = (settings.SITE_DOMAIN or current().domain).rstrip("/")
    return value if value.startswith(("http://", "https://")) else f"https://{value}"


def site_domain():
    """The host part of site_url(), with its port if any."""
    return site_url().split("://", 1)[1]
