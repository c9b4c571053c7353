from django.contrib import admin
from django.contrib.auth.models import Group

from gonghui.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """The admin is for looking only: every write goes through a service, which audits it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_username", "action", "object_repr", "org", "ip", "via")
    list_filter = ("action", "via")
    search_fields = ("object_repr", "actor_username", "object_id")
    date_hierarchy = "at"


# Roles at orgs replace Django's groups; an editable group page would be a way around them.
admin.site.unregister(Group)
