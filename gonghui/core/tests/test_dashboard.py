from gonghui.orgs.models import OrgKind
from gonghui.orgs.services import org_create


def test_dashboard_shows_subtree_figures_from_the_registry(world, login):
    page = login("dongcheng_admin").get("/").content.decode()
    assert 'data-figure="orgs"' in page and 'data-figure="staff"' in page
    assert "/orgs/list/?kind=area" in page  # figures drill down to their records


def test_dashboard_figures_count_only_the_acting_subtree(world):
    from gonghui.core.console import figures_for

    # given: a second community under 龙潭, so a kind's count is more than one
    org_create(
        scope=world.scope("dongcheng_admin"),
        parent=world.org("bj-dc-lt"),
        code="bj-dc-lt-ltbl",
        name="龙潭北里社区工会",
        kind=OrgKind.COMMUNITY,
    )
    # when
    cards = {c.key: c for c in figures_for(world.scope("dongcheng_admin"))}
    # then
    assert cards["orgs"].value == 4  # 东城, 龙潭, 双玉社区, 龙潭北里社区
    assert {row.label: row.value for row in cards["orgs"].rows}["社区工会"] == 2
    assert cards["staff"].value == 4  # dongcheng_admin, longtan_officer, longtan_admin, multi_role
    assert cards["orgs"].as_of is not None


def test_h5_home_needs_no_login(db, client):
    response = client.get("/h5/")
    assert response.status_code == 200 and 'class="h5"' in response.content.decode()
