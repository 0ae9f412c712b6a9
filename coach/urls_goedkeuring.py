"""The participant's sign-off link: public, no account; the signed token is the permission."""

from django.urls import path

from coach.views import goedkeuring

app_name = "goedkeuring"

urlpatterns = [
    path("<str:token>/", goedkeuring.verzoek, name="verzoek"),
]
