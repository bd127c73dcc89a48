from django.contrib import admin
from django.http import HttpResponse
from django.urls import path

from genba.api.router import api


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz),
]
