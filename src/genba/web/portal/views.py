from django.shortcuts import render

from genba.accounts.models import Role
from genba.web.access import role_required


@role_required(Role.CUSTOMER)
def home(request):
    return render(request, "portal/home.html")
