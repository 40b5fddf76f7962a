import pytest
from django.urls import reverse

HUGE = "99999999999999999999999"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("param", ["business", "category"])
def test_api_id_filter_out_of_range_is_refused_naming_the_parameter(client, param):
    response = client.get("/api/v1/products", {param: HUGE})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == param


@pytest.mark.parametrize("url", ["/api/v1/products/", "/api/v1/businesses/"])
def test_api_path_id_out_of_range_is_404(client, url):
    assert client.get(url + HUGE).status_code == 404


def test_sqlite_overflow_anywhere_in_the_api_is_404_not_500(client, monkeypatch):
    from txng.catalog import api

    def overflow(*args):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(api, "_businesses", overflow)
    response = client.get("/api/v1/businesses")
    assert response.status_code == 404


def test_sqlite_overflow_in_a_page_is_404_not_500(client, monkeypatch):
    from txng.public import views

    def overflow(*args, **kwargs):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(views, "_home_context", overflow)
    assert client.get(reverse("public:home")).status_code == 404


def test_other_overflow_errors_stay_server_errors(client, monkeypatch):
    from txng.catalog import api

    def overflow(*args):
        raise OverflowError("math range error")

    monkeypatch.setattr(api, "_businesses", overflow)
    client.raise_request_exception = False
    assert client.get("/api/v1/businesses").status_code == 500
