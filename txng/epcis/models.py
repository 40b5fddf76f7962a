"""API keys, capture jobs, named queries and their subscriptions (EPCIS 2.0 REST binding).

The events themselves live in tracing's one event table; nothing here copies them.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from txng.common.access import RestrictedQuerySet


class Scope(models.TextChoices):
    CAPTURE = "capture", _("Gửi sự kiện (capture)")
    QUERY = "query", _("Truy vấn sự kiện (query)")
    CATALOG = "catalog", _("Đọc danh mục sản phẩm")
    # national's sector API: an authority's software sends the sector's organisations and
    # products (checked through txng.common.api_keys, national does not import epcis).
    SECTOR = "sector", _("Gửi dữ liệu ngành (cơ quan quản lý)")


class OrganisationOwnedQuerySet(RestrictedQuerySet):
    """Keys, jobs and queries belong to one organisation; only its members see them."""

    def visible_to(self, user):
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        return self.filter(organisation=user.organisation_id)


class ApiKey(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="api_keys"
    )
    # The key acts as the person who made it: what it may see is what they may see, and it stops
    # working when they leave the organisation.
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên khóa"), max_length=100)
    scopes = models.JSONField(_("quyền"), default=list)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The rate limit's count for the current minute, kept on the key's own row: one UPDATE per
    # request counts it, where the database cache took eleven statements.
    use_minute = models.BigIntegerField(default=0, editable=False)
    use_count = models.IntegerField(default=0, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        ordering = ["revoked_at", "-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self):
        return self.revoked_at is None

    def scope_labels(self):
        return [Scope(s).label for s in self.scopes if s in Scope.values]


class ErrorBehaviour(models.TextChoices):
    ROLLBACK = "rollback", "rollback"
    PROCEED = "proceed", "proceed"


def new_capture_id():
    return secrets.token_hex(12)


class CaptureJob(models.Model):
    capture_id = models.CharField(max_length=32, unique=True, default=new_capture_id)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="capture_jobs"
    )
    api_key = models.ForeignKey(ApiKey, null=True, on_delete=models.SET_NULL, related_name="+")
    # The document's JSON text as sent (EPCIS XML: as converted); dropped (None)
    # EPCIS_CAPTURE_DOCUMENT_DAYS after the job finished. Text, not jsonb: only the task worker
    # reads it, whole, once, so PostgreSQL parsing it on the way in and writing it out again on
    # the way back was a tenth of a capture's server time for nothing (bench/epcis.py).
    document = models.TextField(null=True, editable=False)  # the request's, never typed
    error_behaviour = models.CharField(
        max_length=8, choices=ErrorBehaviour.choices, default=ErrorBehaviour.ROLLBACK
    )
    running = models.BooleanField(default=True)
    success = models.BooleanField(default=True)
    errors = models.JSONField(default=list)
    captured = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["finished_at"], name="capture_job_finished")]

    def __str__(self):
        return self.capture_id


class NamedQuery(models.Model):
    """A saved EPCIS query (`/epcis/queries/{name}`), private to its organisation."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="epcis_queries"
    )
    name = models.CharField(max_length=100)
    query = models.JSONField()
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="epcis_query_name_once")
        ]

    def __str__(self):
        return self.name


class Subscription(models.Model):
    """A webhook told of new events that match a named query (a stream subscription). Each
    delivery is signed with the subscriber's token (GS1-Signature: HMAC-SHA256 of the body)."""

    subscription_id = models.CharField(max_length=32, unique=True, default=new_capture_id)
    query = models.ForeignKey(NamedQuery, on_delete=models.CASCADE, related_name="subscriptions")
    dest = models.URLField(max_length=500)
    signature_token = models.CharField(max_length=200)
    report_if_empty = models.BooleanField(default=False)
    # Events recorded after this moment go in the next delivery.
    after = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.query} → {self.dest}"
