from gonghui.core.console import nav_for


def console(request):
    """The shell's data: side navigation and the roles the user can switch between."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "scope"):
        return {}
    scope = request.scope
    from gonghui.accounts.models import Role

    roles = list(
        Role.objects.filter(user=user, org__status="active")
        .select_related("org")
        .order_by("org__path")
    )
    nav_items = nav_for(scope)
    matches = [item for item in nav_items if request.path.startswith(item.url)]
    active = max(matches, key=lambda item: len(item.url)).key if matches else ""
    return {
        "scope": scope,
        "nav_items": nav_items,
        "nav_active": active,
        "acting_role_id": scope.acting.role_id if scope.acting else None,
        "acting_org_name": scope.acting.org_name if scope.acting else "",
        "switchable_roles": roles,
    }
