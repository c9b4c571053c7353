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
