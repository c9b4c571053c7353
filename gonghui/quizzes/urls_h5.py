from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import path

from gonghui.quizzes import certificates

app_name = "quizzes_h5"


@login_not_required
def campaign(request, quizcampaign_token: str):  # the participant side's page replaces this
    raise Http404()


urlpatterns = [
    path("<str:quizcampaign_token>/", campaign, name="campaign"),
    path(
        "<str:quizcampaign_token>/certificate.png",
        certificates.h5_certificate,
        name="certificate",
    ),
    path("certificates/<str:code>/", certificates.certificate_verify, name="certificate_verify"),
]
