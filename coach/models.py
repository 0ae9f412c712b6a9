from django.conf import settings
from django.db import models


class Herinnering(models.Model):
    """When a coach was last sent the daily reminder of overdue reports."""

    coach = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="herinnering"
    )
    laatst_verstuurd_op = models.DateTimeField("laatst verstuurd op", null=True, blank=True)

    class Meta:
        verbose_name = "herinnering"
        verbose_name_plural = "herinneringen"

    def __str__(self):
        return f"Herinnering aan {self.coach}"
