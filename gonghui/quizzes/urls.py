from django.urls import path

from gonghui.quizzes import views, views_figures

app_name = "quizzes"

CAMPAIGN = "campaigns/<int:quizcampaign_id>/"
BANK = "banks/<int:questionbank_id>/"
QUESTION = "questions/<int:question_id>/"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path(CAMPAIGN, views.campaign_detail, name="campaign"),
    path(CAMPAIGN + "edit/", views.campaign_edit, name="campaign_edit"),
    path(CAMPAIGN + "quotas/", views.campaign_quotas, name="campaign_quotas"),
    path(CAMPAIGN + "status/", views.campaign_status, name="campaign_status"),
    path(CAMPAIGN + "qr.svg", views.campaign_qr, {"fmt": "svg"}, name="campaign_qr_svg"),
    path(CAMPAIGN + "qr.png", views.campaign_qr, {"fmt": "png"}, name="campaign_qr_png"),
    path(CAMPAIGN + "figures/", views_figures.campaign_figures_page, name="figures"),
    path(CAMPAIGN + "participants/", views_figures.participant_list, name="participants"),
    *[
        path(
            CAMPAIGN + f"{sheet}.xlsx",
            views_figures.export,
            {"sheet": sheet},
            name=f"export_{sheet}",
        )
        for sheet in ("figures", "ranking", "participants", "questions")
    ],
    path("banks/", views.bank_list, name="banks"),
    path("banks/new/", views.bank_create, name="bank_create"),
    path(BANK, views.bank_detail, name="bank"),
    path(BANK + "rename/", views.bank_rename, name="bank_rename"),
    path(BANK + "import/", views.bank_import, name="bank_import"),
    path(BANK + "questions/new/", views.question_create, name="question_create"),
    path(QUESTION, views.question_preview, name="question_preview"),
    path(QUESTION + "edit/", views.question_edit, name="question_edit"),
]
