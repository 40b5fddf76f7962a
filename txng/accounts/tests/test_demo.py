import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from txng.accounts.models import BusinessType, Organisation, OrgKind, OrgStatus, User
from txng.enrolment.models import DossierState

pytestmark = pytest.mark.django_db


def _counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m.__module__.startswith("txng.")
    }


@pytest.mark.parametrize("province", ["cao-bang", "bac-ninh"])
def test_demo_loads_every_role_and_state_and_twice_adds_nothing(settings, province):
    settings.DEBUG = True
    settings.TXNG_PROVINCE = province
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first

    assert Organisation.objects.filter(kind=OrgKind.DEPARTMENT, parent=None).count() >= 3
    assert Organisation.objects.filter(kind=OrgKind.COMMUNE).count() >= 4
    businesses = Organisation.objects.businesses()
    assert businesses.count() >= 6
    assert set(businesses.values_list("business_type", flat=True)) == set(BusinessType.values)
    assert {OrgStatus.ACTIVE, OrgStatus.LOCKED, OrgStatus.REVOKED} <= set(
        businesses.values_list("status", flat=True)
    )
    from txng.enrolment.models import Dossier

    assert set(Dossier.objects.values_list("state", flat=True)) == set(DossierState.values)
    for username in ["dost", "department", "commune", "business", "business2"]:
        assert User.objects.get(username=username).check_password(settings.DEMO_PASSWORD)

    # Every business that orders stamps, the "business" login's included, has scans to look at,
    # spread over days and places; one stamp is scanned past the signal threshold.
    from txng.stamps.models import PrintOrder, Scan, Signal, SignalKind

    grower = User.objects.get(username="business").organisation
    ordering = set(PrintOrder.objects.values_list("business", flat=True))
    assert grower.pk in ordering and len(ordering) >= 3
    assert set(Scan.objects.values_list("business", flat=True)) == ordering
    assert Scan.objects.dates("at", "day").count() >= 7
    assert Scan.objects.exclude(province="").values("province").distinct().count() >= 3
    assert Signal.objects.filter(kind=SignalKind.MANY_SCANS).count() == 1


def test_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")
