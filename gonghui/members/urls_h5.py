"""The worker's own H5 pages: /h5/sign-in/, /h5/me/."""

from django.urls import path

from gonghui.members import h5

app_name = "members_h5"

urlpatterns = [
    path("sign-in/", h5.sign_in, name="sign_in"),
    path("me/", h5.me, name="me"),
    path("me/qr/", h5.my_qr, name="my_qr"),
    path("sign-out/", h5.sign_out, name="sign_out"),
]
