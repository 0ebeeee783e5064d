from django.conf import settings

from .conftest import make_client


def test_the_api_root_says_where_things_are(db):
    client = make_client()
    client.cookies["access"] = "garbage"  # public, whatever the cookies say
    response = client.get("/api/")
    assert response.status_code == 200
    assert response.json() == {
        "name": settings.SPECTACULAR_SETTINGS["TITLE"],
        "health": "/api/health/",
        "docs": "/api/docs/",
        "schema": "/api/schema/",
    }
    assert client.get(response.json()["health"]).status_code == 200


def test_the_api_root_hides_hidden_docs(db, settings):
    settings.API_DOCS_PUBLIC = False
    body = make_client().get("/api/").json()
    assert body["docs"] is None and body["schema"] is None
    assert body["health"] == "/api/health/"
