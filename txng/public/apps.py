from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "txng.public"

    def ready(self):
        from txng.audit.labels import register

        register(
            {
                "public.create_article": _("Đăng bài viết"),
                "public.edit_article": _("Sửa bài viết"),
                "public.create_section": _("Thêm chuyên mục tin"),
                "public.edit_section": _("Sửa chuyên mục tin"),
                "public.create_banner": _("Thêm ảnh quảng bá"),
                "public.edit_banner": _("Sửa ảnh quảng bá"),
                "public.delete_banner": _("Xóa ảnh quảng bá"),
                "public.submit_post": _("Gửi tin cung cầu"),
                "public.approve_post": _("Duyệt tin cung cầu"),
                "public.reject_post": _("Từ chối tin cung cầu"),
                "public.take_down_post": _("Gỡ tin cung cầu"),
            }
        )
