from django.contrib import admin

from gonghui.accounts.models import ApiToken, Role, User
from gonghui.core.admin import ReadOnlyAdmin


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name", "is_active", "last_login", "locked_until")
    search_fields = ("username", "display_name")
    exclude = ("password",)
    inlines = [RoleInline]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("digest",)
