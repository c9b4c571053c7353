"""Form fields that depend on the acting user's scope."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope


class ScopedOrgChoiceField(forms.ModelChoiceField):
    """An active union within the user's subtree, indented under its parents, in tree order.

    Only unions where the user holds ``perm`` are offered, so a posted id from another
    subtree is "not one of the choices", like any other invalid choice."""

    def __init__(self, scope: Scope, *, perm: Perm = Perm.VIEW, exclude=None, **kwargs) -> None:
        from gonghui.orgs.models import Org, OrgStatus

        paths = [grant.org_path for grant in scope.grants if perm in grant.perms]
        within = Q(pk__in=[])
        for path in paths:
            within |= Q(path__startswith=path)
        orgs = Org.objects.filter(within, status=OrgStatus.ACTIVE)
        if exclude is not None:
            orgs = orgs.exclude(pk=exclude.pk)
        self.top_depth = min((len(p) // Org.steplen for p in paths), default=1)
        kwargs.setdefault("label", _("Union"))
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset=orgs.order_by("path"), **kwargs)

    def label_from_instance(self, obj) -> str:
        # full-width spaces: the tree stays readable inside a plain <select>
        return "\u3000" * max(obj.depth - self.top_depth, 0) + obj.name
