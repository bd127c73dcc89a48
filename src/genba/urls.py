from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path, re_path

from genba.api.fallbacks import unknown_path
from genba.api.messaging import calendar_feed_view
from genba.api.router import api


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>.*)$", unknown_path),
    path("healthz", healthz),
    path("calendar/<str:token>.ics", calendar_feed_view, name="calendar-feed"),
    path("", include("genba.web.urls")),
]
