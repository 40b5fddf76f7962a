"""The JSON API under /api/v1/ (django-ninja). Each app contributes a router from its api.py."""

from ninja import NinjaAPI

from txng.common.ids import is_id_overflow

api = NinjaAPI(
    title="txng API",
    version="1",
    description="Truy xuất nguồn gốc sản phẩm, hàng hóa — dữ liệu công khai và EPCIS 2.0.",
    docs_url="/docs",
    urls_namespace="api",
)


@api.exception_handler(OverflowError)
def _id_out_of_range(request, exc):
    if not is_id_overflow(exc):
        raise exc
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


def _mount():
    from txng.catalog.api import router as catalog
    from txng.catalog.key_api import router as own_catalog
    from txng.tracing.api import router as tracing

    api.add_router("/", catalog)
    api.add_router("/", own_catalog)
    api.add_router("/", tracing)


_mount()
