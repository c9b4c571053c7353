"""Field encryption, blind indexes and key rotation (DESIGN rule 2)."""

import hmac
import json
import stat
from io import StringIO

import pytest
from cryptography.exceptions import InvalidTag
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core import crypto
from gonghui.core.crypto import blind_index, decrypt, encrypt, keyring
from gonghui.core.models import AuditEvent


def test_a_value_round_trips_and_is_bound_to_its_field(settings):
    token = encrypt("id_number", "11010519491231002X")
    assert b"11010519491231002X" not in token
    assert decrypt("id_number", token) == "11010519491231002X"
    with pytest.raises(InvalidTag):
        decrypt("phone", token)  # an ID ciphertext cannot pass as a phone


def test_encryption_is_randomised_but_the_blind_index_is_stable():
    assert encrypt("phone", "13812345678") != encrypt("phone", "13812345678")
    assert blind_index("phone", "13812345678") == blind_index("phone", "13812345678")
    assert blind_index("phone", "13812345678") != blind_index("id_number", "13812345678")


def test_the_key_file_is_created_readable_by_its_owner_only(settings):
    keyring()
    mode = stat.S_IMODE(settings.GONGHUI_KEY_FILE.stat().st_mode)
    assert mode == 0o600
    assert set(json.loads(settings.GONGHUI_KEY_FILE.read_text())) >= {
        "encryption_keys",
        "index_key",
    }


def test_another_key_file_gives_other_indexes(settings, tmp_path):
    first = blind_index("phone", "13812345678")
    settings.GONGHUI_KEY_FILE = tmp_path / "other-keys.json"
    assert blind_index("phone", "13812345678") != first


@pytest.mark.django_db
def test_rotation_re_encrypts_and_re_indexes_everything(world):
    from gonghui.members.models import Worker
    from gonghui.members.selectors import worker_list
    from gonghui.members.services import worker_create, worker_reveal

    # given
    scope = world.scope("longtan_admin")
    worker = worker_create(
        scope=scope,
        org=world.org("bj-dc-lt"),
        name="张三",
        id_number="11010519491231002X",
        phone="13812345678",
    )
    old_index = Worker.objects.get(pk=worker.pk).phone_index
    # when
    call_command("rotate_keys", stdout=StringIO(), stderr=StringIO())
    # then
    ring = keyring()
    stored = Worker.objects.get(pk=worker.pk)
    assert crypto.key_number(stored.id_number_enc) == ring.active == 2
    assert stored.phone_index != old_index
    assert worker_reveal(scope=scope, worker=stored, field="id_number") == "11010519491231002X"
    assert [w.name for w in worker_list(scope, q="13812345678")] == ["张三"]
    assert [w.name for w in worker_list(scope, q="11010519491231002x")] == ["张三"]
    assert AuditEvent.objects.filter(action="keys.rotate").exists()


@pytest.mark.django_db
def test_a_rotation_cut_off_after_its_commit_is_finished_by_the_next_run(world):
    from gonghui.members.selectors import worker_list
    from gonghui.members.services import worker_create

    scope = world.scope("longtan_admin")
    worker_create(scope=scope, org=world.org("bj-dc-lt"), name="张三", phone="13812345678")
    original_finish = None

    def cut_off(ring):  # the process dies before the key file records the new index key
        raise SystemExit("killed")

    from gonghui.core.management.commands import rotate_keys

    original_finish, rotate_keys._finish = rotate_keys._finish, cut_off
    try:
        with pytest.raises(SystemExit):
            call_command("rotate_keys", stdout=StringIO(), stderr=StringIO())
    finally:
        rotate_keys._finish = original_finish
    crypto.reset_keyring_cache()
    out = StringIO()
    call_command("rotate_keys", stdout=out, stderr=StringIO())
    assert "had finished" in out.getvalue()
    assert [w.name for w in worker_list(scope, q="13812345678")] == ["张三"]


@given(
    key=st.binary(min_size=1, max_size=100),
    field=st.sampled_from(["id_number", "phone"]),
    value=st.text(max_size=30),
)
def test_the_blind_index_is_hmac_sha256_as_the_library_computes_it(key, field, value):
    reference = hmac.digest(key, f"{field}:{value}".encode(), "sha256")
    assert blind_index(field, value, key=key) == reference[: crypto.INDEX_HEX_CHARS // 2].hex()
