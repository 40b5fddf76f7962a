"""The one rule for rows that belong to a business (txng.common.access.restrict).

The business sees its own rows; its managing agencies (a department's units act for it) and DOST
see them too; nobody else does. Only the business changes its rows; DOST and the managing
agencies manage them (approve, take down). Apps set `business_field` to the path from their
model to the owning business, e.g. "order__business".
"""

from txng.common.access import RestrictedQuerySet


class BusinessOwnedQuerySet(RestrictedQuerySet):
    business_field = "business"

    def visible_to(self, user):
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        if user.is_dost:
            return self.all()
        if user.is_authority:
            return self.manage_rule(user)
        return self.change_rule(user)

    def change_rule(self, user):
        if not user.is_authenticated or not user.is_business:
            return self.none()
        return self.filter(**{self.business_field: user.organisation_id})

    def manage_rule(self, user):
        if not user.is_authenticated or not user.is_authority:
            return self.none()
        if user.is_dost:
            return self.all()
        return self.filter(**{f"{self.business_field}__managers": user.organisation.root})
