from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin
from gonghui.members.models import (
    ApplicationEvent,
    EmployerAlias,
    JoinPolicy,
    MembershipApplication,
    RoutingRule,
)


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(ReadOnlyAdmin):
    list_display = ("name", "id_number_masked", "org", "status", "submitted_on", "due_on")
    list_filter = ("status", "employment_form", "route")
    search_fields = ("name",)
    exclude = ("id_number_enc", "id_number_index", "phone_enc", "phone_index")


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin):
    list_display = ("application", "kind", "from_org", "to_org", "level", "at")
    list_filter = ("kind",)


@admin.register(RoutingRule)
class RoutingRuleAdmin(ReadOnlyAdmin):
    list_display = ("place", "industry", "target", "org")


@admin.register(JoinPolicy)
class JoinPolicyAdmin(ReadOnlyAdmin):
    list_display = ("org", "decide_within_days", "updated_at")


@admin.register(EmployerAlias)
class EmployerAliasAdmin(ReadOnlyAdmin):
    list_display = ("alias", "employer")
    search_fields = ("alias",)
