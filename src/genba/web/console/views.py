from django.shortcuts import render

from genba.accounts.models import Role
from genba.web.access import role_required


@role_required(Role.COORDINATOR, Role.ADMIN)
def home(request):
    return render(request, "console/home.html")


@role_required(Role.BILLING, Role.COORDINATOR, Role.ADMIN)
def billing(request):
    return render(request, "console/home.html")
