from gonghui.core import localcache
from gonghui.core.localcache import LocalCache, clear_local_caches


def test_a_local_cache_keeps_a_value_for_its_time_then_reads_again(settings, monkeypatch):
    settings.LOCAL_CACHE_SECONDS = 30
    now = [1000.0]
    monkeypatch.setattr(localcache.time, "monotonic", lambda: now[0])
    cache, loads = LocalCache("test"), []

    def load():
        loads.append(1)
        return len(loads)

    assert cache.get("k", load) == 1 and cache.get("k", load) == 1
    now[0] += 31
    assert cache.get("k", load) == 2
    cache.forget("k")
    assert cache.get("k", load) == 3
    clear_local_caches()
    assert cache.get("k", load) == 4


def test_nothing_is_kept_when_turned_off_and_a_miss_is_never_kept(settings):
    cache = LocalCache("test")
    assert cache.get("gone", lambda: None) is None
    assert cache.get("gone", lambda: "found") == "found"
    settings.LOCAL_CACHE_SECONDS = 0
    assert cache.get("gone", lambda: "fresh") == "fresh"
