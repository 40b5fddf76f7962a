from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "txng.tracing"

    def ready(self):
        from txng.audit.labels import register
        from txng.catalog import journeys
        from txng.tracing.cache import bump_trace_version, trace_version
        from txng.tracing.queries import public_timeline

        journeys.register(steps=public_timeline, version=trace_version)
        from txng.tracing.models import Event, EventLot, LotLink, Recall, RecallLot

        # Saves and deletes one by one (the admin, corrections); bulk writes call
        # bump_trace_version themselves.
        for model in (Event, EventLot, LotLink, Recall, RecallLot):
            post_save.connect(bump_trace_version, sender=model, dispatch_uid=f"trace-{model}")
            post_delete.connect(bump_trace_version, sender=model, dispatch_uid=f"trace-{model}d")
        register(
            {
                "tracing.create_lot": _("Tạo lô hàng"),
                "tracing.diary": _("Ghi nhật ký sản xuất"),
                "tracing.ship": _("Xuất hàng"),
                "tracing.receive": _("Xác nhận nhận hàng"),
                "tracing.return": _("Trả lại hàng"),
                "tracing.transform": _("Chế biến, phối trộn"),
                "tracing.adjust": _("Điều chỉnh tồn kho"),
                "tracing.destroy": _("Tiêu hủy hàng"),
                "tracing.finish_lot": _("Kết thúc lô hàng"),
                "tracing.declare_error": _("Khai báo ghi nhầm"),
                "tracing.import": _("Nhập dữ liệu từ tệp"),
                "tracing.process": _("Tạo quy trình sản xuất"),
                "tracing.purge": _("Xóa lô hết hạn lưu trữ"),
                "tracing.request": _("Yêu cầu truy xuất"),
                "tracing.answer": _("Trả lời yêu cầu truy xuất"),
                "tracing.recall": _("Thu hồi lô hàng"),
                "tracing.recall_complete": _("Báo cáo hoàn tất thu hồi"),
                "tracing.recall_lift": _("Chấm dứt thu hồi"),
                "tracing.recall_export": _("Tải danh sách nơi giữ hàng của đợt thu hồi"),
                "tracing.retention": _("Đặt thời hạn lưu trữ hồ sơ lô"),
                "tracing.retention_clear": _("Bỏ thời hạn lưu trữ riêng của danh mục"),
            }
        )
