from gonghui.core.qr import qr_png, qr_svg


def test_qr_codes_come_as_inline_svg_and_png():
    svg = qr_svg("https://gonghui.example.cn/s/abc", title="站点二维码")
    assert svg.startswith("<svg") and "站点二维码" in svg
    assert qr_png("https://gonghui.example.cn/s/abc").startswith(b"\x89PNG")
