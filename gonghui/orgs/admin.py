from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin
from gonghui.orgs.models import Org, OrgMove


@admin.register(Org)
class OrgAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "status", "depth")
    list_filter = ("kind", "status", "depth")
    search_fields = ("code", "name", "name_pinyin", "name_initials")


@admin.register(OrgMove)
class OrgMoveAdmin(ReadOnlyAdmin):
    list_display = ("org", "from_parent", "to_parent", "moved_at", "moved_by")
