"""Workers for view, API and export tests, written through the services like real ones."""

from gonghui.core.identity import id_check_digit
from gonghui.members.models import Worker
from gonghui.members.services import worker_create


def an_id(birth: str, serial: str, region: str = "110101") -> str:
    first17 = f"{region}{birth}{serial}"
    return first17 + id_check_digit(first17)


ZHANG_ID = an_id("19900307", "123")
ZHANG_PHONE = "13812345678"
LI_ID = an_id("19920101", "002")
OUTSIDER_ID = an_id("19850615", "031")


def add_worker(world, org_code: str, name: str, *, user: str = "", **fields) -> Worker:
    """A worker in ``org_code``'s register, added by an officer or admin of that org."""
    username = (
        user
        or {
            "bj-dc-lt": "longtan_officer",
            "bj-dc-lt-sy": "longtan_officer",
            "bj-xc-xjk": "xinjiekou_officer",
            "bj-xc-xjk-kd": "xinjiekou_officer",
        }[org_code]
    )
    return worker_create(scope=world.scope(username), org=world.org(org_code), name=name, **fields)


def add_zhang(world) -> Worker:
    """张三, a rider of 美团 in 龙潭's register, outdoor worker, with ID and phone."""
    return add_worker(
        world,
        "bj-dc-lt",
        "张三",
        id_number=ZHANG_ID,
        phone=ZHANG_PHONE,
        employer_name="美团",
        employment_form="rider",
        groups=["outdoor"],
    )


# Membership applications

WANG_ID = an_id("19950412", "031")
WANG_PHONE = "13912345678"


def applicant(**overrides) -> dict:
    """What 王小明, a 美团 rider, types on the join page (the phone is the one he signed in
    with)."""
    return {
        "phone": WANG_PHONE,
        "name": "王小明",
        "id_number": WANG_ID,
        "employment_form": "rider",
        "industry": "food_delivery",
        "employer_name": "美团",
        "not_notify_employer": False,
        "consent": True,
        **overrides,
    }


def apply(world, place: str = "bj-xc-xjk", **overrides):
    """An application made on the H5 page, working in ``place`` (a street or district code)."""
    from gonghui.members.services import application_submit

    return application_submit(work_place=world.org(place), **applicant(**overrides))


def employer_with_union(world, name: str = "顺丰速运有限公司", union: str = "bj-xc-xjk-kd"):
    """An employer whose grassroots union is in the register (by default under 新街口)."""
    from gonghui.members.services import employer_create

    user = "xinjiekou_officer" if union.startswith("bj-xc") else "longtan_officer"
    return employer_create(scope=world.scope(user), name=name, union=world.org(union))
