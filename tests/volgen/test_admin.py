import pytest
from django.urls import reverse
from django.utils import timezone

from volgen.models import Volger

pytestmark = pytest.mark.django_db


def test_manager_sees_addresses_but_cannot_add_or_edit_them(client, manager):
    volger = Volger.objects.create(email="lezer@example.org", bevestigd_op=timezone.now())
    client.force_login(manager)
    changelist = client.get(reverse("admin:volgen_volger_changelist"))
    assert changelist.status_code == 200
    assert "lezer@example.org" in changelist.content.decode()
    assert client.get(reverse("admin:volgen_volger_add")).status_code == 403
    response = client.post(
        reverse("admin:volgen_volger_change", args=[volger.pk]), {"email": "ander@example.org"}
    )
    assert response.status_code == 403
    volger.refresh_from_db()
    assert volger.email == "lezer@example.org"


def test_anonymous_and_coach_get_no_addresses(client, coach):
    url = reverse("admin:volgen_volger_changelist")
    assert client.get(url).status_code == 302
    client.force_login(coach)
    response = client.get(url)
    assert response.status_code in {302, 403}
