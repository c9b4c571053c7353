"""The worker's own H5 pages: /h5/sign-in/, /h5/me/, /h5/join/ (joining the union online)."""

from django.urls import path

from gonghui.members import h5

app_name = "members_h5"

urlpatterns = [
    path("sign-in/", h5.sign_in, name="sign_in"),
    path("me/", h5.me, name="me"),
    path("me/qr/", h5.my_qr, name="my_qr"),
    path("me/card/", h5.my_card, name="my_card"),
    path("join/", h5.join, name="join"),
    path("join/streets/", h5.join_streets, name="join_streets"),
    path("join/employers/", h5.join_employers, name="join_employers"),
    path("join/status/", h5.join_status, name="join_status"),
    path("sign-out/", h5.sign_out, name="sign_out"),
]
