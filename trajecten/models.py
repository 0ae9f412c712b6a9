from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from trajecten.versioning import Versioned


class Referentie(models.Model):
    """A term from one of the programme's reference lists, editable in admin."""

    naam = models.CharField(max_length=120, unique=True)
    naam_en = models.CharField("naam (Engels)", max_length=120, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    omschrijving = models.TextField(blank=True)
    volgorde = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["volgorde", "naam"]

    def __str__(self):
        return self.naam


class Actiedomein(Referentie):
    class Meta(Referentie.Meta):
        verbose_name = "actiedomein"
        verbose_name_plural = "actiedomeinen"


class Beleidsinstrument(Referentie):
    class Meta(Referentie.Meta):
        verbose_name = "beleidsinstrument"
        verbose_name_plural = "beleidsinstrumenten"


class Ondersteuningsmodule(Referentie):
    """One item of the pilot track's menu of support modules."""

    class Meta(Referentie.Meta):
        verbose_name = "ondersteuningsmodule"
        verbose_name_plural = "ondersteuningsmodules"


class KpiDefinitie(Referentie):
    """An entry of the KPI catalogue that pilot projects can pick from."""

    eenheid = models.CharField(max_length=80)
    referentiewaarde = models.CharField(max_length=300, blank=True)

    class Meta(Referentie.Meta):
        verbose_name = "KPI uit de catalogus"
        verbose_name_plural = "KPI-catalogus"


class Ronde(models.Model):
    """One round of the programme; later rounds fit without code changes."""

    naam = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    start = models.DateField()
    einde = models.DateField()
    extra_besturen = models.ManyToManyField(
        "besturen.Bestuur",
        blank=True,
        related_name="genoemd_in_rondes",
        verbose_name="ook genoemde besturen",
        help_text="Besturen die als deelnemer van deze ronde genoemd worden, "
        "zonder dat hun traject gekend is.",
    )

    class Meta:
        verbose_name = "ronde"
        verbose_name_plural = "rondes"
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(einde__gte=F("start")), name="trajecten_ronde_einde_na_start"
            )
        ]

    def __str__(self):
        return self.naam


class TrajectQuerySet(models.QuerySet):
    def lopend(self):
        return self.filter(status=Traject.Status.LOPEND)

    def with_current_status(self):
        """Annotate `huidige_status`: the status shown to visitors, derived from the workshops.

        A manager's 'afgerond' or 'gestopt' stands; otherwise a trajectory is planned until a
        workshop is held, running while some are, and finished once all of them are.
        """
        S = Traject.Status
        held = Count("workshops", filter=Q(workshops__status="gehouden"), distinct=True)
        total = Count("workshops", filter=~Q(workshops__status="geannuleerd"), distinct=True)
        return self.annotate(
            _held=held,
            _total=total,
            huidige_status=Case(
                When(status__in=[S.AFGEROND, S.GESTOPT], then=F("status")),
                When(_held=0, then=Value(S.GEPLAND)),
                When(_held__gte=F("_total"), then=Value(S.AFGEROND)),
                default=Value(S.LOPEND),
                output_field=models.CharField(),
            ),
        )

    def with_progress(self):
        """Everything the progress and freshness of a trajectory are derived from."""
        return (
            self.with_current_status()
            .select_related("ronde")
            .prefetch_related(
                Prefetch("deelnames", queryset=Deelname.objects.lead_first()),
                "workshops",
                "coachingsmomenten",
                Prefetch(
                    "updates", queryset=Update.objects.gepubliceerd(), to_attr="publieke_updates"
                ),
            )
        )


class Traject(Versioned, models.Model):
    class Soort(models.TextChoices):
        STRATEGIE = "strategie", "Circulaire strategie"
        PILOOTPROJECT = "pilootproject", "Circulair pilootproject"

    class Status(models.TextChoices):
        GEPLAND = "gepland", "Gepland"
        LOPEND = "lopend", "Lopend"
        AFGEROND = "afgerond", "Afgerond"
        GESTOPT = "gestopt", "Gestopt"

    ronde = models.ForeignKey(Ronde, on_delete=models.PROTECT, related_name="trajecten")
    soort = models.CharField(max_length=20, choices=Soort.choices)
    titel = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    samenvatting = models.TextField(blank=True, help_text="Publieke samenvatting, enkele zinnen.")
    ambitie = models.TextField(blank=True)
    open_plaats = models.CharField(
        "open plaats",
        max_length=300,
        blank=True,
        help_text="Voor een plaats waarvan het bestuur nog niet gekend is: wat er wel geweten is.",
    )
    besturen = models.ManyToManyField(
        "besturen.Bestuur", through="Deelname", related_name="trajecten", blank=True
    )
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="trajecten_als_coach", blank=True
    )
    gepland_start = models.DateField("geplande start")
    gepland_einde = models.DateField("gepland einde")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.GEPLAND,
        help_text="Zet 'afgerond' of 'gestopt' om het traject af te sluiten. Anders volgt de "
        "getoonde status uit de workshops: gepland, lopend zodra er een gehouden is, afgerond "
        "als ze allemaal gehouden zijn.",
    )
    prioritaire_actiedomeinen = models.ManyToManyField(
        Actiedomein, blank=True, related_name="trajecten"
    )
    beleidsinstrumenten = models.ManyToManyField(
        Beleidsinstrument, blank=True, related_name="trajecten"
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    bijgewerkt_op = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[prioritaire_actiedomeinen, beleidsinstrumenten])

    objects = TrajectQuerySet.as_manager()

    class Meta:
        verbose_name = "traject"
        verbose_name_plural = "trajecten"
        ordering = ["soort", "titel"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gepland_einde__gte=F("gepland_start")),
                name="trajecten_traject_einde_na_start",
            )
        ]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("trajecten:detail", args=[self.slug])

    # Derived progress. These read the prefetched relations of `with_progress()`.

    @property
    def current_status(self) -> str:
        if not hasattr(self, "huidige_status"):
            self.huidige_status = (
                Traject.objects.with_current_status()
                .values_list("huidige_status", flat=True)
                .get(pk=self.pk)
            )
        return self.huidige_status

    @property
    def current_status_label(self) -> str:
        return self.Status(self.current_status).label

    def _prefetched(self, name: str):
        """The prefetched rows of a relation, or None when they were not prefetched.

        Reading them straight from the prefetch cache skips building a related manager and a
        queryset on every access; a card asks for the same relations a dozen times.
        """
        return getattr(self, "_prefetched_objects_cache", {}).get(name)

    def _rows(self, name: str):
        rows = self._prefetched(name)
        return getattr(self, name).all() if rows is None else rows

    @property
    def deelnemers(self):
        return [deelname.bestuur for deelname in self._rows("deelnames")]

    @property
    def is_open(self) -> bool:
        """A place in the programme whose bestuur is not yet known."""
        return not self._rows("deelnames")

    @property
    def momenten(self) -> list:
        """Workshops and coaching moments in the order they happen."""
        workshops = self._prefetched("workshops")
        coaching = self._prefetched("coachingsmomenten")
        if workshops is None or coaching is None:
            return self._sorted_momenten(self.workshops.all(), self.coachingsmomenten.all())
        # Sorted once per prefetch: the progress, the next step and the freshness all walk it.
        memo = getattr(self, "_momenten_memo", None)
        if memo is None or memo[0] is not workshops or memo[1] is not coaching:
            memo = self._momenten_memo = (
                workshops,
                coaching,
                self._sorted_momenten(workshops, coaching),
            )
        return memo[2]

    @staticmethod
    def _sorted_momenten(workshops, coaching) -> list:
        return sorted([*workshops, *coaching], key=lambda item: item.sort_key())

    @property
    def workshops_total(self) -> int:
        return sum(1 for w in self._rows("workshops") if not w.is_cancelled)

    @property
    def workshops_held(self) -> int:
        return sum(1 for w in self._rows("workshops") if w.is_held)

    @property
    def progress_percent(self) -> int:
        total = self.workshops_total
        return round(100 * self.workshops_held / total) if total else 0

    @property
    def next_step(self):
        if self.current_status in {self.Status.AFGEROND, self.Status.GESTOPT}:
            return None
        return next((m for m in self.momenten if m.is_open), None)

    def is_behind_plan(self, now: datetime | None = None) -> bool:
        if self.current_status == self.Status.GESTOPT:
            return False
        now = now or timezone.now()
        return any(m.is_behind_plan(now) for m in self.momenten)

    @property
    def behind_plan(self) -> bool:
        return self.is_behind_plan()

    @property
    def last_updated(self) -> datetime | None:
        """When something about this trajectory was last published; None if nothing yet."""
        moments = [m.gepubliceerd_op for m in self.momenten if m.is_public and m.gepubliceerd_op]
        updates = [u.gepubliceerd_op for u in self.public_updates if u.gepubliceerd_op]
        return max([*moments, *updates], default=None)

    @property
    def public_updates(self) -> list["Update"]:
        if hasattr(self, "publieke_updates"):  # prefetched by with_progress()
            return self.publieke_updates
        return list(self.updates.gepubliceerd())

    @property
    def has_public_content(self) -> bool:
        return self.last_updated is not None


class DeelnameQuerySet(models.QuerySet):
    def lead_first(self):
        """Leads before partners, then by name, with the bestuur fetched along."""
        lead = Case(When(rol=Deelname.Rol.TREKKER, then=0), default=1)
        return self.select_related("bestuur").order_by(lead, "bestuur__naam")


class Deelname(models.Model):
    class Rol(models.TextChoices):
        TREKKER = "trekker", "Trekker"
        PARTNER = "partner", "Partner"

    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="deelnames")
    bestuur = models.ForeignKey(
        "besturen.Bestuur", on_delete=models.PROTECT, related_name="deelnames"
    )
    rol = models.CharField(max_length=20, choices=Rol.choices, default=Rol.TREKKER)
    toelichting = models.CharField(max_length=300, blank=True)

    objects = DeelnameQuerySet.as_manager()

    class Meta:
        verbose_name = "deelname"
        verbose_name_plural = "deelnames"
        ordering = ["traject", "bestuur__naam"]
        constraints = [
            models.UniqueConstraint(fields=["traject", "bestuur"], name="trajecten_deelname_uniek")
        ]

    def __str__(self):
        return f"{self.bestuur} ({self.get_rol_display().lower()}) in {self.traject}"


class PublishableQuerySet(models.QuerySet):
    def gepubliceerd(self):
        return self.filter(gepubliceerd=True)


class Update(Versioned, models.Model):
    """A dated public news item on a trajectory's timeline."""

    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="updates")
    datum = models.DateField()
    titel = models.CharField(max_length=200)
    tekst = models.TextField(help_text="Markdown.")
    tekst_html = models.TextField(editable=False, blank=True)
    gepubliceerd = models.BooleanField(default=False)
    gepubliceerd_op = models.DateTimeField(null=True, blank=True, editable=False)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False, help_text="Illustratieve inhoud, geen feit.")
    bijgewerkt_op = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = "update"
        verbose_name_plural = "updates"
        ordering = ["-datum", "-id"]

    def __str__(self):
        return self.titel


# Structured results of a strategy trajectory.


class LopendInitiatief(Versioned, models.Model):
    class Status(models.TextChoices):
        IDEE = "idee", "Idee"
        LOPEND = "lopend", "Lopend"
        AFGEROND = "afgerond", "Afgerond"

    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="initiatieven")
    naam = models.CharField(max_length=200)
    actiedomein = models.ForeignKey(
        Actiedomein, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    eigenaar = models.CharField(max_length=200, blank=True, help_text="Wie trekt het initiatief?")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LOPEND)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "lopend initiatief"
        verbose_name_plural = "lopende initiatieven"
        ordering = ["naam"]

    def __str__(self):
        return self.naam


class Beleidsactie(Versioned, models.Model):
    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="beleidsacties")
    titel = models.CharField(max_length=200)
    omschrijving = models.TextField(blank=True)
    actiedomein = models.ForeignKey(
        Actiedomein, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    beleidsinstrument = models.ForeignKey(
        Beleidsinstrument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "verkende beleidsactie"
        verbose_name_plural = "verkende beleidsacties"
        ordering = ["titel"]

    def __str__(self):
        return self.titel


class Pilotkandidaat(Versioned, models.Model):
    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="pilotkandidaten")
    naam = models.CharField(max_length=200)
    omschrijving = models.TextField(blank=True)
    stakeholders = models.TextField(blank=True, help_text="Met wie werd de kandidaat bepaald?")
    vervolgtraject = models.ForeignKey(
        Traject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voortgekomen_uit",
        help_text="Het pilootprojecttraject dat hieruit volgde, als dat er is.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kandidaat-pilootproject"
        verbose_name_plural = "kandidaat-pilootprojecten"
        ordering = ["naam"]

    def __str__(self):
        return self.naam


# Structured results of a pilot trajectory.


class GekozenModule(Versioned, models.Model):
    class Status(models.TextChoices):
        GEKOZEN = "gekozen", "Gekozen"
        BEZIG = "bezig", "Bezig"
        AFGEROND = "afgerond", "Afgerond"

    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="modules")
    module = models.ForeignKey(Ondersteuningsmodule, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.GEKOZEN)
    resultaat = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "gekozen module"
        verbose_name_plural = "gekozen modules"
        ordering = ["module__volgorde"]
        constraints = [
            models.UniqueConstraint(
                fields=["traject", "module"], name="trajecten_gekozenmodule_uniek"
            )
        ]

    def __str__(self):
        return f"{self.module} ({self.traject})"


class Partner(Versioned, models.Model):
    class Status(models.TextChoices):
        GEZOCHT = "gezocht", "Gezocht"
        IN_GESPREK = "in_gesprek", "In gesprek"
        AAN_BOORD = "aan_boord", "Aan boord"

    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="partners")
    naam = models.CharField(max_length=200)
    rol = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.GEZOCHT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "partner"
        verbose_name_plural = "partners"
        ordering = ["naam"]

    def __str__(self):
        return self.naam


class Kpi(Versioned, models.Model):
    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="kpis")
    definitie = models.ForeignKey(
        KpiDefinitie,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leeg voor een eigen KPI.",
    )
    naam = models.CharField(max_length=200)
    eenheid = models.CharField(max_length=80)
    nulwaarde = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    streefwaarde = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "KPI"
        verbose_name_plural = "KPI's"
        ordering = ["naam"]

    def __str__(self):
        return f"{self.naam} ({self.eenheid})"


class Meting(Versioned, models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="metingen")
    datum = models.DateField()
    waarde = models.DecimalField(max_digits=14, decimal_places=2)
    toelichting = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "meting"
        verbose_name_plural = "metingen"
        ordering = ["datum"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "datum"], name="trajecten_meting_uniek_per_dag")
        ]

    def __str__(self):
        return f"{self.kpi.naam} op {self.datum}: {self.waarde}"
