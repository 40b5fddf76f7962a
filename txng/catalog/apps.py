from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "txng.catalog"

    def ready(self):
        from txng.accounts.models import Organisation
        from txng.audit.labels import register
        from txng.catalog.models import business_url

        # A business's public page belongs to the catalog; accounts need not know about it.
        if not hasattr(Organisation, "get_absolute_url"):
            Organisation.get_absolute_url = business_url
        register(
            {
                "catalog.create_product": _("Tạo sản phẩm"),
                "catalog.edit_product": _("Sửa sản phẩm (bản nháp)"),
                "catalog.edit_profile": _("Sửa hồ sơ cơ sở (bản nháp)"),
                "catalog.submit": _("Gửi duyệt nội dung"),
                "catalog.approve": _("Duyệt nội dung"),
                "catalog.reject": _("Từ chối nội dung"),
                "catalog.take_down": _("Gỡ sản phẩm"),
                "catalog.set_ocop_stars": _("Xác nhận sao OCOP của sản phẩm"),
                "catalog.take_down_profile": _("Gỡ trang cơ sở"),
                "catalog.add_image": _("Thêm ảnh sản phẩm"),
                "catalog.remove_image": _("Xóa ảnh sản phẩm"),
                "catalog.add_document": _("Thêm tài liệu"),
                "catalog.remove_document": _("Xóa tài liệu"),
                "catalog.create_facility": _("Thêm địa điểm"),
                "catalog.edit_facility": _("Sửa địa điểm"),
                "catalog.create_category": _("Thêm danh mục"),
                "catalog.edit_category": _("Sửa danh mục"),
                "catalog.feature": _("Đổi sản phẩm tiêu biểu"),
                "catalog.remind_expiring": _("Nhắc tài liệu sắp hết hiệu lực"),
            }
        )
