"""Who may see which tracing rows (DESIGN.md: all user-dependent reads go through visible_to)."""

from django.db.models import Case, Q, When

from txng.accounts.querysets import BusinessOwnedQuerySet
from txng.common.access import RestrictedQuerySet


def _managed_business_ids(user):
    from txng.accounts.models import Organisation

    return Organisation.objects.managed_by(user.organisation).values("pk")


class LotQuerySet(BusinessOwnedQuerySet):
    """A business: its own lots; an authority: lots of businesses it manages; DOST: all."""

    def public(self):
        """Lots the public may trace: those of a product that is published now (approved, not
        taken down, producer active). A draft's lot stays private even with a printed code."""
        from txng.catalog.models import Product

        return self.filter(product__in=Product.objects.published())

    def by_trace_code(self, code, holder=""):
        """Lots carrying `code`, the producer's first: a received lot of a GTIN product carries
        its producer's code, and a lookup by code starts from the producer's lot, whose chain
        reaches the holders' lots. `holder` (a business's ref, as a held lot's page link
        carries it) puts that business's lot first."""
        ordering = ["-producer_lot", "pk"]
        if holder:
            ordering.insert(0, Case(When(business__ref=holder, then=0), default=1))
        if code.startswith("VN."):  # maybe a received lot's code from before it took its label's
            return self.filter(Q(trace_code=code) | Q(former_trace_code=code)).order_by(*ordering)
        return self.filter(trace_code=code).order_by(*ordering)

    def public_or_visible_to(self, user):
        """What a trace by code may show `user`: public lots, and their own or managed ones."""
        if not user.is_authenticated:
            return self.public()
        return self.filter(Q(pk__in=self.public().values("pk")) | Q(pk__in=self.visible_to(user)))


class VisibleToBusinessQuerySet(RestrictedQuerySet):
    """Rows carrying `business` (or `owner`): the owner sees them, managing authorities too."""

    owner_field = "business"

    def visible_to(self, user):
        field = "owner" if "owner" in {f.name for f in self.model._meta.fields} else "business"
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        if user.is_dost:
            return self.all()
        if user.is_authority:
            return self.filter(
                Q(**{f"{field}__in": _managed_business_ids(user)})
                | Q(**{field: user.organisation.root})
            )
        if field == "owner":
            # Templates: a business's own, and the standard ones authorities have published.
            return self.filter(Q(owner=user.organisation_id) | Q(published=True))
        return self.filter(**{field: user.organisation_id})


class TracingRequestQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        """DOST: all; an authority: the requests it sent; a business: those sent to it."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        if user.is_dost:
            return self.all()
        if user.is_authority:
            return self.filter(authority=user.organisation.root)
        return self.filter(business=user.organisation_id)
