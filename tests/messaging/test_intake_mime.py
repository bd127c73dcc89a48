"""genba.messaging.intake.mime: messages built as bytes, the way mail clients send them (issue 12).

Japanese text is written as the bytes Windows writes (CP932 with the IBM extension 0xFBFC for 髙,
ISO-2022-JP with NEC row-13 codes inside ESC $ B, encoded by hand), and the decoded text is checked
exactly.
"""

from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest

from genba.messaging.intake import charsets, mime

# 髙橋 ①  ０３－１２３４－５６７８ as Windows (CP932) writes it: 髙 is the IBM extension 0xFBFC,
# ① the NEC row-13 code 0x8740, the full-width minus 0x817C.
CP932_NAME_PHONE = (
    b"\xfb\xfc\x8b\xb4 \x87\x40  \x82\x4f\x82\x52\x81\x7c\x82\x50\x82\x51\x82\x52\x82\x53"
    b"\x81\x7c\x82\x54\x82\x55\x82\x56\x82\x57"
)
NAME_PHONE = "髙橋 ①  ０３－１２３４－５６７８"

# The same kinds of characters in ISO-2022-JP as CP50220 writes them (JIS codes, ESC $ B):
# ① 2D21, Ⅰ 2D35, ㈱ 2D6A, ㌔ 2D41 (NEC row 13), 髙 7C62 (NEC-selected IBM extension, row 92),
# 橋 3634, － 215D; then half-width katakana after ESC ( I and JIS X 0201 Roman after ESC ( J.
JIS_TEXT = (
    b"\x1b$B-!-5-j-A|b66!]\x1b(B PO-1 \x1b(I\x31\x32\x1b(B \x1b(J\\100\x1b(B\r\n"
    b"\x1b$B;aL>\x1b(B: \x1b$B|b66\x1b(B\r\n"
)
JIS_DECODED = "①Ⅰ㈱㌔髙橋－ PO-1 ｱｲ ¥100\n氏名: 髙橋"


def message(headers: list[bytes], body: bytes = b"") -> bytes:
    return b"\r\n".join([*headers, b"", body])


def b64(data: bytes) -> bytes:
    return base64.b64encode(data)


def word(charset: str, data: bytes) -> bytes:
    return b"=?" + charset.encode() + b"?B?" + b64(data) + b"?="


# --- charsets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label", ["Shift_JIS", "shift-jis", "x-sjis", "sjis", "windows-31j", "cp932", '"SHIFT_JIS"']
)
def test_a_shift_jis_body_is_decoded_as_cp932(label):
    raw = message(
        [
            b"From: hanako@acme.example",
            b"Subject: order",
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=" + label.encode(),
            b"Content-Transfer-Encoding: 8bit",
        ],
        b"\x8e\x81\x96\xbc: " + CP932_NAME_PHONE + b"\r\n",
    )
    assert mime.body_text(mime.read_message(raw)) == f"氏名: {NAME_PHONE}"


def test_python_s_strict_shift_jis_would_lose_the_characters():
    # Why the mapping exists: what email's own decoding gives for the same bytes.
    assert CP932_NAME_PHONE.decode("shift_jis", errors="replace") != NAME_PHONE
    assert "\u2212" in CP932_NAME_PHONE[-12:].decode("shift_jis", errors="replace")
    assert charsets.decode_bytes(CP932_NAME_PHONE, "Shift_JIS") == NAME_PHONE


def test_iso_2022_jp_with_nec_and_ibm_characters():
    with pytest.raises(UnicodeDecodeError):
        JIS_TEXT.decode("iso2022_jp")  # Python's codec refuses ① and 髙
    raw = message(
        [
            b"From: hanako@acme.example",
            b"Subject: order",
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=ISO-2022-JP",
            b"Content-Transfer-Encoding: 7bit",
        ],
        JIS_TEXT,
    )
    assert mime.body_text(mime.read_message(raw)) == JIS_DECODED


def test_iso_2022_jp_shift_out_katakana_and_a_broken_pair():
    assert (
        charsets.decode_bytes(b"\x0e\x31\x32\x0f A \x1b$B-!-\x1b(B", "iso-2022-jp")
        == "ｱｲ A ①\ufffd"
    )


def test_iso_2022_jp_without_a_label_is_recognised_by_its_escapes():
    assert charsets.decode_bytes(b"\x1b$B-!\x1b(B", None) == "①"
    assert charsets.decode_bytes(b"\x1b$B-!\x1b(B", "us-ascii") == "①"


def test_euc_jp_is_read_like_cp51932():
    # 髙 FCE2 (NEC-selected IBM extension), 橋 B6B6, ① ADA1 (NEC row 13), － A1DD, half-width ｱ
    # 8EB1, and 丂 8FB0A1 from JIS X 0212.
    data = b"\xfc\xe2\xb6\xb6 \xad\xa1 \xa1\xdd \x8e\xb1 \x8f\xb0\xa1"
    assert charsets.decode_bytes(data, "EUC-JP") == "髙橋 ① － ｱ 丂"


def test_unknown_charsets_fall_back_to_utf8_then_cp932():
    assert charsets.decode_bytes("東京".encode(), "x-unknown") == "東京"
    assert charsets.decode_bytes("東京".encode("cp932"), "x-unknown") == "東京"
    assert charsets.decode_bytes("東京".encode("cp932"), None) == "東京"
    assert charsets.decode_bytes(b"abc", "base64") == "abc"  # not a text encoding: guessed
    assert charsets.decode_bytes("caf\u00e9".encode("latin-1"), "iso-8859-1") == "caf\u00e9"


# --- headers --------------------------------------------------------------------------------------


def test_encoded_word_headers_use_the_same_mapping():
    raw = message(
        [
            b"From: "
            + word("ISO-2022-JP", b"\x1b$B|b66\x1b(B, Hanako")
            + b" <hanako@acme.example>",
            b"To: support@genba.example",
            # Folded, two charsets, a multi-byte run split over two words.
            b"Subject: RE:\r\n " + word("shift_jis", CP932_NAME_PHONE[:4]),
            b" " + word("shift_jis", CP932_NAME_PHONE[4:]),
            b" " + word("ISO-2022-JP", b"\x1b$B-!-5\x1b(B"),
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=utf-8",
        ],
        b"hello\r\n",
    )
    parsed = mime.read_message(raw)
    assert "\ufffd" in str(parsed["Subject"])  # what the policy's strict codecs make of it
    assert mime.header_text(parsed, "Subject") == "RE: 髙橋 ① ０３－１２３４－５６７８①Ⅰ"
    # A display name with a comma is quoted, so the address list reads back as one address.
    assert mime.header_text(parsed, "From") == '"髙橋, Hanako" <hanako@acme.example>'
    assert mime.header_text(parsed, "to") == "support@genba.example"
    assert mime.header_text(parsed, "X-Missing") == ""


def test_nul_and_control_characters_leave_headers_and_bodies():
    raw = message(
        [
            b"From: alice@acme.example",
            b"Subject: " + word("UTF-8", "Order\x00 4711\x07\u200b".encode()),
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=utf-8",
            b"Content-Transfer-Encoding: base64",
        ],
        b64(b"Title: disk\x00 swap\x1b\r\nPO:\tPO-1\x0c\r\n"),
    )
    parsed = mime.read_message(raw)
    assert mime.header_text(parsed, "Subject") == "Order 4711"
    assert mime.body_text(parsed) == "Title: disk swap\nPO:\tPO-1"


def test_a_header_of_an_unknown_charset_and_raw_8bit_headers():
    raw = message(
        [
            b"From: " + b"\x8eR\x93c <yamada@acme.example>",  # raw CP932, no encoded word
            b"Subject: " + word("x-mac-japanese-unknown", "東京 DC".encode("cp932")) + b" visit",
            b"X-Utf8: \xe6\x9d\xb1\xe4\xba\xac",
            b"X-Broken: =?utf-8?B?not base64!?= tail",
            b"X-Jis: \x1b$B|b66\x1b(B",  # raw ISO-2022-JP (old Japanese mailers)
        ],
        b"",
    )
    parsed = mime.read_message(raw)
    assert mime.header_text(parsed, "Subject") == "東京 DC visit"
    assert mime.header_text(parsed, "From") == "山田 <yamada@acme.example>"
    assert mime.header_text(parsed, "X-Utf8") == "東京"
    assert mime.header_text(parsed, "X-Broken").endswith("tail")
    assert mime.header_text(parsed, "X-Jis") == "髙橋"


def test_headers_set_by_a_program_are_read_as_they_are():
    built = EmailMessage()
    built["Subject"] = "髙橋 ① 様"
    built["From"] = "佐藤 花子 <hanako@acme.example>"
    assert mime.header_text(built, "Subject") == "髙橋 ① 様"
    assert mime.header_text(built, "From") == "佐藤 花子 <hanako@acme.example>"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe\x00garbage",
        b"Subject: =?utf-8?Q?broken\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n--\r\n",
        b'Content-Type: text/plain; charset="\xff\xfe"\r\n\r\n\xff\xfe\x00',
        b"Content-Type: message/rfc822\r\n\r\n",
        b"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n\r\n--b--",
        b"Content-Type: text/html\r\n\r\n<!-- only a comment -->",
        b"Content-Type: text/html\r\n\r\n<a href='http://[bad'>x</a>",
        b"Content-Disposition: attachment; filename*0*=zz'x'%ZZ; filename*1=b\r\n\r\nx",
    ],
)
def test_junk_never_raises(raw):
    parsed = mime.read_message(raw)
    assert isinstance(parsed, EmailMessage)
    assert isinstance(mime.body_text(parsed), str)
    assert isinstance(mime.header_text(parsed, "Subject"), str)
    assert isinstance(mime.mail_attachments(parsed), list)


# --- HTML -----------------------------------------------------------------------------------------

OUTLOOK_HTML = """\
<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv=Content-Type content="text/html; charset=iso-2022-jp">
<style><!--
p.MsoNormal {margin:0mm; font-size:10.5pt;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--></head>
<body lang=JA link="#0563C1"><div class=WordSection1>
<p class=MsoNormal>お世話になっております。下記の通りお願いします。<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>
<tr><td><p class=MsoNormal><b>項目</b><o:p></o:p></p></td>
<td><p class=MsoNormal><b>内容</b><o:p></o:p></p></td></tr>
<tr><td><p class=MsoNormal>件名<o:p></o:p></p></td>
<td><p class=MsoNormal>ディスク交換<o:p></o:p></p></td></tr>
<tr><td><p class=MsoNormal>住所：<o:p></o:p></p></td>
<td><p class=MsoNormal>〒100-0004<br>東京都千代田区大手町1-2-3<br>大手町タワー&nbsp;5階<o:p></o:p></p></td></tr>
<tr><td><p class=MsoNormal>現地担当者<o:p></o:p></p></td>
<td><p class=MsoNormal>髙橋</p></td><td><p class=MsoNormal>０３－１２３４－５６７８</p></td></tr>
<tr><td><p class=MsoNormal>備考<o:p></o:p></p></td><td><p class=MsoNormal><o:p>&nbsp;</o:p></p></td></tr>
<tr><td colspan=2><p class=MsoNormal>以上、よろしくお願いいたします。<o:p></o:p></p></td></tr>
</table>
<p class=MsoListParagraph style='margin-left:18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span>・<span style='font:7.0pt "Times New Roman"'>&nbsp; </span></span><![endif]>持参品：ノートPC<o:p></o:p></p>
<p class=MsoNormal><a href="https://jpn01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fmaps.app.goo.gl%2Fabc123&amp;data=05">地図</a><o:p></o:p></p>
<p class=MsoNormal><script>alert(1)</script><span style='display:none'>hidden</span><o:p>&nbsp;</o:p></p>
<div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0mm 0mm 0mm'>
<p class=MsoNormal><b>差出人<span lang=EN-US>:</span></b> Genba support &lt;support@genba.example&gt;<br>
<b>送信日時<span lang=EN-US>:</span></b> 2026年11月30日 9:00<br>
<b>宛先<span lang=EN-US>:</span></b> 佐藤 花子<br>
<b>件名<span lang=EN-US>:</span></b> ご依頼<o:p></o:p></p></div></div>
<p class=MsoNormal>Title / 件名: the quoted answer<o:p></o:p></p>
</div></body></html>
"""

OUTLOOK_TEXT = """\
お世話になっております。下記の通りお願いします。

件名: ディスク交換
住所: 〒100-0004
  東京都千代田区大手町1-2-3
  大手町タワー 5階
現地担当者: 髙橋 ０３－１２３４－５６７８
備考:
以上、よろしくお願いいたします。
・  持参品：ノートPC
地図 <https://maps.app.goo.gl/abc123>"""


def test_outlook_word_html_with_a_table_and_a_quoted_answer():
    assert mime.html_to_text(OUTLOOK_HTML, subject="RE: ご依頼") == OUTLOOK_TEXT


def test_an_html_only_mail_in_iso_2022_jp():
    jis = (
        b"<html><body><div>\x1b$B;aL>\x1b(B: \x1b$B|b66\x1b(B&nbsp;\x1b$B-!\x1b(B</div>"
        b"<div>\x1b$BEEOC\x1b(B: 03-1234-5678</div></body></html>"
    )
    raw = message(
        [
            b"From: hanako@acme.example",
            b"Subject: order",
            b"MIME-Version: 1.0",
            b"Content-Type: text/html; charset=iso-2022-jp",
            b"Content-Transfer-Encoding: 7bit",
        ],
        jis,
    )
    assert mime.body_text(mime.read_message(raw)) == "氏名: 髙橋 ①\n電話: 03-1234-5678"


def test_html_blocks_lists_and_spaces():
    html = (
        "<html><head><title>t</title><style>div{}</style></head><body>"
        "<p>Title:   Disk\n swap</p><div>PO:&nbsp;PO-1<br>Urgency: 2<br></div>"
        "<div><br></div><ul><li>laptop</li><li>console <b>cable</b></li></ul>"
        "<pre>  keep\n    this</pre>&nbsp;&nbsp;Name: Taro"
        "<table><tr><td>just one cell</td></tr><tr><td><img src=logo.png></td><td>Acme KK</td></tr>"
        "</table></body></html>"
    )
    assert mime.html_to_text(html) == (
        "Title: Disk swap\nPO: PO-1\nUrgency: 2\n\nlaptop\nconsole cable\n  keep\n    this\n"
        "  Name: Taro\njust one cell\nAcme KK"
    )


def test_html_table_header_rows_and_rowspans():
    html = (
        "<table><thead><tr><th>Item</th><th>Details</th><th>Notes</th></tr></thead><tbody>"
        "<tr><th>Title:</th><td>Disk swap</td></tr>"
        "<tr><td rowspan=2>Site address</td><td>1-2-3 Otemachi</td></tr>"
        "<tr><td>Chiyoda-ku, Tokyo</td></tr>"
        "<tr><td></td><td>continued</td></tr>"
        "<tr><td>Equipment</td><td><table><tr><td>NetApp FAS2750</td></tr>"
        "<tr><td>Cisco C9300</td></tr></table></td></tr>"
        "</tbody></table>"
    )
    assert mime.html_to_text(html) == (
        "Title: Disk swap\nSite address: 1-2-3 Otemachi\n  Chiyoda-ku, Tokyo\n  continued\n"
        "Equipment: NetApp FAS2750\n  Cisco C9300"
    )


GMAIL_REPLY = (
    '<div dir="ltr">PO number / 発注番号: PO-1<div><br></div><div>Best,</div></div><br>'
    '<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">'
    "On Mon, Nov 30, 2026 at 9:00 AM Genba support &lt;support@genba.example&gt; wrote:<br>"
    '</div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">'
    "Title / 件名: our answer</blockquote></div>"
)

GMAIL_FORWARD = (
    '<div dir="ltr">Please arrange this.<br><br><div class="gmail_quote">'
    '<div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>'
    'From: <strong class="gmail_sendername" dir="auto">Bob</strong> '
    '<span dir="auto">&lt;<a href="mailto:bob@x.example">bob@x.example</a>&gt;</span><br>'
    "Date: Mon, Nov 30, 2026 at 9:00 AM<br>Subject: Order<br>To: &lt;alice@acme.example&gt;<br>"
    '</div><br><br><div dir="ltr">Title / 件名: Disk swap<br>'
    '<div class="gmail_quote"><div class="gmail_attr">On Sun, Nov 29, 2026 Carol wrote:</div>'
    '<blockquote class="gmail_quote">Title / 件名: an older mail</blockquote></div>'
    "</div></div></div>"
)


def test_gmail_quote_is_dropped_from_a_reply():
    assert (
        mime.html_to_text(GMAIL_REPLY, subject="Re: Order") == "PO number / 発注番号: PO-1\n\nBest,"
    )


def test_gmail_forward_keeps_the_forwarded_mail_without_its_own_quote():
    # The forward is recognised by its marker, whatever the subject says.
    assert mime.html_to_text(GMAIL_FORWARD, subject="Order") == (
        "Please arrange this.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Bob <bob@x.example>\n"
        "Date: Mon, Nov 30, 2026 at 9:00 AM\n"
        "Subject: Order\n"
        "To: <alice@acme.example>\n\n"
        "Title / 件名: Disk swap"
    )


OWA = (
    '<html><head><style type="text/css" style="display:none;"> P {margin:0;} </style></head>'
    '<body dir="ltr"><div style="font-family: Calibri;">Floor / 階: 7</div><div>Thanks</div>'
    '<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">'
    '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" color="#000000">'
    "<b>From:</b> Bob &lt;bob@x.example&gt;<br><b>Sent:</b> Monday, November 30, 2026 9:00 AM"
    "<br><b>To:</b> Alice<br><b>Subject:</b> {subject}</font><div>&nbsp;</div></div>"
    '<div class="BodyFragment"><div class="PlainText">Title / 件名: {body}</div></div>'
    "</body></html>"
)


def test_owa_reply_is_cut_at_the_quote():
    html = OWA.replace("{subject}", "Order").replace("{body}", "quoted")
    assert mime.html_to_text(html, subject="RE: Order") == "Floor / 階: 7\nThanks"


def test_owa_forward_keeps_the_forwarded_mail():
    html = OWA.replace("{subject}", "Order").replace("{body}", "Disk swap")
    assert mime.html_to_text(html, subject="FW: Order") == (
        "Floor / 階: 7\nThanks\n"
        "---------- Forwarded message ---------\n"
        "From: Bob <bob@x.example>\n"
        "Sent: Monday, November 30, 2026 9:00 AM\n"
        "To: Alice\n"
        "Subject: Order\n\n"
        "Title / 件名: Disk swap"
    )


def test_owa_forward_of_a_thread_drops_the_thread_s_own_quote():
    inner = OWA.replace("{subject}", "RE: Order").replace("{body}", "older")
    inner = inner[inner.index('<div id="appendonsend">') : inner.index("</body>")]
    html = OWA.replace("{subject}", "RE: Order").replace("{body}", "Disk swap" + inner)
    assert mime.html_to_text(html, subject="FW: RE: Order").endswith(
        "Subject: RE: Order\n\nTitle / 件名: Disk swap"
    )
    # FW: FW: keeps two forwards.
    assert mime.html_to_text(html, subject="FW: FW: Order").endswith(
        "Subject: RE: Order\n\nTitle / 件名: older"
    )


def test_thunderbird_inline_forward():
    html = (
        '<p>Please arrange.</p><div class="moz-forward-container"><br>-------- Forwarded Message'
        ' --------<table class="moz-email-headers-table"><tr><th>Subject: </th><td>Order</td></tr>'
        "<tr><th>From: </th><td>Bob &lt;bob@x.example&gt;</td></tr></table><br>"
        "<p>Title / 件名: Disk swap</p></div>"
    )
    assert mime.html_to_text(html, subject="Order") == (
        "Please arrange.\n\n-------- Forwarded Message --------\nSubject: Order\n"
        "From: Bob <bob@x.example>\n\nTitle / 件名: Disk swap"
    )


def test_html_too_deep_for_lxml_is_still_read():
    html = "<p>Title: swap</p>" + "<div>" * 400 + "Floor: 5" + "</div>" * 400 + "<p>Room: 1</p>"
    assert mime.html_to_text(html).split() == ["Title:", "swap", "Floor:", "5", "Room:", "1"]


def test_outlook_desktop_forward_keeps_the_forwarded_mail():
    text = mime.html_to_text(OUTLOOK_HTML, subject="転送: ご依頼")
    assert text.startswith(OUTLOOK_TEXT + "\n\n---------- Forwarded message ---------\n差出人: ")
    assert text.endswith("件名: ご依頼\nTitle / 件名: the quoted answer")


def test_apple_mail_forward_in_sibling_blockquotes():
    html = (
        '<html><body dir="auto">Please handle.<br><br><div dir="ltr">iPhoneから送信</div>'
        '<div dir="ltr"><br><blockquote type="cite">Begin forwarded message:<br><br></blockquote>'
        '</div><blockquote type="cite"><div dir="ltr"><b>From:</b> Bob &lt;bob@x.example&gt;<br>'
        "<b>Subject:</b> <b>Order</b><br><br></div></blockquote>"
        '<blockquote type="cite"><div dir="ltr">Title / 件名: Disk swap<blockquote type="cite">'
        "an older quote</blockquote></div></blockquote></body></html>"
    )
    assert mime.html_to_text(html, subject="Fwd: Order") == (
        "Please handle.\n\niPhoneから送信\n\nBegin forwarded message:\n\n"
        "From: Bob <bob@x.example>\nSubject: Order\n\nTitle / 件名: Disk swap"
    )
    reply = html.replace("Begin forwarded message:", "On 30 Nov 2026, at 9:00, Bob wrote:")
    assert mime.html_to_text(reply, subject="Re: Order") == "Please handle.\n\niPhoneから送信"


def test_a_thunderbird_bottom_post_keeps_the_text_after_the_quote():
    html = (
        '<div class="moz-cite-prefix">On 11/30/26 9:00 AM, Genba support wrote:<br></div>'
        '<blockquote type="cite" cite="mid:x@genba.example">Title / 件名: our answer</blockquote>'
        "<p>Floor / 階: 7</p>"
    )
    assert mime.html_to_text(html, subject="Re: Order") == "Floor / 階: 7"


def test_an_hr_without_a_header_block_is_no_quote():
    html = "<p>Title: Disk swap</p><hr><p>From: the Osaka office, please call first</p>"
    assert mime.html_to_text(html) == "Title: Disk swap\nFrom: the Osaka office, please call first"


# --- choosing the body ----------------------------------------------------------------------------


def alternative(plain: bytes, html: bytes, subject: bytes = b"order") -> bytes:
    return message(
        [
            b"From: alice@acme.example",
            b"Subject: " + subject,
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/alternative; boundary="alt"',
        ],
        b"\r\n".join(
            [
                b"--alt",
                b"Content-Type: text/plain; charset=utf-8",
                b"",
                plain,
                b"--alt",
                b"Content-Type: text/html; charset=utf-8",
                b"",
                html,
                b"--alt--",
                b"",
            ]
        ),
    )


def test_the_real_text_plain_is_preferred():
    raw = alternative(b"Title: from plain", b"<p>Title: from html</p>")
    assert mime.body_text(mime.read_message(raw)) == "Title: from plain"


@pytest.mark.parametrize(
    "stub",
    [
        b"",
        b"  \r\n",
        b"This message is in HTML format.",
        "HTML形式のメールです。HTMLに対応したメールソフトでご覧ください。".encode(),
    ],
)
def test_an_empty_or_stub_text_plain_gives_way_to_the_html(stub):
    raw = alternative(stub, b"<p>Title: from html</p>")
    assert mime.body_text(mime.read_message(raw)) == "Title: from html"


def test_format_flowed_is_unflowed():
    body = (
        b"Work description: Replace the failed disk in slot 3 of the array, then \r\n"
        b"confirm the rebuild with the remote engineer.\r\n"
        b" From the stuffed line\r\n"
        b"Floor: 5\r\n"
        b"-- \r\n"
        b"Alice\r\n"
        b"> quoted line that \r\n"
        b"> continues\r\n"
    )
    raw = message(
        [
            b"From: alice@acme.example",
            b"Subject: order",
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=utf-8; format=flowed",
        ],
        body,
    )
    assert mime.body_text(mime.read_message(raw)) == (
        "Work description: Replace the failed disk in slot 3 of the array, then confirm the "
        "rebuild with the remote engineer.\nFrom the stuffed line\nFloor: 5\n-- \nAlice\n"
        "> quoted line that continues"
    )


def test_format_flowed_delsp_joins_japanese_without_spaces():
    # Apple Mail breaks Japanese lines anywhere and marks the break with a deleted space.
    text = "作業内容: アレイのスロット3の故障ディスクを交換し、 \r\n退出前に確認する。\r\n"
    raw = message(
        [
            b"From: hanako@acme.example",
            b"Subject: order",
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes",
        ],
        text.encode(),
    )
    assert mime.body_text(mime.read_message(raw)) == (
        "作業内容: アレイのスロット3の故障ディスクを交換し、退出前に確認する。"
    )


def test_apple_mail_text_around_an_inline_pdf():
    raw = message(
        [
            b"From: alice@acme.example",
            b"Subject: order",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="mix"',
        ],
        b"\r\n".join(
            [
                b"--mix",
                b"Content-Type: text/plain; charset=us-ascii",
                b"",
                b"Title: Disk swap",
                b"--mix",
                b"Content-Type: application/pdf; name=runbook.pdf",
                b"Content-Disposition: inline; filename=runbook.pdf",
                b"Content-Transfer-Encoding: base64",
                b"",
                b64(b"%PDF-1.4 runbook"),
                b"--mix",
                b"Content-Type: text/plain; charset=us-ascii",
                b"",
                b"Floor: 5",
                b"--mix",
                b"Content-Type: text/plain; name=notes.txt",
                b"Content-Disposition: inline; filename=notes.txt",
                b"",
                b"not the body",
                b"--mix--",
                b"",
            ]
        ),
    )
    parsed = mime.read_message(raw)
    assert mime.body_text(parsed) == "Title: Disk swap\n\nFloor: 5"
    assert mime.mail_attachments(parsed) == [
        ("runbook.pdf", b"%PDF-1.4 runbook"),
        ("notes.txt", b"not the body"),
    ]


# --- forwards as attachments ----------------------------------------------------------------------


def forwarded(outer_subject: bytes, extra_headers: tuple[bytes, ...] = ()) -> bytes:
    inner = message(
        [
            b"From: " + word("ISO-2022-JP", b"\x1b$B|b66\x1b(B") + b" <takahashi@acme.example>",
            b"To: support@genba.example",
            b"Date: Mon, 30 Nov 2026 09:00:00 +0900",
            b"Subject: " + word("ISO-2022-JP", b"\x1b$B:n6H0MMj\x1b(B"),
            b"Message-ID: <original@acme.example>",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="inner"',
        ],
        b"\r\n".join(
            [
                b"--inner",
                b"Content-Type: text/plain; charset=ISO-2022-JP",
                b"",
                JIS_TEXT,
                b"--inner",
                b"Content-Type: application/pdf",
                b"Content-Disposition: attachment; filename*=ISO-2022-JP''%1B%24B%3Cj%3D%67%1B%28B.pdf",
                b"Content-Transfer-Encoding: base64",
                b"",
                b64(b"%PDF-1.4 steps"),
                b"--inner--",
                b"",
            ]
        ),
    )
    return message(
        [
            b"From: alice@acme.example",
            b"Subject: " + outer_subject,
            *extra_headers,
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="outer"',
        ],
        b"\r\n".join(
            [
                b"--outer",
                b"Content-Type: text/plain; charset=utf-8",
                b"",
                b"Please see the order below.",
                b"--outer",
                b'Content-Type: message/rfc822; name="order.eml"',
                b'Content-Disposition: attachment; filename="order.eml"',
                b"",
                inner,
                b"--outer--",
                b"",
            ]
        ),
    )


def test_a_forward_as_attachment_is_one_forwarded_block():
    parsed = mime.read_message(forwarded(b"FW: order"))
    assert mime.body_text(parsed) == (
        "Please see the order below.\n\n"
        "---------- Forwarded message ---------\n"
        "From: 髙橋 <takahashi@acme.example>\n"
        "Date: Mon, 30 Nov 2026 09:00:00 +0900\n"
        "Subject: 作業依頼\n"
        "To: support@genba.example\n\n" + JIS_DECODED
    )
    # The forwarded mail's file, its name in ISO-2022-JP (RFC 2231): 手順.pdf; not the .eml.
    assert mime.mail_attachments(parsed) == [("手順.pdf", b"%PDF-1.4 steps")]


def test_a_reply_with_the_original_attached_does_not_read_the_original():
    parsed = mime.read_message(forwarded(b"RE: order", (b"In-Reply-To: <original@acme.example>",)))
    assert mime.body_text(parsed) == "Please see the order below."
    assert mime.mail_attachments(parsed) == []


# --- attachments ----------------------------------------------------------------------------------


def test_attachments_and_their_names():
    sjis_name = "作業手順".encode("cp932")  # 8DEC 8BC6 8EE8 8F87
    raw = message(
        [
            b"From: alice@acme.example",
            b"Subject: order",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/related; boundary="rel"',
        ],
        b"\r\n".join(
            [
                b"--rel",
                b"Content-Type: text/html; charset=utf-8",
                b"",
                b'<p>Title: swap<img src="cid:logo"></p>',
                b"--rel",
                b"Content-Type: image/png; name=logo.png",
                b"Content-ID: <logo>",
                b"Content-Disposition: inline; filename=logo.png",
                b"",
                b"PNG",
                b"--rel",
                b"Content-Type: image/jpeg",
                b"Content-Disposition: attachment; filename=rack.jpg",
                b"",
                b"JPEG",
                b"--rel",
                b'Content-Type: application/pdf; name="' + word("shift_jis", sjis_name) + b'.pdf"',
                b"",
                b"PDF1",
                b"--rel",
                b"Content-Type: application/pdf",
                b"Content-Disposition: attachment; filename*0*=shift_jis''%8D%EC%8B%C6;"
                b" filename*1*=%8E%E8%8F%87; filename*2=.pdf",
                b"",
                b"PDF2",
                b"--rel",
                b"Content-Type: application/pdf",
                b'Content-Disposition: attachment; filename="' + sjis_name + b'2.pdf"',
                b"",
                b"PDF3",
                b"--rel",
                b"Content-Type: application/octet-stream",
                b'Content-Disposition: attachment; filename="..\\\\..\\\\evil\x00.bin"',
                b"",
                b"BIN",
                b"--rel--",
                b"",
            ]
        ),
    )
    parsed = mime.read_message(raw)
    assert mime.body_text(parsed) == "Title: swap"
    assert mime.mail_attachments(parsed) == [
        ("rack.jpg", b"JPEG"),
        ("作業手順.pdf", b"PDF1"),
        ("作業手順.pdf", b"PDF2"),
        ("作業手順2.pdf", b"PDF3"),
        ("evil.bin", b"BIN"),
    ]
