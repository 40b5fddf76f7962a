import factory
from stdnum.vn import mst

from txng.accounts.models import BusinessType, Organisation, OrgKind, User

PASSWORD = "Mật-khẩu-thử-nghiệm-2026"


def valid_tax_code(n):
    """A valid, unique tax code for sequence number n.

    About one body in eleven has no valid check digit (the sum leaves remainder 0), so the
    two-digit prefix moves on until it has one; the seven digits after it keep codes unique.
    """
    for prefix in range(1, 100):
        code = f"{prefix:02d}{n:07d}" + mst.calc_check_digit(f"{prefix:02d}{n:07d}")
        if mst.is_valid(code):
            return code
    raise AssertionError(n)


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrgKind.DEPARTMENT
    name = factory.Sequence(lambda n: f"Cơ quan {n}")


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrgKind.BUSINESS
    business_type = BusinessType.COOPERATIVE
    name = factory.Sequence(lambda n: f"Hợp tác xã số {n}")
    tax_code = factory.Sequence(lambda n: valid_tax_code(n + 100))
    address = "Thôn Bản Giốc"
    email = factory.Sequence(lambda n: f"biz{n}@example.vn")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    full_name = factory.LazyAttribute(lambda u: f"Người dùng {u.username}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
