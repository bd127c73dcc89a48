"""Where things are: a site's coordinates, or failing those the centroid of its prefecture
(municipality centroids are not in any package this project can install offline)."""

from __future__ import annotations

from genba.core.prefectures import normalize_prefecture, prefecture_by_name
from genba.dispatch.travel import Point


def site_point(site) -> Point | None:
    if site is None:
        return None
    if site.latitude is not None and site.longitude is not None:
        return (float(site.latitude), float(site.longitude))
    name = normalize_prefecture(site.prefecture)
    if name is None:
        return None
    prefecture = prefecture_by_name(name)
    return (float(prefecture.lat), float(prefecture.lng))


def home_point(profile) -> Point:
    return (float(profile.home_latitude), float(profile.home_longitude))
