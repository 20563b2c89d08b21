from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

login_view = auth_views.LoginView.as_view()


def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Mooring")
