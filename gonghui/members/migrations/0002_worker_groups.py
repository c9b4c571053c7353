from django.db import migrations

# (code, name, order): the groups relief campaigns and reports target.
GROUPS = [
    ("outdoor", "户外劳动者", 10),
    ("frontline", "一线职工", 20),
    ("hardship", "困难职工", 30),
    ("model_worker", "劳动模范", 40),
    ("craftsman", "工匠人才", 50),
    ("migrant", "农民工", 60),
    ("security_guard", "保安员", 70),
    ("sanitation", "环卫工人", 80),
    ("epidemic_frontline", "防疫一线人员", 90),
    ("community_worker", "社区工作者", 100),
]


def add_groups(apps, schema_editor):
    WorkerGroup = apps.get_model("members", "WorkerGroup")
    for code, name, order in GROUPS:
        WorkerGroup.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(add_groups, migrations.RunPython.noop)]
