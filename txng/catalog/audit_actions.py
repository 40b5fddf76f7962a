"""What catalog writes to the audit log: each action's stored code and the name officials read.

record() takes only members of a registered AuditAction, so a misspelt or unnamed action
fails where it is written, not on the log page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE_PRODUCT = "catalog.create_product", _("Tạo sản phẩm")
    EDIT_PRODUCT = "catalog.edit_product", _("Sửa sản phẩm (bản nháp)")
    EDIT_PROFILE = "catalog.edit_profile", _("Sửa hồ sơ cơ sở (bản nháp)")
    SUBMIT = "catalog.submit", _("Gửi duyệt nội dung")
    APPROVE = "catalog.approve", _("Duyệt nội dung")
    REJECT = "catalog.reject", _("Từ chối nội dung")
    TAKE_DOWN = "catalog.take_down", _("Gỡ sản phẩm")
    SET_OCOP_STARS = "catalog.set_ocop_stars", _("Xác nhận sao OCOP của sản phẩm")
    TAKE_DOWN_PROFILE = "catalog.take_down_profile", _("Gỡ trang cơ sở")
    ADD_IMAGE = "catalog.add_image", _("Thêm ảnh sản phẩm")
    REMOVE_IMAGE = "catalog.remove_image", _("Xóa ảnh sản phẩm")
    ADD_DOCUMENT = "catalog.add_document", _("Thêm tài liệu")
    REMOVE_DOCUMENT = "catalog.remove_document", _("Xóa tài liệu")
    CREATE_FACILITY = "catalog.create_facility", _("Thêm địa điểm")
    EDIT_FACILITY = "catalog.edit_facility", _("Sửa địa điểm")
    CREATE_CATEGORY = "catalog.create_category", _("Thêm danh mục")
    EDIT_CATEGORY = "catalog.edit_category", _("Sửa danh mục")
    FEATURE = "catalog.feature", _("Đổi sản phẩm tiêu biểu")
    REMIND_EXPIRING = "catalog.remind_expiring", _("Nhắc tài liệu sắp hết hiệu lực")


GROUP = _("Sản phẩm, nội dung")
