from django.urls import path

from mooring.web import views

app_name = "web"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("", views.dashboard, name="dashboard"),
]
