"""Only the new text of a mail counts (intake.quoting): each client's way of quoting ends it."""

from __future__ import annotations

import pytest

from genba.messaging.intake.quoting import new_text

NEW = "Hi, the PO number is PO-88123.\nThanks"

QUOTES = {
    "outlook desktop, unquoted header block": (
        "From: Genba support <support@genba.example>\n"
        "Sent: Monday, November 30, 2026 9:00 AM\n"
        "To: Alice Fowler <alice@acme.example>\n"
        "Subject: [req_corpus0000000007] Disk swap\n\n"
        "Planned start / 訪問日時: 2026-12-20 10:00\n"
    ),
    "outlook japanese, unquoted header block": (
        "差出人: Genba サポート <support@genba.example>\n"
        "送信日時: 2026年11月30日 9:00\n"
        "宛先: 佐藤 花子 <hanako@acme.example>\n"
        "件名: [req_corpus0000000008] 【依頼】ディスク交換\n\n"
        "訪問日時: 2026-12-20 10:00\n"
    ),
    "outlook rule then bold headers (Outlook on the web)": (
        "________________________________\n"
        "From: Genba support <support@genba.example>\n"
        "Sent: Monday, November 30, 2026 09:00\n\n"
        "PO number: PO-1234\n"
    ),
    "gmail bold headers in plain text": (
        "*From:* Genba support <support@genba.example>\n*Date:* Mon, Nov 30, 2026\n"
        "PO number: PO-1234\n"
    ),
    "original message separator": "-----Original Message-----\nPO number: PO-1234\n",
    "japanese separator": "-----元のメッセージ-----\n発注番号: PO-1234\n",
    "gmail attribution": (
        "On Mon, Nov 30, 2026 at 9:00 AM Genba support <support@genba.example> wrote:\n\n"
        "> PO number: PO-1234\n"
    ),
    "gmail attribution wrapped": (
        "On Mon, Nov 30, 2026 at 9:00 AM Genba support <\nsupport@genba.example> wrote:\n"
        "PO number: PO-1234\n"
    ),
    "gmail japanese attribution": (
        "2026年11月30日(月) 9:00 Genba サポート <support@genba.example>:\n\n> 発注番号: PO-1\n"
    ),
    "iphone japanese attribution": (
        "2026/11/30 9:00、Genba サポート <support@genba.example>のメール:\n\n> 発注番号: PO-1\n"
    ),
    "apple mail": (
        "On 30 Nov 2026, at 09:00, Genba support <support@genba.example> wrote:\n\n"
        "> PO number: PO-1234\n"
    ),
    "thunderbird": "On 11/30/26 9:00 AM, Genba support wrote:\n> PO number: PO-1234\n",
    "becky two lines": (
        "On Mon, 30 Nov 2026 09:00:00 +0900\nGenba サポート <support@genba.example> wrote:\n"
        "> 発注番号: PO-1\n"
    ),
}


@pytest.mark.parametrize("quote", QUOTES.values(), ids=QUOTES.keys())
def test_the_quote_ends_the_new_text(quote):
    found = new_text(NEW + "\n\n" + quote, "RE: [req_corpus0000000007] Disk swap")
    assert found.text == NEW
    assert found.quoted
    assert found.forwarded_subject == ""


def test_quoted_lines_are_skipped_where_they_are():
    found = new_text("> PO number: PO-1\nPO number: PO-2\n", "Re: x")
    assert found.text == "PO number: PO-2"


def test_a_lone_from_line_is_not_a_quote():
    text = "From: the Osaka office, please\nPO number: PO-2"
    assert new_text(text).text == text


def test_a_template_title_line_is_not_a_quote():
    text = "件名: サーバー交換\n発注番号: PO-2"
    assert new_text(text).text == text


GMAIL_FORWARD = (
    "FYI, please handle.\n\n"
    "---------- Forwarded message ---------\n"
    "From: Ichiro Takahashi <takahashi@acme.example>\n"
    "Date: Sun, Nov 29, 2026 at 6:02 PM\n"
    "Subject: Rack swap in Otemachi\n"
    "To: Alice Fowler <alice@acme.example>\n\n"
    "PO number: PO-9\n"
    "Planned start: 2026-12-08 10:00\n\n"
    "On Sat, Nov 28, 2026 at 1:00 PM Someone <s@acme.example> wrote:\n"
    "> PO number: PO-OLD\n"
)


def test_a_forward_keeps_the_forwarded_order_and_its_subject():
    found = new_text(GMAIL_FORWARD, "Fwd: Rack swap in Otemachi")
    assert [line for line in found.text.splitlines() if line.strip()] == [
        "FYI, please handle.",
        "PO number: PO-9",
        "Planned start: 2026-12-08 10:00",
    ]
    assert found.forwarded_subject == "Rack swap in Otemachi"
    assert found.quoted  # the forwarded mail's own quote is cut


def test_an_outlook_japanese_forward_is_read_from_its_header_block():
    body = (
        "お世話になっております。下記の件、ご対応をお願いいたします。\n\n"
        "差出人: 髙橋 一郎 <takahashi@acme.example>\n"
        "送信日時: 2026年11月29日 18:02\n"
        "宛先: 佐藤 花子\n"
        "件名: 【作業依頼】ラック交換\n\n"
        "発注番号：ACME-9\n"
    )
    found = new_text(body, "FW: 【作業依頼】ラック交換")
    assert "発注番号：ACME-9" in found.text
    assert found.forwarded_subject == "【作業依頼】ラック交換"


def test_a_reply_with_a_forward_marker_below_is_cut_there_when_not_a_forward():
    body = "PO number: PO-1\n\n-----Original Message-----\nFrom: x\nPO number: PO-0\n"
    assert new_text(body, "RE: order").text == "PO number: PO-1"


def test_a_reply_written_below_the_quote_is_read_there():
    body = (
        "On 11/30/26 9:00 AM, Genba support wrote:\n"
        "> Hello Alice,\n> PO number / 発注番号: PO-1234\n\n"
        "Thanks. The servers go to the 7th floor now.\n\nFloor: 7\n"
    )
    found = new_text(body, "Re: [req_corpus0000000024] x")
    assert "PO-1234" not in found.text
    assert found.text.strip().endswith("Floor: 7")
    assert found.quoted


def test_the_forwarders_signature_is_not_part_of_the_forwarded_order():
    body = (
        "Please set it up.\n\nThanks,\nAlice\n\n-- \nAlice Fowler\n+1 415 555 0187\n\n"
        + GMAIL_FORWARD.split("\n", 2)[2]
    )
    found = new_text(body, "Fwd: Rack and switch install")
    assert "+1 415 555 0187" not in found.text
    assert "PO number: PO-9" in found.text


def test_a_forward_of_a_forward_quoted_by_the_iphone():
    body = (
        "下記の件、手配をお願いいたします。\n発注番号：ACME-J-4471\n\niPhoneから送信\n\n"
        "転送されたメッセージ:\n\n"
        "> 差出人: 木下 亮 <r.kinoshita@acme.example>\n> 日付: 2026年11月27日 18:05:41 JST\n"
        "> 件名: Fwd: 【作業依頼】録画装置交換\n>\n> 下記の依頼が来ています。\n>\n"
        "> ---------- Forwarded message ---------\n> From: 山本 一郎 <i.yamamoto@acme.example>\n"
        "> Date: 2026年11月27日(金) 16:22\n> Subject: 【作業依頼】録画装置交換\n>\n"
        "> 日時：12月17日（木）13:00〜16:00\n"
    )
    found = new_text(body, "Fwd: Fwd: 【作業依頼】録画装置交換")
    lines = [line for line in found.text.splitlines() if line.strip()]
    assert "iPhoneから送信" not in lines
    assert lines[1] == "発注番号：ACME-J-4471"
    assert lines[-1] == "日時：12月17日（木）13:00〜16:00"
    assert found.forwarded_subject == "【作業依頼】録画装置交換"
