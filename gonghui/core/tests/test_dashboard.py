def test_dashboard_shows_subtree_figures_from_the_registry(world, login):
    page = login("dongcheng_admin").get("/").content.decode()
    assert 'data-figure="orgs"' in page and 'data-figure="staff"' in page
    assert "/orgs/list/?kind=area" in page  # figures drill down to their records


def test_dashboard_figures_count_only_the_acting_subtree(world):
    from gonghui.core.console import figures_for

    cards = {c.key: c for c in figures_for(world.scope("dongcheng_admin"))}
    assert cards["orgs"].value == 3  # 东城, 龙潭, 双玉社区
    assert cards["staff"].value == 4  # dongcheng_admin, longtan_officer, longtan_admin, multi_role
    assert cards["orgs"].as_of is not None


def test_h5_home_needs_no_login(db, client):
    response = client.get("/h5/")
    assert response.status_code == 200 and 'class="h5"' in response.content.decode()
