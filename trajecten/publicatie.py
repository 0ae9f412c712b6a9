"""One life cycle for everything public: concept → ter nalezing (optional) → gepubliceerd.

Reports (workshops, coaching moments), updates and every structured result carry the same
three fields. `gepubliceerd` is the one public truth, read by each model's `openbaar()`;
`ter_nalezing` marks a report that waits for the participant's sign-off (coach/goedkeuring.py)
and is never public; `gepubliceerd_op` says since when, for the news stream. Unpublishing
goes back to concept. Attachments have no cycle of their own: a public attachment shows with
its published report, and only then.
"""

from django.db import models


class Publicatiestatus(models.TextChoices):
    CONCEPT = "concept", "Concept"
    TER_NALEZING = "ter_nalezing", "Ter nalezing"
    GEPUBLICEERD = "gepubliceerd", "Gepubliceerd"


class Publiceerbaar(models.Model):
    gepubliceerd = models.BooleanField(default=False)
    gepubliceerd_op = models.DateTimeField(null=True, blank=True, editable=False)
    ter_nalezing = models.BooleanField(
        "ter nalezing",
        default=False,
        editable=False,
        help_text="Wacht op de goedkeuring van het deelnemende bestuur; nog niet publiek.",
    )

    class Meta:
        abstract = True

    @property
    def publicatie(self) -> Publicatiestatus:
        if self.gepubliceerd:
            return Publicatiestatus.GEPUBLICEERD
        if self.ter_nalezing:
            return Publicatiestatus.TER_NALEZING
        return Publicatiestatus.CONCEPT

    @property
    def publicatie_label(self) -> str:
        return self.publicatie.label

    @property
    def is_concept(self) -> bool:
        return self.publicatie == Publicatiestatus.CONCEPT
