"""Parallel requests on PostgreSQL (DESIGN rule 5): the database keeps the tree whole."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from gonghui.accounts.models import User
from gonghui.accounts.services import token_create
from gonghui.core.testing import build_world
from gonghui.orgs.models import Org

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PARALLEL = 12


def _in_thread(func):
    def run(*args):
        try:
            return func(*args)
        finally:
            connection.close()

    return run


def test_parallel_creations_under_one_parent_all_get_their_own_place_in_the_tree():
    # given
    build_world()
    _row, token = token_create(user=User.objects.get(username="dongcheng_admin"), name="p")

    @_in_thread
    def create(i: int) -> int:
        client = Client(headers={"authorization": f"Bearer {token}"})
        payload = {
            "parent_code": "bj-dc-lt",
            "code": f"bj-dc-lt-p{i}",
            "name": f"并发{i}号工会",
            "kind": "grassroots",
        }
        return client.post("/api/v1/orgs/", payload, content_type="application/json").status_code

    # when
    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(create, range(PARALLEL)))
    # then
    assert statuses == [201] * PARALLEL
    parent = Org.objects.get(code="bj-dc-lt")
    children = Org.objects.get_children(parent)
    assert children.count() == parent.numchild == PARALLEL + 1  # plus the community
    assert len({c.path for c in children}) == PARALLEL + 1


def test_parallel_wrong_passwords_each_count_towards_the_lock(settings):
    # given
    settings.LOGIN_MAX_FAILURES = PARALLEL
    build_world()

    @_in_thread
    def guess(_i: int) -> int:
        return (
            Client()
            .post(
                "/api/v1/auth/token",
                {"username": "longtan_officer", "password": "x"},
                content_type="application/json",
            )
            .status_code
        )

    # when
    with ThreadPoolExecutor(PARALLEL) as pool:
        list(pool.map(guess, range(PARALLEL)))
    # then: no lost update lets a guesser past the limit
    assert User.objects.get(username="longtan_officer").is_locked
