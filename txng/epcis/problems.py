"""RFC 7807 problem documents with the exception types of the EPCIS 2.0 REST binding."""

from django.http import JsonResponse

CONTENT_TYPE = "application/problem+json"


class Problem(Exception):  # noqa: N818 (the standard's word)
    def __init__(self, kind, detail, status=400, *, title=None, instance=None):
        super().__init__(detail)
        self.kind, self.detail, self.status = kind, detail, status
        self.title = title or TITLES.get(kind, kind)
        self.instance = instance

    def as_dict(self):
        body = {
            "type": f"epcisException:{self.kind}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.instance:
            body["instance"] = self.instance
        return body


TITLES = {
    "ValidationException": "Dữ liệu EPCIS không hợp lệ",
    "SecurityException": "Không được phép",
    "NoSuchResourceException": "Không tìm thấy",
    "NoSuchNameException": "Không có truy vấn tên này",
    "QueryParameterException": "Tham số truy vấn không hợp lệ",
    "QueryTooLargeException": "Kết quả quá lớn",
    "CaptureLimitExceededException": "Vượt giới hạn gửi",
    "UnsupportedMediaTypeException": "Định dạng không hỗ trợ",
    "NotAcceptableException": "Không có định dạng phù hợp",
    "ResourceAlreadyExistsException": "Đã tồn tại",
    "ImplementationException": "Lỗi máy chủ",
    "SubscriptionControlsException": "Đăng ký không hợp lệ",
}


def response(problem, headers=None):
    result = JsonResponse(problem.as_dict(), status=problem.status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        result[name] = value
    return result
