"""/api/v1/sites and /api/v1/contacts: the places and people a customer orders visits for."""

from __future__ import annotations

from django.http import Http404
from ninja import Router

from genba.accounts.models import Role
from genba.api import idempotency
from genba.api.documents import contact_document, site_document
from genba.api.problems import refusals
from genba.api.schemas import ContactOut, SiteOut
from genba.orders.inputs import ContactIn, SiteIn
from genba.sites.models import Contact, Site
from genba.sites.services import contact_create, site_create

router = Router(tags=["sites and contacts"])


def _scoped(model, user):
    qs = model.objects.all()
    if user.role == Role.CUSTOMER:
        return qs.filter(organization_id=user.organization_id)
    if user.role in (Role.COORDINATOR, Role.ADMIN):
        return qs
    return qs.none()


def _get(model, user, public_id):
    obj = _scoped(model, user).filter(public_id=public_id).first()
    if obj is None:
        raise Http404
    return obj


@router.get(
    "/sites",
    response=list[SiteOut],
    summary="Your organization's sites",
    openapi_extra=refusals(),
)
def list_sites(request):
    return [site_document(s) for s in _scoped(Site, request.auth).order_by("name")[:500]]


@router.get(
    "/sites/{site_id}",
    response=SiteOut,
    openapi_extra=refusals(404),
)
def get_site(request, site_id: str):
    return site_document(_get(Site, request.auth, site_id))


@router.post(
    "/sites",
    response={201: SiteOut},
    summary="Add a site",
    openapi_extra=refusals(403, body=True),
)
def create_site(request, data: SiteIn):
    return idempotency.run(
        request, request.auth, lambda: site_document(site_create(by=request.auth, data=data))
    )


@router.get(
    "/contacts",
    response=list[ContactOut],
    summary="Your organization's contacts",
    openapi_extra=refusals(),
)
def list_contacts(request):
    return [contact_document(c) for c in _scoped(Contact, request.auth).order_by("name")[:500]]


@router.get(
    "/contacts/{contact_id}",
    response=ContactOut,
    openapi_extra=refusals(404),
)
def get_contact(request, contact_id: str):
    return contact_document(_get(Contact, request.auth, contact_id))


@router.post(
    "/contacts",
    response={201: ContactOut},
    summary="Add a contact",
    openapi_extra=refusals(403, body=True),
)
def create_contact(request, data: ContactIn):
    return idempotency.run(
        request, request.auth, lambda: contact_document(contact_create(by=request.auth, data=data))
    )
