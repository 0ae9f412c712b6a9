from django.urls import path

from workshops import views

app_name = "workshops"
urlpatterns = [
    path("<slug:slug>/workshops/<int:volgnummer>/", views.workshop_detail, name="detail"),
    path("bijlagen/<int:pk>/", views.bijlage_download, name="bijlage"),
]
