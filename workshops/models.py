import uuid
from datetime import datetime, time
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from trajecten import voortgang
from trajecten.models import Traject
from trajecten.publicatie import Publiceerbaar
from trajecten.versioning import Versioned


class SjabloonWorkshop(models.Model):
    """One step of a track's standard shape; a new trajectory is planned from these."""

    soort = models.CharField(max_length=20, choices=Traject.Soort.choices)
    volgnummer = models.PositiveSmallIntegerField()
    titel = models.CharField(max_length=200)
    thema = models.TextField()

    class Meta:
        verbose_name = "sjabloonworkshop"
        verbose_name_plural = "trajectsjabloon (workshops)"
        ordering = ["soort", "volgnummer"]
        constraints = [
            models.UniqueConstraint(
                fields=["soort", "volgnummer"], name="workshops_sjabloon_uniek_volgnummer"
            )
        ]

    def __str__(self):
        return f"{self.get_soort_display()} – workshop {self.volgnummer}: {self.titel}"


class MomentQuerySet(models.QuerySet):
    def openbaar(self) -> Self:
        """The public-content rule for reports: published, and there is a report to show."""
        return self.filter(gepubliceerd=True).exclude(verslag_html="")


class Moment(Publiceerbaar, Versioned, models.Model):
    """What workshops and coaching moments share: a date, a report, and its publication."""

    class Status(models.TextChoices):
        GEPLAND = "gepland", "Gepland"
        GEHOUDEN = "gehouden", "Gehouden"
        GEANNULEERD = "geannuleerd", "Geannuleerd"

    gepland_op = models.DateTimeField("datum en uur", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.GEPLAND)
    # Text limits: the database takes any length; forms (coach pages, admin) refuse more.
    verslag = models.TextField(
        "publiek verslag", max_length=20000, blank=True, help_text="Markdown."
    )
    verslag_html = models.TextField(editable=False, blank=True)
    interne_notities = models.TextField(
        max_length=20000,
        blank=True,
        help_text="Enkel voor coaches en programmabeheerders, nooit publiek.",
    )
    aanwezigen = models.TextField(
        max_length=2000, blank=True, help_text="Wie was er (namen of diensten)."
    )
    aantal_aanwezigen = models.PositiveSmallIntegerField(null=True, blank=True)
    beslissingen = models.TextField(max_length=8000, blank=True)
    volgende_stappen = models.TextField(max_length=8000, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Illustratieve inhoud, geen feit.")
    bijgewerkt_op = models.DateTimeField(auto_now=True)

    objects = MomentQuerySet.as_manager()

    if TYPE_CHECKING:
        # Each kind declares these itself (its own related names); the shared code uses them.
        from django.db.models.fields.related_descriptors import RelatedManager

        traject: Traject
        bijlagen: RelatedManager["Bijlage"]

        @property
        def kind(self) -> str: ...

        @property
        def volgorde(self) -> int: ...

    class Meta:
        abstract = True

    kind_order = 0

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.GEHOUDEN

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.GEANNULEERD

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.GEPLAND

    @property
    def is_public(self) -> bool:
        """The instance twin of `objects.openbaar()`: its report may be shown to the public."""
        return self.gepubliceerd and bool(self.verslag_html)

    @property
    def public_bijlagen(self) -> list["Bijlage"]:
        """Public attachments of a published report (reads the prefetched `bijlagen`)."""
        if not self.is_public:
            return []
        return [b for b in self.bijlagen.all() if b.is_publiek]

    @property
    def public_images(self) -> list["Bijlage"]:
        return [b for b in self.public_bijlagen if b.is_afbeelding]

    @property
    def public_files(self) -> list["Bijlage"]:
        return [b for b in self.public_bijlagen if not b.is_afbeelding]

    def deadline(self) -> datetime:
        """When a report is due: its date, or without one the end of the trajectory."""
        if self.gepland_op:
            return self.gepland_op
        return timezone.make_aware(datetime.combine(self.traject.gepland_einde, time.max))

    def progress_at(self, now: datetime | None = None) -> voortgang.MomentVoortgang:
        """Its state as the visitor reads it (see trajecten/voortgang.py)."""
        traject = self.traject
        return voortgang.moment_voortgang(
            self,
            fase=traject.ronde.fase,
            now=now,
            may_be_behind=voortgang.can_be_behind(traject),
        )

    @property
    def voortgang(self) -> voortgang.MomentVoortgang:
        return self.progress_at()

    def is_behind_plan(self, now: datetime | None = None) -> bool:
        return self.progress_at(now).achter_op_planning

    def is_report_due(self, now: datetime | None = None) -> bool:
        """The coach's to-do, not public progress: its date passed without a public report."""
        now = now or timezone.now()
        return not self.is_cancelled and not self.is_public and self.deadline() < now

    @property
    def is_behind_plan_now(self) -> bool:
        return self.is_behind_plan()

    def sort_key(self):
        return (self.deadline(), self.kind_order, self.volgorde)


class Workshop(Moment):
    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="workshops")
    volgnummer = models.PositiveSmallIntegerField()
    titel = models.CharField(max_length=200)
    thema = models.TextField(max_length=4000, blank=True)
    plaats = models.CharField(max_length=200, blank=True, help_text="Locatie of 'online'.")
    history = HistoricalRecords()

    kind_order = 0

    class Meta:
        verbose_name = "workshop"
        verbose_name_plural = "workshops"
        ordering = ["traject", "volgnummer"]
        constraints = [
            models.UniqueConstraint(
                fields=["traject", "volgnummer"], name="workshops_workshop_uniek_volgnummer"
            ),
            models.CheckConstraint(
                condition=Q(volgnummer__gte=1), name="workshops_workshop_volgnummer_positief"
            ),
        ]

    def __str__(self):
        return f"Workshop {self.volgnummer}: {self.titel}"

    def get_absolute_url(self):
        return reverse("workshops:detail", args=[self.traject.slug, self.volgnummer])

    @property
    def kind(self) -> str:
        return "workshop"

    @property
    def volgorde(self) -> int:
        return self.volgnummer


class Coachingsmoment(Moment):
    class Vorm(models.TextChoices):
        TER_PLAATSE = "ter_plaatse", "Ter plaatse"
        ONLINE = "online", "Online"
        TELEFONISCH = "telefonisch", "Telefonisch"

    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="coachingsmomenten")
    vorm = models.CharField(max_length=20, choices=Vorm.choices, default=Vorm.TER_PLAATSE)
    onderwerp = models.CharField(max_length=200)
    history = HistoricalRecords()

    kind_order = 1

    class Meta:
        verbose_name = "coachingsmoment"
        verbose_name_plural = "coachingsmomenten"
        ordering = ["traject", "gepland_op"]

    def __str__(self):
        return f"Coachingsmoment: {self.onderwerp}"

    @property
    def titel(self) -> str:
        return self.onderwerp

    @property
    def kind(self) -> str:
        return "coachingsmoment"

    @property
    def volgorde(self) -> int:
        return self.pk or 0


def _upload_path(bijlage: "Bijlage", filename: str) -> str:
    # A random name: the original name is kept in `bestandsnaam`, never trusted on disk.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"bijlagen/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix[:8]}"


def exactly_one_moment(name: str) -> models.CheckConstraint:
    """A row that belongs to a workshop or to a coaching moment, never both or neither."""
    return models.CheckConstraint(
        condition=(Q(workshop__isnull=False) & Q(coachingsmoment__isnull=True))
        | (Q(workshop__isnull=True) & Q(coachingsmoment__isnull=False)),
        name=name,
    )


class BijlageQuerySet(models.QuerySet):
    def publiek(self):
        """Marked to go public with its report (the coach's flag, not yet the public truth)."""
        return self.filter(is_publiek=True)

    def openbaar(self) -> Self:
        """The public-content rule for attachments: marked public, on a public report."""
        return self.filter(is_publiek=True).filter(
            Q(workshop__in=Workshop.objects.openbaar())
            | Q(coachingsmoment__in=Coachingsmoment.objects.openbaar())
        )


class Bijlage(Versioned, models.Model):
    """A file or image on a workshop or coaching moment."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, null=True, blank=True, related_name="bijlagen"
    )
    coachingsmoment = models.ForeignKey(
        Coachingsmoment, on_delete=models.CASCADE, null=True, blank=True, related_name="bijlagen"
    )
    titel = models.CharField(max_length=200)
    bestand = models.FileField(upload_to=_upload_path)
    bestandsnaam = models.CharField(max_length=255, editable=False, blank=True)
    mime_type = models.CharField(max_length=100, editable=False, blank=True)
    grootte = models.PositiveBigIntegerField(editable=False, default=0)
    is_afbeelding = models.BooleanField(editable=False, default=False)
    # A large image's downscaled copy, served to the public; coaches get `bestand`.
    publieke_kopie = models.FileField(upload_to=_upload_path, editable=False, blank=True)
    is_publiek = models.BooleanField(
        "publiek", default=False, help_text="Publieke bijlagen verschijnen bij het verslag."
    )
    geupload_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = BijlageQuerySet.as_manager()

    class Meta:
        verbose_name = "bijlage"
        verbose_name_plural = "bijlagen"
        ordering = ["aangemaakt_op", "id"]
        constraints = [exactly_one_moment("workshops_bijlage_precies_een_moment")]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("workshops:bijlage", args=[self.pk])

    @property
    def moment(self):
        return self.workshop or self.coachingsmoment

    @property
    def is_public(self) -> bool:
        return self.is_publiek and self.moment.is_public


class GoedkeuringQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Goedkeuringsverzoek.Status.OPEN)


class Goedkeuringsverzoek(models.Model):
    """A report put before the participant's contact person, for one version of it.

    The link in the mail names this row; it works once (an answer closes the row) and only
    while the report is still the version it was issued for. `inhoud` keeps what the contact
    person was shown, so the history says what exactly was approved.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Wacht op antwoord"
        GOEDGEKEURD = "goedgekeurd", "Goedgekeurd"
        TERUGGESTUURD = "teruggestuurd", "Teruggestuurd"
        VERVANGEN = "vervangen", "Vervangen door een nieuwer verzoek"

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, null=True, blank=True, related_name="goedkeuringen"
    )
    coachingsmoment = models.ForeignKey(
        Coachingsmoment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="goedkeuringen",
    )
    versie = models.PositiveIntegerField(help_text="De versie van het verslag die voorlag.")
    inhoud = models.JSONField(default=dict, help_text="Wat de contactpersoon te zien kreeg.")
    sleutel = models.CharField(max_length=64, unique=True, editable=False)
    contact_naam = models.CharField("contactpersoon", max_length=200)
    contact_email = models.EmailField("e-mailadres contactpersoon")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    opmerking = models.TextField(blank=True)
    aangevraagd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    aangevraagd_op = models.DateTimeField(default=timezone.now)
    beantwoord_op = models.DateTimeField(null=True, blank=True)

    objects = GoedkeuringQuerySet.as_manager()

    class Meta:
        verbose_name = "goedkeuringsverzoek"
        verbose_name_plural = "goedkeuringsverzoeken"
        ordering = ["-aangevraagd_op", "-id"]
        constraints = [exactly_one_moment("workshops_goedkeuring_precies_een_moment")]

    def __str__(self):
        return f"Goedkeuring van {self.moment} (versie {self.versie}): {self.get_status_display()}"

    @property
    def moment(self):
        return self.workshop or self.coachingsmoment

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
