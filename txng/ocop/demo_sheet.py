"""An EXAMPLE score sheet, for the demo and the tests only.

It is NOT the official Annex III of Decision 148/QĐ-TTg (not available to this project): the
parts and sub-groups follow 148 (A 40 / B 25 / C 35), the criteria and points are made up to
have something to score. DOST imports the official sheets (XLSX) before real use."""

EXAMPLE_TITLE = "PHIẾU MẪU MINH HỌA — không phải phiếu chính thức (Phụ lục III, QĐ 148/QĐ-TTg)"
EXAMPLE_SOURCE = "Ví dụ để thử hệ thống; thay bằng phiếu chính thức trước khi dùng"


def _c(part, group, text, *options, bonus=False):
    return {
        "part": part,
        "group": group,
        "text": text,
        "options": [{"label": label, "points": points} for label, points in options],
        "bonus": bonus,
    }


_A1, _A2, _A3 = "Tổ chức sản xuất", "Phát triển sản phẩm", "Sức mạnh cộng đồng"
_B1, _B2 = "Tiếp thị", "Câu chuyện về sản phẩm"
_C1 = "Chỉ tiêu cảm quan, dinh dưỡng, tính độc đáo"
_C2 = "Tiêu chuẩn sản phẩm"
_C3 = "Khả năng xuất khẩu, phân phối tại thị trường quốc tế"

EXAMPLE_CRITERIA = [
    _c(
        "A",
        _A1,
        "Nguồn nguyên liệu",
        ("Ngoài tỉnh", 0),
        ("Một phần trong tỉnh", 1),
        ("Phần lớn trong tỉnh", 3),
        ("Vùng nguyên liệu của cơ sở", 5),
    ),
    _c(
        "A",
        _A1,
        "Liên kết sản xuất",
        ("Không có", 0),
        ("Có liên kết", 2),
        ("Liên kết chuỗi chặt chẽ", 4),
    ),
    _c(
        "A",
        _A1,
        "Bảo vệ môi trường",
        ("Chưa có", 0),
        ("Có kế hoạch", 2),
        ("Có minh chứng áp dụng", 4),
        ("Tái chế phụ phẩm", 5),
    ),
    _c("A", _A1, "Năng lực sản xuất", ("Nhỏ", 1), ("Trung bình", 2), ("Lớn", 4)),
    _c(
        "A",
        _A2,
        "Nguồn gốc ý tưởng sản phẩm",
        ("Sao chép", 0),
        ("Có cải tiến", 2),
        ("Ý tưởng riêng gắn đặc sản địa phương", 4),
    ),
    _c(
        "A",
        _A2,
        "Bao bì, nhãn",
        ("Đơn giản, nhãn thiếu", 0),
        ("Nhãn đầy đủ", 2),
        ("Nhãn đầy đủ, có truy xuất nguồn gốc", 4),
    ),
    _c("A", _A2, "Sở hữu trí tuệ", ("Chưa có", 0), ("Đã nộp đơn", 2), ("Có văn bằng bảo hộ", 3)),
    _c("A", _A3, "Loại hình tổ chức", ("Hộ kinh doanh", 1), ("Doanh nghiệp", 3), ("Hợp tác xã", 5)),
    _c(
        "A",
        _A3,
        "Sử dụng lao động địa phương",
        ("Dưới một nửa", 0),
        ("Từ một nửa", 2),
        ("Phần lớn", 3),
    ),
    _c("A", _A3, "Kế toán", ("Không có", 0), ("Có kế toán", 1), ("Có hệ thống kế toán", 3)),
    _c(
        "A",
        _A3,
        "Chủ thể là phụ nữ hoặc đồng bào dân tộc thiểu số (điểm cộng minh họa)",
        ("Không", 0),
        ("Có", 1),
        bonus=True,
    ),
    _c(
        "B",
        _B1,
        "Khu vực phân phối",
        ("Trong xã", 1),
        ("Trong tỉnh", 3),
        ("Ngoài tỉnh, quốc tế", 5),
    ),
    _c(
        "B",
        _B1,
        "Quảng bá sản phẩm",
        ("Không có", 0),
        ("Một số hoạt động", 2),
        ("Nhiều hoạt động, có trang web", 5),
    ),
    _c(
        "B",
        _B1,
        "Tổ chức bán hàng",
        ("Không có người phụ trách", 0),
        ("Có người phụ trách", 3),
        ("Có bộ phận, dùng công nghệ số", 5),
    ),
    _c(
        "B",
        _B2,
        "Câu chuyện sản phẩm",
        ("Không có", 0),
        ("Có tài liệu giới thiệu", 2),
        ("Được tư liệu hóa, trên nhãn và trang web", 5),
    ),
    _c(
        "B",
        _B2,
        "Bản sắc địa phương",
        ("Giống nơi khác", 0),
        ("Có câu chuyện riêng", 3),
        ("Thể hiện bản sắc địa phương", 5),
    ),
    _c("C", _C1, "Cảm quan", ("Kém", 0), ("Chấp nhận được", 3), ("Tốt", 6), ("Rất tốt", 10)),
    _c(
        "C", _C1, "Dinh dưỡng", ("Không công bố", 0), ("Có 1–2 chỉ tiêu", 2), ("Trên 2 chỉ tiêu", 3)
    ),
    _c("C", _C1, "Tính độc đáo", ("Trung bình", 0), ("Tương đối độc đáo", 2), ("Độc đáo", 5)),
    _c(
        "C",
        _C2,
        "Công bố tiêu chuẩn",
        ("Chưa có", 0),
        ("Có tiêu chuẩn cơ sở", 2),
        ("Có công bố chất lượng", 4),
    ),
    _c(
        "C",
        _C2,
        "Kiểm tra an toàn thực phẩm định kỳ",
        ("Không có", 0),
        ("Có, chưa đủ", 2),
        ("Đủ chỉ tiêu, đạt", 4),
    ),
    _c(
        "C",
        _C2,
        "Quản lý chất lượng",
        ("Không có", 0),
        ("Có hồ sơ lô", 2),
        ("Có chứng nhận (VietGAP, hữu cơ…)", 4),
    ),
    _c(
        "C",
        _C3,
        "Khả năng xuất khẩu",
        ("Chưa", 0),
        ("Thị trường khu vực", 3),
        ("Thị trường tiêu chuẩn cao", 5),
    ),
]
