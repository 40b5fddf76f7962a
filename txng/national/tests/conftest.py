import json
import threading
import urllib.request
from datetime import date

import pytest

from txng.catalog.models import Document, Facility, Product
from txng.national import emulator
from txng.national.models import Adapter, Hub
from txng.tracing import actions as tracing


@pytest.fixture
def hub_emulator():
    """The emulator in a thread of this process, on a free loopback port."""
    emulator.STATE.reset()
    server = emulator.serve(port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    yield Emulator(base)
    server.shutdown()
    server.server_close()


class Emulator:
    def __init__(self, base):
        self.base = base

    def control(self, **data):
        req = urllib.request.Request(
            self.base + "/_control", data=json.dumps(data).encode(), method="POST"
        )
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read())

    def received(self):
        with urllib.request.urlopen(self.base + "/_received", timeout=5) as resp:
            return json.loads(resp.read())


@pytest.fixture
def credentials(settings):
    settings.NATIONAL_HUB_CREDENTIALS = {
        "nbc": {"client_id": emulator.CLIENT_ID, "client_secret": emulator.CLIENT_SECRET},
        "epcis": {"client_id": emulator.CLIENT_ID, "client_secret": emulator.CLIENT_SECRET},
    }
    settings.NATIONAL_RETRY_BASE = 0
    settings.NATIONAL_POLL_SECONDS = 0


@pytest.fixture
def nbc(db, hub_emulator, credentials):
    return Hub.objects.create(
        code="nbc",
        name="Cổng TXNG quốc gia",
        adapter=Adapter.NBC,
        enabled=True,
        url=hub_emulator.base + "/nbc",
        token_url=hub_emulator.base + "/oauth/token",
    )


@pytest.fixture
def epcis_hub(db, hub_emulator, credentials):
    return Hub.objects.create(
        code="epcis",
        name="NDATrace (EPCIS)",
        adapter=Adapter.EPCIS,
        enabled=True,
        url=hub_emulator.base + "/epcis",
        token_url=hub_emulator.base + "/oauth/token",
    )


@pytest.fixture
def file_hub(db, tmp_path):
    return Hub.objects.create(
        code="tay", name="Tải lên thủ công", adapter=Adapter.FILE, enabled=True, url=str(tmp_path)
    )


@pytest.fixture
def product(business):
    facility = Facility.objects.create(
        business=business, name="Vườn Đình Phong", kind="farm", address="Trùng Khánh, Cao Bằng"
    )
    return Product.objects.create(
        business=business,
        name="Hạt dẻ Trùng Khánh",
        gtin="8930000000019",
        facility=facility,
        unit="kg",
        description="Hạt dẻ rang",
        storage="Bảo quản nơi khô ráo",
        state="published",
        published_at="2026-01-01T00:00:00+07:00",
    )


@pytest.fixture
def certificate(product):
    return Document.objects.create(
        business=product.business,
        product=product,
        kind="conformity",
        number="HQ-01/2026",
        issuer="Chi cục TĐC",
        file="catalog/documents/x.pdf",
        approved=True,
    )


@pytest.fixture
def lot(biz_owner, product):
    return tracing.create_lot(
        actor=biz_owner,
        product=product,
        code="HD-01",
        quantity=100,
        production_date=date(2026, 1, 2),
        expiry_date=date(2026, 12, 31),
    )
