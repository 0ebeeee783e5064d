"""The support requests in Django's admin, and their demo data."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from support.demo import REQUESTS
from support.models import Reply, SupportRequest

from .conftest import make_user


@pytest.fixture
def admin_site(db) -> Client:
    boss = User.objects.create_superuser(email="boss@example.com", password="a long passphrase!")
    client = Client()
    client.force_login(boss)
    return client


def test_the_admin_lists_filters_and_shows_requests_with_their_replies(admin_site, user):
    request = SupportRequest.objects.create(author=user, subject="Broken printer", body="B")
    request.add_reply(user, "Still broken")
    listing = admin_site.get("/admin/support/supportrequest/", {"status__exact": "open"})
    assert listing.status_code == 200
    assert "Broken printer" in listing.content.decode()
    page = admin_site.get(f"/admin/support/supportrequest/{request.pk}/change/")
    assert page.status_code == 200
    assert "Still broken" in page.content.decode()  # the replies inline


def test_the_demo_data(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    client = User.objects.get(email="client@example.com")
    staff = User.objects.get(email="staff@example.com")
    requests = SupportRequest.objects.filter(author=client)
    assert sorted(requests.values_list("subject", flat=True)) == sorted(r[0] for r in REQUESTS)
    assert {r.status for r in requests} == {"open", "in_progress", "resolved"}
    assert Reply.objects.filter(author=staff).exists()
    counts = (SupportRequest.objects.count(), Reply.objects.count())
    call_command("seed_demo", stdout=None)
    assert (SupportRequest.objects.count(), Reply.objects.count()) == counts


def test_the_demo_data_stays_with_the_demo_client(db, settings):
    settings.DEBUG = True
    other = make_user("other@example.com")
    call_command("seed_demo", stdout=None)
    assert not SupportRequest.objects.filter(author=other).exists()
