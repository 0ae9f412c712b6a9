"""Who must act: the manager's follow-up page and the coaches' daily reminder mail.

One table of cases drives both, so the page and the mail always agree on what is overdue.
"""

import io
import smtplib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from coach import services
from coach.models import Herinnering
from programma.bulk import add_activity, load_bulk
from tests import factories
from trajecten.models import Traject
from workshops.models import Workshop

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2030, 3, 10, 9, 0, tzinfo=BRUSSELS)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def _days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# (case, kind, moment fields, trajectory fields, REMINDER_AFTER_DAYS, overdue?)
CASES = [
    ("held 20 days ago, no report", "workshop", {"days": 20}, {}, 14, True),
    ("held 20 days ago, draft report", "workshop", {"days": 20, "verslag": "Klad"}, {}, 14, True),
    (
        "held 20 days ago, report published",
        "workshop",
        {"days": 20, "publish": True},
        {},
        14,
        False,
    ),
    (
        "marked held, report unpublished",
        "workshop",
        {"days": 20, "status": Workshop.Status.GEHOUDEN},
        {},
        14,
        True,
    ),
    ("15 days ago", "workshop", {"days": 15}, {}, 14, True),
    ("13 days ago: still in time", "workshop", {"days": 13}, {}, 14, False),
    ("20 days ago, setting at 30 days", "workshop", {"days": 20}, {}, 30, False),
    ("cancelled", "workshop", {"days": 20, "status": Workshop.Status.GEANNULEERD}, {}, 14, False),
    ("planned in the future", "workshop", {"days": -5}, {}, 14, False),
    ("coaching moment 20 days ago", "coachingsmoment", {"days": 20}, {}, 14, True),
    (
        "no date, trajectory ended 20 days ago",
        "workshop",
        {"days": None},
        {"gepland_einde": date(2030, 2, 18)},
        14,
        True,
    ),
    (
        "no date, trajectory still running",
        "workshop",
        {"days": None},
        {"gepland_einde": date(2030, 12, 31)},
        14,
        False,
    ),
    (
        "trajectory stopped",
        "workshop",
        {"days": 20},
        {"gestopt": True},
        14,
        False,
    ),
]


def _make_case(coach, kind, moment_fields, traject_fields):
    fields = dict(moment_fields)
    days = fields.pop("days")
    publish = fields.pop("publish", False)
    traject = factories.make_traject(
        titel="Traject Opvolgdorp",
        gepland_start=date(2029, 9, 1),
        **{"gepland_einde": date(2030, 12, 31), **traject_fields},
    )
    traject.coaches.add(coach)
    fields["gepland_op"] = None if days is None else _days_ago(days)
    if kind == "workshop":
        moment = factories.make_workshop(traject, volgnummer=1, titel="Startworkshop", **fields)
        label = "Workshop 1: Startworkshop"
    else:
        moment = factories.make_coachingsmoment(traject, onderwerp="Terugkoppeling", **fields)
        label = "Coachingsmoment: Terugkoppeling"
    if publish:
        factories.publish_report(moment, "Gepubliceerd verslag")
    return traject, moment, label


def _send_reminders() -> str:
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def mailoutbox(db):
    """The messages sent; the test mailer creates the outbox when it is first made."""
    mail.outbox = []
    return mail.outbox


@pytest.mark.parametrize(
    ("case", "kind", "moment_fields", "traject_fields", "after_days", "overdue"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_overdue_cases_on_the_page_and_in_the_mail(
    client,
    clock,
    settings,
    mailoutbox,
    coach,
    manager,
    case,
    kind,
    moment_fields,
    traject_fields,
    after_days,
    overdue,
):
    settings.REMINDER_AFTER_DAYS = after_days
    settings.SITE_URL = "https://portaal.example"
    traject, moment, label = _make_case(coach, kind, moment_fields, traject_fields)
    client.force_login(manager)
    response = client.get(reverse("coach:opvolging"))
    assert response.status_code == 200
    listed = [m for entry in response.context["rounds"] for m in entry.overdue]
    assert (listed == [moment]) is overdue
    assert (label in response.text) is overdue

    _send_reminders()
    if overdue:
        [mail] = mailoutbox
        assert mail.to == [coach.email]
        assert label in mail.body and "Traject Opvolgdorp" in mail.body
        url = reverse(f"coach:{kind}_uitkomst", args=[traject.slug, moment.pk])
        assert f"https://portaal.example{url}" in mail.body
    else:
        assert mailoutbox == []


def test_a_report_waiting_for_sign_off_is_marked_on_the_follow_up_page(
    client, clock, coach, manager
):
    _traject, moment, label = _make_case(coach, "workshop", {"days": 20, "verslag": "Klad"}, {})
    client.force_login(manager)
    assert "wacht op goedkeuring" not in client.get(reverse("coach:opvolging")).text
    Workshop.objects.filter(pk=moment.pk).update(ter_nalezing=True)
    text = client.get(reverse("coach:opvolging")).text
    assert label in text and "wacht op goedkeuring" in text


def test_only_managers_may_open_the_follow_up_page(client, coach, manager):
    url = reverse("coach:opvolging")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client.force_login(coach)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_dashboard_links_the_follow_up_page_for_managers_only(client, coach, manager):
    url = reverse("coach:opvolging")
    client.force_login(coach)
    assert url not in client.get(reverse("coach:dashboard")).text
    client.force_login(manager)
    assert f'href="{url}"' in client.get(reverse("coach:dashboard")).text


def test_page_groups_per_round_and_lists_started_trajectories_with_nothing_recorded(
    client, clock, manager
):
    old = factories.make_ronde(
        naam="Ronde 2029", slug="r-2029", start=date(2029, 1, 1), einde=date(2029, 12, 31)
    )
    new = factories.make_ronde(
        naam="Ronde 2030", slug="r-2030", start=date(2030, 1, 1), einde=date(2030, 12, 31)
    )
    late = factories.make_traject(
        ronde=old,
        titel="Laat verslag",
        gepland_start=date(2029, 2, 1),
        gepland_einde=date(2029, 9, 1),
    )
    factories.make_workshop(late, gepland_op=_days_ago(30), titel="Vergeten")
    dates = {"gepland_start": date(2030, 1, 15), "gepland_einde": date(2030, 12, 31)}
    empty = factories.make_traject(ronde=new, titel="Nog leeg", **dates)
    with_update = factories.make_traject(ronde=new, titel="Met update", **dates)
    factories.make_update(with_update, gepubliceerd=False)
    with_draft = factories.make_traject(ronde=new, titel="Met klad", **dates)
    factories.make_workshop(with_draft, gepland_op=_days_ago(2), verslag="Klad")
    later = {**dates, "gepland_start": date(2030, 6, 1)}
    factories.make_traject(ronde=new, titel="Start later", **later)
    factories.make_traject(ronde=new, titel="Gestopt", gestopt=True, **dates)
    client.force_login(manager)
    response = client.get(reverse("coach:opvolging"))
    rounds = response.context["rounds"]
    assert [entry.ronde for entry in rounds] == [old, new]
    # Overdue and nothing recorded at all: both are true, both are shown.
    assert [m.titel for m in rounds[0].overdue] == ["Vergeten"] and rounds[0].empty == [late]
    assert rounds[1].overdue == [] and rounds[1].empty == [empty]
    text = response.text
    assert text.index("Ronde 2029") < text.index("Vergeten") < text.index("Ronde 2030")
    assert text.index("Ronde 2030") < text.index("Nog leeg")


# Session, user; trajectories with their round, workshops, coaching moments, coaches, updates;
# the demo-content check of the layout and saving the session (savepoint, update, release).
FOLLOW_UP_QUERIES = 11


def test_follow_up_page_query_count_is_fixed_at_three_times_the_data(
    client, programme, manager, django_assert_num_queries
):
    for traject in Traject.objects.all():
        add_activity(traject)
    client.force_login(manager)
    with django_assert_num_queries(FOLLOW_UP_QUERIES):
        response = client.get(reverse("coach:opvolging"))
    once = sum(len(entry.overdue) for entry in response.context["rounds"])
    assert once > 0
    load_bulk(scale=3, own_besturen=True, every_state=True)
    with django_assert_num_queries(FOLLOW_UP_QUERIES):
        response = client.get(reverse("coach:opvolging"))
    assert sum(len(entry.overdue) for entry in response.context["rounds"]) == 3 * once


def _overdue_for(coach, title: str) -> Traject:
    traject = factories.make_traject(titel=title)
    traject.coaches.add(coach)
    factories.make_workshop(traject, gepland_op=_days_ago(20), titel=f"Workshop van {title}")
    return traject


def test_each_coach_gets_one_mail_with_only_their_own_trajectories(
    clock, mailoutbox, coach, other_coach
):
    _overdue_for(coach, "Eerste")
    _overdue_for(coach, "Tweede")
    _overdue_for(other_coach, "Derde")
    factories.make_coach("coach-zonder-achterstand", factories.make_traject(titel="Op tijd"))
    assert "verstuurd: 2" in _send_reminders()
    mails = {m.to[0]: m for m in mailoutbox}
    assert set(mails) == {coach.email, other_coach.email}
    mine = mails[coach.email].body
    assert "Workshop van Eerste" in mine and "Workshop van Tweede" in mine
    assert "Derde" not in mine
    assert "2 verslagen" in mails[coach.email].subject
    assert "Eerste" not in mails[other_coach.email].body


def test_at_most_one_reminder_per_brussels_day(time_machine, mailoutbox, coach):
    # 23.30 in Brussels is 22.30 UTC; 00.30 the next morning is 23.30 UTC, still the same UTC day.
    time_machine.move_to(datetime(2030, 3, 9, 23, 30, tzinfo=BRUSSELS), tick=False)
    _overdue_for(coach, "Elke dag")
    _send_reminders()
    assert len(mailoutbox) == 1
    time_machine.move_to(datetime(2030, 3, 9, 23, 59, tzinfo=BRUSSELS), tick=False)
    assert "vandaag al verstuurd: 1" in _send_reminders()
    assert len(mailoutbox) == 1
    time_machine.move_to(datetime(2030, 3, 10, 0, 30, tzinfo=BRUSSELS), tick=False)
    _send_reminders()
    _send_reminders()
    assert len(mailoutbox) == 2
    assert Herinnering.objects.get(coach=coach).laatst_verstuurd_op == timezone.now()


def test_no_reminder_once_the_report_is_published(clock, mailoutbox, coach):
    traject = _overdue_for(coach, "Bijna klaar")
    factories.publish_report(traject.workshops.get(), "Eindelijk gepubliceerd")
    _send_reminders()
    assert mailoutbox == []
    assert not Herinnering.objects.exists()


class _BrokenMailer:
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("weg")


class _BrokenMailers:
    default = _BrokenMailer()


def test_failed_mail_makes_the_command_fail_and_the_next_run_retries(
    clock, mailoutbox, coach, monkeypatch
):
    _overdue_for(coach, "Pech")
    monkeypatch.setattr(services, "mailers", _BrokenMailers())
    with pytest.raises(CommandError, match="volgende uitvoering"):
        _send_reminders()
    assert Herinnering.objects.get(coach=coach).laatst_verstuurd_op is None
    monkeypatch.undo()
    _send_reminders()
    [mail] = mailoutbox
    assert "Workshop van Pech" in mail.body
