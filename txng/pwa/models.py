from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfflineSend(models.Model):
    """One form a phone kept while offline and sent later with an idempotency key. The answer
    is stored so that a second send of the same key (the service worker retrying after a lost
    reply) gets the first answer and nothing is recorded twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(_("khóa gửi"), max_length=64)
    path = models.CharField(max_length=300)
    made_at = models.DateTimeField(_("thời điểm tạo trên máy"))
    sent_at = models.DateTimeField(auto_now_add=True)
    status = models.PositiveSmallIntegerField(default=0)
    answer = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("lần gửi từ ứng dụng")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="pwa_offline_send_once"),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
