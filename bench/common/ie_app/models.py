"""The same columns as members.Worker, for django-import-export to import into."""

from django.db import models


class BenchWorker(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=50, db_index=True)
    name_pinyin = models.CharField(max_length=200, db_index=True)
    name_initials = models.CharField(max_length=50, db_index=True)
    gender = models.CharField(max_length=1, blank=True)
    birth_date = models.DateField(null=True)
    id_number_enc = models.BinaryField(null=True)
    id_number_index = models.CharField(max_length=32, null=True, unique=True)  # noqa: DJ001
    id_number_masked = models.CharField(max_length=18, blank=True)
    phone_enc = models.BinaryField(null=True)
    phone_index = models.CharField(max_length=32, null=True, db_index=True)  # noqa: DJ001
    phone_masked = models.CharField(max_length=11, blank=True)
    phone_tail = models.CharField(max_length=4, blank=True, db_index=True)
    employer_name = models.CharField(max_length=100, blank=True)
    employment_form = models.CharField(max_length=16)
    membership_status = models.CharField(max_length=8)
    joined_on = models.DateField(null=True)

    class Meta:
        app_label = "bench_ie"

    def __str__(self) -> str:
        return self.name
