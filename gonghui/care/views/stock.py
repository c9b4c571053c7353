"""Supplies, kits, sites and stock: the balances, the ledger, and one form per movement."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.care import forms, selectors, services
from gonghui.care.views.common import form_page, require_edit
from gonghui.core.permissions import Perm


def _int(request, key: str) -> int | None:
    value = request.GET.get(key, "")
    return int(value) if value.isdigit() else None


def stock(request):
    scope = request.scope
    site_id, item_id = _int(request, "site"), _int(request, "item")
    balances = selectors.balance_list(scope, site_id=site_id, item_id=item_id)
    movements = Paginator(selectors.movement_list(scope, site_id=site_id, item_id=item_id), 30)
    context = {
        "balances": balances,
        "movements": movements.get_page(request.GET.get("page")),
        "totals": selectors.stock_totals(scope),
        "sites": selectors.site_list(scope),
        "can_edit": scope.can_anywhere(Perm.EDIT),
        "site_id": site_id,
        "item_id": item_id,
    }
    return render(request, "care/stock.html", context)


def supplies(request):
    scope = request.scope
    context = {
        "items": selectors.item_list(scope).prefetch_related("components__item"),
        "sites": selectors.site_list(scope),
        "rules": selectors.rule_list(scope),
        "groups": selectors.limit_group_list(scope),
        "can_edit": scope.can_anywhere(Perm.EDIT),
    }
    return render(request, "care/supplies.html", context)


def _stock_form(request, form_class, call, title: str, success: str):
    scope = request.scope
    require_edit(scope)
    form = form_class(request.POST or None, scope=scope)
    back = reverse("care:stock")
    return form_page(
        request,
        form,
        lambda f: call(scope=scope, **f.service_fields()),
        title=title,
        success=success,
        back=back,
    )


def receive(request):
    return _stock_form(
        request,
        forms.ReceiveForm,
        services.stock_receive,
        _("Receive supplies"),
        _("Received into stock."),
    )


def transfer(request):
    return _stock_form(
        request,
        forms.TransferForm,
        services.stock_transfer,
        _("Transfer between sites"),
        _("Transferred."),
    )


def adjust(request):
    return _stock_form(
        request, forms.AdjustForm, services.stock_adjust, _("Adjust stock"), _("Adjusted.")
    )


def pack(request):
    return _stock_form(
        request, forms.PackForm, services.kit_pack, _("Pack kits"), _("Kits packed.")
    )


def _create(request, form_class, call, title: str, success: str):
    scope = request.scope
    require_edit(scope)
    form = form_class(request.POST or None, scope=scope)
    data = (
        (lambda f: f.service_fields())
        if hasattr(form_class, "service_fields")
        else (lambda f: f.cleaned_data)
    )
    return form_page(
        request,
        form,
        lambda f: call(scope=scope, **data(f)),
        title=title,
        success=success,
        back=reverse("care:supplies"),
    )


def item_create(request):
    return _create(request, forms.ItemForm, services.item_create, _("New supply"), _("Saved."))


def kit_create(request):
    return _create(request, forms.KitForm, services.kit_create, _("New kit"), _("Saved."))


def site_create(request):
    return _create(request, forms.SiteForm, services.site_create, _("New site"), _("Saved."))


def rule_create(request):
    return _create(
        request, forms.RuleForm, services.rule_create, _("New spending rule"), _("Saved.")
    )


def limit_group_create(request):
    return _create(
        request,
        forms.LimitGroupForm,
        services.limit_group_create,
        _("New limit group"),
        _("Saved."),
    )
