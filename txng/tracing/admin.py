from django.contrib import admin

from txng.tracing.models import RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """DOST sets how long each category's records are kept (TT 17/2021, TT 25/2019)."""

    list_display = ["category", "months_after_expiry", "minimum_months"]
