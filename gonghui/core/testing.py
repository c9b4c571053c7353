"""A small named world for tests: the reference page's orgs and staff at several levels.

Named users, as STYLE.md asks: ``city_admin`` (北京市总工会), ``dongcheng_admin``,
``longtan_officer`` (龙潭街道总工会), ``xinjiekou_officer`` (新街口街道总工会, the sibling
whose records the 龙潭 officer must never see), ``xicheng_viewer`` and ``multi_role``
(officer at 龙潭 and viewer at 新街口, for switching the acting org).
"""

from dataclasses import dataclass, field

from gonghui.accounts.models import Role, User
from gonghui.core.permissions import RoleKind
from gonghui.core.scope import Scope, scope_for_user
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.services import org_create_root

PASSWORD = "Gonghui-test-2026"

# (code, name, kind, parent code)
TREE = [
    ("acftu", "中华全国总工会", OrgKind.FEDERATION, None),
    ("bj", "北京市总工会", OrgKind.FEDERATION, "acftu"),
    ("bj-dc", "东城区总工会", OrgKind.FEDERATION, "bj"),
    ("bj-dc-lt", "龙潭街道总工会", OrgKind.AREA, "bj-dc"),
    ("bj-dc-lt-sy", "龙潭街道双玉社区工会", OrgKind.COMMUNITY, "bj-dc-lt"),
    ("bj-xc", "西城区总工会", OrgKind.FEDERATION, "bj"),
    ("bj-xc-xjk", "新街口街道总工会", OrgKind.AREA, "bj-xc"),
    ("bj-xc-xjk-kd", "新街口快递物流联合工会", OrgKind.GRASSROOTS, "bj-xc-xjk"),
    ("bj-cy", "朝阳区总工会", OrgKind.FEDERATION, "bj"),
    ("bj-cy-gbd", "高碑店地区总工会", OrgKind.AREA, "bj-cy"),
]

USERS = [
    ("city_admin", "市总管理员", "bj", RoleKind.ADMIN),
    ("dongcheng_admin", "东城区管理员", "bj-dc", RoleKind.ADMIN),
    ("longtan_officer", "龙潭工作人员", "bj-dc-lt", RoleKind.OFFICER),
    ("longtan_admin", "龙潭管理员", "bj-dc-lt", RoleKind.ADMIN),
    ("xinjiekou_officer", "新街口工作人员", "bj-xc-xjk", RoleKind.OFFICER),
    ("xinjiekou_admin", "新街口管理员", "bj-xc-xjk", RoleKind.ADMIN),
    ("xicheng_viewer", "西城区查看员", "bj-xc", RoleKind.VIEWER),
]


@dataclass
class World:
    orgs: dict[str, Org] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def org(self, code: str) -> Org:
        return Org.objects.get(pk=self.orgs[code].pk)

    def scope(self, username: str, *, all_roles: bool = False) -> Scope:
        return scope_for_user(self.users[username], all_roles=all_roles)


def build_world() -> World:
    """Create the tree and users directly (no scope needed to build the fixture itself)."""
    world = World()
    for code, name, kind, parent_code in TREE:
        if parent_code is None:
            world.orgs[code] = org_create_root(actor=None, code=code, name=name, kind=kind)
        else:
            parent = Org.objects.get(code=parent_code)
            from gonghui.core.pinyin import pinyin_keys

            full, initials = pinyin_keys(name)
            world.orgs[code] = Org.objects.add_child(
                parent,
                {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "name_pinyin": full,
                    "name_initials": initials,
                },
            )
    for username, display, org_code, kind in USERS:
        user = User.objects.create_user(username=username, password=PASSWORD, display_name=display)
        Role.objects.create(user=user, org=world.orgs[org_code], kind=kind)
        world.users[username] = user
    multi = User.objects.create_user(
        username="multi_role", password=PASSWORD, display_name="两处任职"
    )
    Role.objects.create(user=multi, org=world.orgs["bj-dc-lt"], kind=RoleKind.OFFICER)
    Role.objects.create(user=multi, org=world.orgs["bj-xc-xjk"], kind=RoleKind.VIEWER)
    world.users["multi_role"] = multi
    return world
