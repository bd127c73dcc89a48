"""Turning a service's refusal into words next to the fields a page shows."""

from __future__ import annotations

from django import forms

from genba.core.errors import GenbaError


def attach_problems(form: forms.Form, error: GenbaError, *, field_map: dict | None = None) -> None:
    """Put each problem next to its field; problems about fields the form does not show go to the
    top of the form with the field's name, so that nothing the service said is lost."""
    field_map = field_map or {}
    if not error.problems:
        form.add_error(None, error.message)
        return
    for problem in error.problems:
        name = field_map.get(problem.field, problem.field)
        if name in form.fields:
            form.add_error(name, problem.message)
        else:
            form.add_error(None, f"{problem.field}: {problem.message}")
