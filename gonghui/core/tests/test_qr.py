from gonghui.core.qr import qr_png, qr_svg


def test_qr_codes_come_as_inline_svg_and_png():
    svg = qr_svg("https://gonghui.example.cn/s/abc", title="站点二维码")
    assert svg.startswith("<svg") and "站点二维码" in svg
    assert qr_png("https://gonghui.example.cn/s/abc").startswith(b"\x89PNG")


def test_an_svg_code_scales_with_css_instead_of_being_cut_off():
    svg = qr_svg("https://gonghui.example.cn/s/abc", scale=6)
    width = svg.split('width="')[1].split('"')[0]
    assert f'viewBox="0 0 {width} {width}"' in svg
