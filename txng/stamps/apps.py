from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class StampsConfig(AppConfig):
    name = "txng.stamps"

    def ready(self):
        from txng.accounts.models import Organisation
        from txng.audit.labels import register
        from txng.catalog.models import Facility, Product
        from txng.stamps import checks  # noqa: F401  (registers the shared-cache check)
        from txng.stamps.lookup import bump_order_version
        from txng.stamps.models import PrintOrder

        # The scan page caches each print order with its product, producer and facility.
        for model in (PrintOrder, Product, Organisation, Facility):
            post_save.connect(bump_order_version, sender=model, dispatch_uid=f"scan-{model}")
            post_delete.connect(bump_order_version, sender=model, dispatch_uid=f"scan-{model}d")
        register(
            {
                "stamps.order_submit": _("Đặt in tem"),
                "stamps.order_approve": _("Duyệt đơn in tem"),
                "stamps.order_reject": _("Từ chối đơn in tem"),
                "stamps.order_cancel": _("Hủy đơn in tem"),
                "stamps.order_ready": _("Đã tạo xong tệp in tem"),
                "stamps.download": _("Tải tệp in tem"),
                "stamps.activate": _("Kích hoạt tem"),
                "stamps.void": _("Hủy tem"),
                "stamps.set_quota": _("Đặt hạn mức tem"),
                "stamps.delegate": _("Ủy quyền duyệt đơn in tem"),
                "stamps.fake_report": _("Phản ánh nghi hàng giả"),
            }
        )
