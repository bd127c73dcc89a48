from django.shortcuts import render

from genba.accounts.models import Role
from genba.web.access import role_required


@role_required(Role.ENGINEER)
def home(request):
    return render(request, "field/home.html")
