"""The worker's quiz pages under /h5/quiz/: the campaign link (``?branch=<org code>``), enter,
the sitting, its answers and submission, the result."""

from django.urls import path

from gonghui.quizzes import certificates, h5

app_name = "quizzes_h5"

urlpatterns = [
    path("<str:quizcampaign_token>/", h5.campaign, name="campaign"),
    path("<str:quizcampaign_token>/enter/", h5.enter, name="enter"),
    path("sittings/<int:sitting_id>/", h5.sitting, name="sitting"),
    path("sittings/<int:sitting_id>/answer/", h5.answer, name="answer"),
    path("sittings/<int:sitting_id>/submit/", h5.submit, name="submit"),
    path("sittings/<int:sitting_id>/result/", h5.result, name="result"),
    # The e-certificate (organiser side, certificates.py) and its public check.
    path(
        "<str:quizcampaign_token>/certificate/",
        certificates.h5_certificate_page,
        name="certificate_page",
    ),
    path(
        "<str:quizcampaign_token>/certificate.png",
        certificates.h5_certificate,
        name="certificate",
    ),
    path("certificates/check/", certificates.certificate_verify, name="certificate_verify"),
]
