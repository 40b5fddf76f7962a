"""Delegations: which other resolver answers for identifiers this province holds nothing on.

A province's system is asked for GTINs of companies in other provinces and countries. DOST enters
GS1 company prefixes (or longer GTIN/GLN prefixes) and the base URL of the resolver that handles
them; a request for such an identifier that the system has no data on is redirected there,
annotated `gs1:handledBy` (GS1-Conformant Resolver 1.1). The longest matching prefix wins.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from txng.common.access import RestrictedQuerySet

# Where the prefix is read in each primary key: a GTIN-14 and an SSCC carry one digit before the
# company prefix (indicator, extension); a GLN starts with it.
PREFIX_START = {"01": 1, "00": 1, "414": 0, "417": 0}


class DelegationQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        return self.all() if user.is_authenticated and user.is_dost else self.none()

    def manage_rule(self, user):
        return self.visible_to(user)

    def for_key(self, key, value):
        """The delegation with the longest prefix that `value` (of primary key `key`) starts
        with, or None. Read for anonymous requests: the resolver's routing table is public."""
        start = PREFIX_START.get(key)
        if start is None:
            return None
        body = value[start:]
        candidates = [body[:n] for n in range(3, min(len(body), 13) + 1)]
        return self.filter(prefix__in=candidates).order_by("-prefix_length").first()


class Delegation(models.Model):
    prefix = models.CharField(
        _("tiền tố mã"),
        max_length=13,
        unique=True,
        validators=[RegexValidator(r"^\d{3,13}$", _("Tiền tố gồm từ 3 đến 13 chữ số."))],
        help_text=_(
            "Mã doanh nghiệp GS1 (GS1 Company Prefix) hoặc phần đầu dài hơn của GTIN/GLN, "
            "viết như trong GTIN-13 (không có số chỉ báo), ví dụ 8938500."
        ),
    )
    prefix_length = models.PositiveSmallIntegerField(editable=False, default=0)
    resolver_url = models.URLField(
        _("địa chỉ bộ phân giải"),
        max_length=200,
        help_text=_(
            "Địa chỉ gốc https của hệ thống trả lời cho các mã này, ví dụ https://id.gs1.org"
        ),
    )
    name = models.CharField(_("hệ thống"), max_length=120, help_text=_("Ví dụ: TXNG tỉnh Bắc Ninh"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["prefix"]
        verbose_name = _("chuyển tiếp mã GS1")
        verbose_name_plural = _("chuyển tiếp mã GS1")

    def __str__(self):
        return f"{self.prefix} → {self.name}"

    def save(self, *args, **kwargs):
        self.prefix_length = len(self.prefix)
        super().save(*args, **kwargs)

    def clean(self):
        self.resolver_url = (self.resolver_url or "").rstrip("/")
        if self.resolver_url:
            try:
                URLValidator(schemes=["https"])(self.resolver_url)
            except ValidationError:
                raise ValidationError(
                    {"resolver_url": _("Địa chỉ bộ phân giải phải là một địa chỉ https://.")}
                ) from None
            if "?" in self.resolver_url or "#" in self.resolver_url:
                raise ValidationError(
                    {"resolver_url": _("Chỉ nhập địa chỉ gốc, không có tham số (?…) hay #.")}
                )

    def target(self, path, query=""):
        """The same Digital Link on the other resolver: its base URL, the uncompressed path."""
        return f"{self.resolver_url}{path}" + (f"?{query}" if query else "")
