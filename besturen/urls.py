from django.urls import path

from besturen import views

app_name = "besturen"
urlpatterns = [
    path("", views.bestuur_list, name="list"),
    path("<slug:slug>/", views.bestuur_detail, name="detail"),
]
