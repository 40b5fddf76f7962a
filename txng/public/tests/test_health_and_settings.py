import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_healthz_says_the_database_answers(client):
    response = client.get(reverse("public:healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_check_deploy_is_clean_with_production_env():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60 + "-Production-Secret-!@#",
        "ALLOWED_HOSTS": "truyxuatnguongoc.caobang.gov.vn",
    }
    env.pop("SECURE_SSL_REDIRECT", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_english_is_available(client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("public:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in html
    assert "Businesses: register to join" in html


@pytest.mark.django_db
def test_language_switch_needs_no_csrf_token_so_public_pages_set_no_cookie():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    home = client.get(reverse("public:home"))
    assert "csrftoken" not in home.cookies and "csrfmiddlewaretoken" not in home.content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    assert 'lang="en"' in client.get(reverse("public:home")).content.decode()
