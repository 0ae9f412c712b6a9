"""The benchmark's yardstick: what `django-admin startproject` gives, with one view.

Same virtualenv and gunicorn settings as the portal (scripts/bench.py starts it with
gunicorn.conf.py); the middleware list is startproject's default; the one view returns
HttpResponse("ok") without touching the database.
"""

import os

from django.http import HttpResponse
from django.urls import path

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bare-benchmark-view")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = __name__
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
STATIC_URL = "static/"


def ok(request):
    return HttpResponse("ok")


urlpatterns = [path("", ok)]
