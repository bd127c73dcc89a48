"""Admins only: the policies' key numbers and their coverage tables."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from genba.accounts.models import Role
from genba.contracts import services as policies
from genba.contracts.models import Policy
from genba.core.errors import GenbaError
from genba.sites import services as coverage
from genba.sites.models import CoverageArea, CoverageZone
from genba.web.access import role_required
from genba.web.console.forms import AreaForm, PolicyForm, ZoneForm
from genba.web.console.selectors import policies_with_zones
from genba.web.errors import attach_problems


@role_required(Role.ADMIN)
def settings_home(request):
    return render(
        request,
        "console/settings.html",
        {"policies": list(policies_with_zones()), "nav": "settings"},
    )


def _policy_page(request, policy, *, form=None, area_form=None, status=200):
    zones = list(policy.zones.prefetch_related("areas").order_by("code"))
    return render(
        request,
        "console/policy.html",
        {
            "policy": policy,
            "form": form or PolicyForm(instance=policy),
            "zones": [
                (
                    z,
                    ZoneForm(
                        initial={
                            "name": z.name,
                            "travel_required": z.travel_required,
                            "travel_flat_fee": z.travel_flat_fee,
                        },
                        prefix=f"zone{z.pk}",
                    ),
                )
                for z in zones
            ],
            "area_form": area_form or AreaForm(zones=zones, prefix="area"),
            "nav": "settings",
        },
        status=status,
    )


@role_required(Role.ADMIN)
def policy_edit(request, key):
    policy = get_object_or_404(Policy, key=key)
    if request.method != "POST":
        return _policy_page(request, policy)
    # Bound to a copy: a refused save must not leave the page showing unsaved values as saved.
    form = PolicyForm(request.POST, instance=Policy.objects.get(pk=policy.pk))
    if form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            policies.policy_update(policy=policy, by=request.user, changes=changes)
        except GenbaError as error:
            attach_problems(form, error)
            messages.error(request, error.message)
        else:
            messages.success(request, _("The policy was saved."))
            return redirect("console:policy", key=policy.key)
    return _policy_page(request, policy, form=form, status=422)


@require_POST
@role_required(Role.ADMIN)
def zone_edit(request, key, zone_id):
    zone = get_object_or_404(CoverageZone, pk=zone_id, policy__key=key)
    form = ZoneForm(request.POST, prefix=f"zone{zone.pk}")
    if not form.is_valid():
        if "name" in form.errors:
            messages.error(request, _("A zone needs a name."))
        else:
            messages.error(request, _("The flat travel fee is empty or from 1 to 10,000,000 yen."))
        return redirect("console:policy", key=key)
    try:
        coverage.zone_update(
            zone=zone,
            by=request.user,
            name=form.cleaned_data["name"],
            travel_required=form.cleaned_data["travel_required"],
            travel_flat_fee=form.cleaned_data["travel_flat_fee"],
        )
    except GenbaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Zone %(code)s was saved.") % {"code": zone.code})
    return redirect("console:policy", key=key)


@require_POST
@role_required(Role.ADMIN)
def area_add(request, key):
    policy = get_object_or_404(Policy, key=key)
    zones = list(policy.zones.order_by("code"))
    form = AreaForm(request.POST, zones=zones, prefix="area")
    if form.is_valid():
        zone = next(z for z in zones if str(z.pk) == form.cleaned_data["zone"])
        try:
            coverage.area_add(
                zone=zone,
                by=request.user,
                prefecture=form.cleaned_data["prefecture"],
                municipality_code=form.cleaned_data["municipality_code"] or "",
                municipality_name=form.cleaned_data["municipality_name"],
            )
        except GenbaError as error:
            attach_problems(form, error)
            messages.error(request, error.message)
        else:
            messages.success(request, _("The area was added to the coverage table."))
            return redirect("console:policy", key=key)
    return _policy_page(request, policy, area_form=form, status=422)


@require_POST
@role_required(Role.ADMIN)
def area_remove(request, key, area_id):
    area = get_object_or_404(CoverageArea, pk=area_id, zone__policy__key=key)
    coverage.area_remove(area=area, by=request.user)
    messages.success(request, _("The area was removed from the coverage table."))
    return redirect("console:policy", key=key)
