from django.db import models


class StaleCacheMark(models.Model):
    """A write to the shared cache that Redis did not take (a version bump, a delete, a counter):
    what Redis holds may be stale until a process clears it (txng/common/rediscache.py). Kept in
    the database so that every process and host sees it, whichever lost the write."""

    at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"stale cache since {self.at:%Y-%m-%d %H:%M:%S}"
