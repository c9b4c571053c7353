"""The demo's relief campaigns reproduce the newspaper page's figures from their records."""

from io import StringIO

from django.core.management import call_command

from gonghui.accounts.models import User
from gonghui.care.models import CareCampaign, Distribution
from gonghui.care.selectors import care_figures
from gonghui.core.scope import scope_for_user


def figures_for(username: str):
    return care_figures(scope_for_user(User.objects.get(username=username)))


def test_the_page_s_three_campaigns_add_up_and_load_once(db):
    # given / when
    call_command("load_demo", grassroots=0, stdout=StringIO())
    # then: 新街口 reached "over 1,000 person-times", couriers, guards and community workers
    xinjiekou = figures_for("xinjiekou")
    assert xinjiekou.person_times == 1036 and xinjiekou.people == 530
    assert {"快递员", "保安员", "社区工作者"} <= {line.label for line in xinjiekou.by_target}
    longtan = CareCampaign.objects.get(name="温暖战疫职工：慰问防疫一线职工")
    assert longtan.distributions.filter(voided_at=None).count() == 168
    gaobeidian = figures_for("gaobeidian")
    assert gaobeidian.person_times == 86 + 40 + 120
    assert {line.label for line in gaobeidian.by_org} == {
        "高井村工会",
        "高碑店村工会",
        "花园闸社区工会",
    }
    # and a second load adds nothing
    before = Distribution.objects.count()
    call_command("load_demo", grassroots=0, stdout=StringIO())
    assert Distribution.objects.count() == before
