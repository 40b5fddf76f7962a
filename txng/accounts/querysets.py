"""The one rule for rows that belong to a business (NetBox's `restrict(user)`, here `visible_to`).

The business sees its own rows; its managing agencies (a department's units act for it) and DOST
see them too; nobody else does. Apps set `business_field` to the path from their model to the
owning business, e.g. "order__business".
"""

from django.db import models


class BusinessOwnedQuerySet(models.QuerySet):
    business_field = "business"

    def visible_to(self, user):
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        if user.is_dost:
            return self.all()
        if user.is_authority:
            return self.filter(**{f"{self.business_field}__managers": user.organisation.root})
        return self.filter(**{self.business_field: user.organisation_id})
