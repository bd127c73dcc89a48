"""The e-mail order template (genba.messaging.intake.template): pure Python, no database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from genba.messaging.intake import template
from genba.messaging.intake.template import (
    TOKYO,
    parse,
    parse_address,
    parse_datetime,
    parse_equipment_line,
    parse_hours,
    parse_paperwork_line,
    parse_yes_no,
)
from genba.orders.inputs import RequestIn


def start(year, month, day, hour, minute=0, tz=TOKYO):
    return datetime(year, month, day, hour, minute, tzinfo=tz)


# --- every label, in English and in Japanese --------------------------------------------------------

# (English label, Japanese label, value, where it lands, what it becomes)
FIELDS = [
    ("Title", "件名", "Disk swap", ("title",), "Disk swap"),
    ("PO number", "発注番号", "PO-4711", ("reference",), "PO-4711"),
    (
        "Planned start",
        "訪問日時",
        "2027-02-02 10:00 JST",
        ("visits", 0, "scheduled_start"),
        start(2027, 2, 2, 10),
    ),
    ("Reserved hours", "予約時間", "3", ("visits", 0, "reserved_hours"), Decimal("3")),
    ("Site name", "拠点名", "Otemachi DC", ("site", "name"), "Otemachi DC"),
    ("Postal code", "郵便番号", "100-0004", ("site", "postal_code"), "100-0004"),
    ("Prefecture", "都道府県", "Tokyo", ("site", "prefecture"), "Tokyo"),
    ("City", "市区町村", "Chiyoda-ku", ("site", "city"), "Chiyoda-ku"),
    ("Street", "番地", "1-2-3 Otemachi", ("site", "street"), "1-2-3 Otemachi"),
    ("Building", "建物", "Otemachi Tower", ("site", "building"), "Otemachi Tower"),
    ("Floor", "階", "5", ("site", "floor"), "5"),
    ("Room", "部屋", "Cage 12", ("site", "room"), "Cage 12"),
    (
        "Entry procedure",
        "入館手順",
        "Show photo ID",
        ("site", "entry_instructions"),
        "Show photo ID",
    ),
    (
        "Maps URL",
        "地図",
        "https://maps.app.goo.gl/abc",
        ("site", "maps_url"),
        "https://maps.app.goo.gl/abc",
    ),
    ("Data center", "データセンター", "yes", ("site", "is_datacenter"), True),
    (
        "Data center reference",
        "データセンター受付番号",
        "DC-889",
        ("datacenter_reference",),
        "DC-889",
    ),
    ("Language", "言語", "English", ("languages",), ["en"]),
    ("Skill level", "スキル", "senior", ("skill_level",), "senior"),
    ("Engineers", "人数", "2", ("engineers",), 2),
    ("Urgency", "緊急度", "4", ("urgency",), 4),
    ("SLA", "SLA要否", "yes", ("sla_requested",), True),
    (
        "Dispatch without local contact",
        "現地担当者なしで派遣",
        "yes",
        ("force_without_local_contact",),
        True,
    ),
    (
        "Work description",
        "作業内容",
        "Replace the disk in slot 3",
        ("work_description",),
        "Replace the disk in slot 3",
    ),
    (
        "Equipment",
        "機器",
        "NetApp FAS2750 SN-001",
        ("equipment", 0),
        {"make": "NetApp", "model": "FAS2750", "serial": "SN-001"},
    ),
    ("Items to bring", "持参品", "laptop, USB stick", ("items_to_bring",), ["laptop", "USB stick"]),
    ("Paperwork", "書類", "NDA - done", ("paperwork", 0), {"description": "NDA", "done": True}),
    ("Notes", "備考", "Call first", ("customer_notes",), "Call first"),
]


def dig(data, path):
    for step in path:
        data = data[step]
    return data


@pytest.mark.parametrize("language", ["en", "ja", "both"])
@pytest.mark.parametrize("english,japanese,value,path,expected", FIELDS, ids=[f[0] for f in FIELDS])
def test_every_label_reads_in_english_and_japanese(
    language, english, japanese, value, path, expected
):
    label = {"en": english, "ja": japanese, "both": f"{english} / {japanese}"}[language]
    result = parse(f"{label}: {value}\n")
    assert result.problems == []
    assert dig(result.data, path) == expected


@pytest.mark.parametrize("heading", ["Local contact", "現地担当者", "Local contact / 現地担当者"])
def test_contact_fields_under_their_heading(heading):
    text = (
        f"{heading}:\n"
        "  Name / 氏名: Taro Yamada\n"
        "  電話: 03 1234 5678\n"
        "  Email: yamada@acme.example\n"
        "Remote engineer / リモートエンジニア:\n"
        "  氏名: Jane Doe\n"
        "  Phone: +1 415 555 0132\n"
        "  メール: <mailto:jane@acme.example>\n"
        "  Skype: jane.doe\n"
        "  WhatsApp: +1 415 555 0133\n"
        "  LINE: janedoe\n"
        "  会社名: Acme Inc.\n"
    )
    result = parse(text)
    assert result.problems == []
    assert result.data["local_contact"] == {
        "name": "Taro Yamada",
        "phone": "03 1234 5678",
        "email": "yamada@acme.example",
    }
    assert result.data["remote_engineer"] == {
        "name": "Jane Doe",
        "phone": "+1 415 555 0132",
        "email": "jane@acme.example",
        "skype": "jane.doe",
        "whatsapp": "+1 415 555 0133",
        "line": "janedoe",
        "company": "Acme Inc.",
    }


def test_contact_fields_named_with_their_heading():
    result = parse(
        "Local contact phone: 03-1234-5678\n現地担当者氏名: 山田\nRemote engineer email: j@x.example\n"
    )
    assert result.data["local_contact"] == {"phone": "03-1234-5678", "name": "山田"}
    assert result.data["remote_engineer"] == {"email": "j@x.example"}


def test_a_contact_on_one_line():
    result = parse(
        "Local contact: Taro Yamada, +81 90 1234 5678, yamada@acme.example\n"
        "Remote engineer / リモートエンジニア: Jane Doe (skype: jane.doe)\n"
    )
    assert result.data["local_contact"] == {
        "name": "Taro Yamada",
        "phone": "+81 90 1234 5678",
        "email": "yamada@acme.example",
    }
    assert result.data["remote_engineer"]["name"].startswith("Jane Doe")


def test_a_contact_field_without_a_heading_is_a_problem():
    result = parse("Phone: 03-1234-5678\n")
    assert "local_contact" not in result.data
    [problem] = result.problems
    assert problem.field == "template"
    assert "Local contact" in problem.message("en")
    assert "現地担当者" in problem.message("ja")


def test_the_site_name_and_company_under_the_address_heading():
    result = parse("Site address / 住所:\n  Name: Otemachi DC\n  Company: Acme KK\n  Floor: 3F\n")
    assert result.data["site"] == {"name": "Otemachi DC", "company_name": "Acme KK", "floor": "3"}


# --- how people really write ---------------------------------------------------------------------


def test_the_documented_example_is_a_complete_request_in():
    result = parse(template.TEMPLATE_EN_JA)
    assert result.problems == []
    assert result.submit is False
    request = RequestIn.model_validate(result.data)
    assert request.reference == "PO-4711"
    assert request.site.city == "Chiyoda-ku"
    assert request.remote_engineer.skype == "jane.doe"
    assert request.visits[0].scheduled_start == start(2027, 2, 2, 10)


def test_labels_are_tolerant_of_case_colons_spaces_and_bullets():
    text = (
        "  - po NUMBER ：  PO-1\n"
        "* Reserved-Hours:3h\n"
        "・言語　：　日本語\n"
        "1. Skill level (entry/senior/specialist): シニア\n"
        "【人数】: 2名\n"
        "② SLA: はい\n"
    )
    result = parse(text)
    assert result.problems == []
    assert result.data["reference"] == "PO-1"
    assert result.data["visits"] == [{"reserved_hours": Decimal("3")}]
    assert result.data["languages"] == ["ja"]
    assert result.data["skill_level"] == "senior"
    assert result.data["engineers"] == 2
    assert result.data["sla_requested"] is True


def test_multi_line_values_continue_until_the_next_label():
    text = (
        "Work description:\n"
        "Replace the disk.\n"
        "Note: confirm with the remote engineer first.\n"
        "\n"
        "Then check the rebuild.\n"
        "Equipment / 機器:\n"
        "- Dell | R740 | ABC123\n"
        "- 2x Cisco C9300 S/N FOC123\n"
        "Items to bring: laptop, console cable (RJ45/DB9, USB)\n"
        "  screwdriver set\n"
        "PO number: PO-1\n"
        "  -2\n"
    )
    result = parse(text)
    assert result.data["work_description"] == (
        "Replace the disk.\nNote: confirm with the remote engineer first.\n\nThen check the rebuild."
    )
    assert result.data["equipment"] == [
        {"make": "Dell", "model": "R740", "serial": "ABC123"},
        {"quantity": 2, "make": "Cisco", "model": "C9300", "serial": "FOC123"},
    ]
    assert result.data["items_to_bring"] == [
        "laptop",
        "console cable (RJ45/DB9, USB)",
        "screwdriver set",
    ]
    assert result.data["reference"] == "PO-1 -2"


def test_several_visits_on_indented_lines():
    result = parse("Planned start:\n  2027-02-02 10:00\n  2027-02-03 10:00\nReserved hours: 2\n")
    assert result.data["visits"] == [
        {"scheduled_start": start(2027, 2, 2, 10), "reserved_hours": Decimal("2")},
        {"scheduled_start": start(2027, 2, 3, 10), "reserved_hours": Decimal("2")},
    ]


def test_reading_stops_at_quotes_signatures_and_the_original_message():
    text = (
        "PO number: PO-1\n"
        "> Language: Japanese\n"
        "Work description: swap the disk\n"
        "-- \n"
        "Language: English\n"
    )
    result = parse(text)
    assert result.data == {"reference": "PO-1", "work_description": "swap the disk"}
    original = "PO number: PO-2\n-----Original Message-----\nFrom: x\nPO number: PO-3\n"
    assert parse(original).data == {"reference": "PO-2"}
    wrote = "Urgency: 2\nOn Mon, 30 Nov 2026 at 09:00, Genba <support@genba.example> wrote:\nUrgency: 4\n"
    assert parse(wrote).data == {"urgency": 2}


def test_after_submit_the_order_goes_on_only_while_it_is_labels():
    # The signature below Submit: its first line ends the order, and its Tel: is not read.
    text = "PO number: PO-1\nSubmit / 送信: yes\nAlice\nTel: +81 3 1234 5678\nLanguage: English\n"
    result = parse(text)
    assert result.submit is True
    assert result.data == {"reference": "PO-1"}
    assert result.problems == []
    # Submit written first (as in a Markdown order): the labels below it still count.
    result = parse("**Submit:** yes\n\n## Site\n- **Floor:** 9\n\nCheers,\nBob\nTel: 03-1\n")
    assert result.submit is True
    assert result.data == {"site": {"floor": "9"}}


def test_text_after_a_one_line_field_ends_it():
    result = parse("Engineers: 1\nThank you very much\n")
    assert result.data == {"engineers": 1}
    assert result.problems == []


def test_an_unknown_label_after_the_order_started_is_a_problem():
    result = parse("Hi: team\nPO number: PO-1\nColour: blue\n")
    assert result.data == {"reference": "PO-1"}
    [problem] = result.problems
    assert problem.label == "Colour"
    assert "Colour" in problem.message("en") and "Colour" in problem.message("ja")


def test_no_labels_at_all():
    result = parse("Please send someone tomorrow morning.\nThanks")
    assert result.labels_seen == 0
    assert result.data == {}
    assert result.submit is None


# --- values ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2027-02-02 10:00 JST", start(2027, 2, 2, 10)),
        ("2027/02/02 10:00", start(2027, 2, 2, 10)),
        ("2027-02-02T10:00+09:00", start(2027, 2, 2, 10, tz=timezone(timedelta(hours=9)))),
        ("2027年2月2日 10時", start(2027, 2, 2, 10)),
        ("2027年2月2日（火）10時30分", start(2027, 2, 2, 10, 30)),
        ("２０２７年２月２日 午後２時", start(2027, 2, 2, 14)),
        ("2027.02.02 9:30 am", start(2027, 2, 2, 9, 30)),
        ("Tue, Feb 2, 2027 10am", start(2027, 2, 2, 10)),
        ("2 February 2027 at 1:30 pm", start(2027, 2, 2, 13, 30)),
        ("2027-02-02 10:00 (JST)", start(2027, 2, 2, 10)),
        ("2027-02-02 10:00 UTC", start(2027, 2, 2, 10, tz=UTC)),
        ("2027-02-02 10:00 UTC-5", start(2027, 2, 2, 10, tz=timezone(timedelta(hours=-5)))),
        ("2027-02-02 10:00 +0900", start(2027, 2, 2, 10, tz=TOKYO)),
        ("2027-02-02 10:00 PST", start(2027, 2, 2, 10, tz=timezone(timedelta(hours=-8)))),
    ],
)
def test_dates_as_people_write_them(text, expected):
    moment, end = parse_datetime(text)
    assert moment == expected
    assert moment.utcoffset() == expected.utcoffset()
    assert end is None


def test_a_date_without_a_zone_is_japan_time():
    moment, _ = parse_datetime("2027-02-02 10:00")
    assert moment.tzinfo == TOKYO
    assert moment.utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize(
    "text,hours",
    [
        ("2027-02-02 10:00-13:00", Decimal("3")),
        ("2027年2月2日 10時〜13時30分", Decimal("3.5")),
        ("2027-02-02 23:00 to 01:00 JST", Decimal("2")),
    ],
)
def test_a_time_range_gives_the_reserved_hours(text, hours):
    result = parse(f"Planned start: {text}\n")
    [visit] = result.data["visits"]
    assert visit["reserved_hours"] == hours
    assert parse(f"Planned start: {text}\nReserved hours: 5\n").data["visits"][0][
        "reserved_hours"
    ] == Decimal("5")


@pytest.mark.parametrize(
    "text,reason",
    [
        ("next Tuesday", "date"),
        ("2/2/2027 10:00", "date"),
        ("2027-02-30 10:00", "date"),
        ("2027-02-02", "time"),
        ("2027-02-02 25:00", "time"),
        ("2027-02-02 10:00 IST", "zone"),
    ],
)
def test_dates_that_cannot_be_read(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_datetime(text)
    result = parse(f"訪問日時: {text}\n")
    assert "visits" not in result.data
    [problem] = result.problems
    assert problem.field == "visits[0].scheduled_start"
    assert text in problem.message("en") and text in problem.message("ja")


@pytest.mark.parametrize(
    "text,hours",
    [
        ("3", "3"),
        ("3h", "3"),
        ("3 hours", "3"),
        ("3時間", "3"),
        ("３時間", "3"),
        ("2.5 hrs", "2.5"),
        ("3時間30分", "3.5"),
        ("2 hours 30 minutes", "2.5"),
        ("90 min", "1.5"),
        ("about 4 hours (plus grace)", "4"),
    ],
)
def test_hours(text, hours):
    assert parse_hours(text) == Decimal(hours)


def test_hours_that_cannot_be_read():
    assert parse_hours("3-4 hours") is None
    result = parse("Reserved hours: a few\n")
    assert "visits" not in result.data
    assert result.problems[0].field == "visits[0].reserved_hours"


@pytest.mark.parametrize("text", ["yes", "Y", "true", "はい", "要", "必要", "Yes, please", "YES!"])
def test_yes(text):
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", ["no", "N", "false", "いいえ", "不要", "なし", "No thanks"])
def test_no(text):
    assert parse_yes_no(text) is False


def test_neither_yes_nor_no_is_a_problem():
    result = parse("SLA: maybe\nSubmit: perhaps\n")
    assert "sla_requested" not in result.data
    assert result.submit is None
    assert [p.field for p in result.problems] == ["sla_requested", "submit"]


def test_phones_are_kept_as_written_with_spaces_collapsed():
    result = parse("Local contact:\n  Phone:  +81  3 1234   5678 \n")
    assert result.data["local_contact"]["phone"] == "+81 3 1234 5678"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("English", ["en"]),
        ("日本語", ["ja"]),
        ("英語", ["en"]),
        ("both", ["en", "ja"]),
        ("English and Japanese", ["en", "ja"]),
        ("日本語・英語", ["ja", "en"]),
        ("両方", ["en", "ja"]),
    ],
)
def test_languages(text, expected):
    assert parse(f"Language: {text}\n").data["languages"] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("entry", "entry"),
        ("Entry/Junior", "entry"),
        ("エントリー", "entry"),
        ("senior", "senior"),
        ("シニア", "senior"),
        ("specialist", "specialist"),
        ("スペシャリスト", "specialist"),
    ],
)
def test_skill_levels(text, expected):
    assert parse(f"スキル: {text}\n").data["skill_level"] == expected


@pytest.mark.parametrize(
    "text,expected",
    [("1", 1), ("Class 4 - visit immediately", 4), ("クラス3", 3), ("至急", 4), ("planned", 1)],
)
def test_urgency(text, expected):
    assert parse(f"Urgency: {text}\n").data["urgency"] == expected


@pytest.mark.parametrize(
    "line,value",
    [
        ("Language: Klingon", "languages"),
        ("Skill level: guru", "skill_level"),
        ("Engineers: a few", "engineers"),
        ("Urgency: 7", "urgency"),
        ("Data center: perhaps", "site.is_datacenter"),
    ],
)
def test_values_that_cannot_be_read_are_left_out_and_named(line, value):
    result = parse(line + "\n")
    assert result.data == {}
    [problem] = result.problems
    assert problem.field == value
    label, written = line.split(": ")
    assert problem.label == label
    assert written in problem.message("en")
    assert written in problem.message("ja")
    assert problem.message("ja") != problem.message("en")


@pytest.mark.parametrize(
    "line,expected",
    [
        ("NDA - done", {"description": "NDA", "done": True}),
        ("Scanned photo ID (pending)", {"description": "Scanned photo ID", "done": False}),
        ("NDA: 済", {"description": "NDA", "done": True}),
        ("誓約書 完了", {"description": "誓約書", "done": True}),
        ("[x] Serial list", {"description": "Serial list", "done": True}),
        ("[ ] Photo ID", {"description": "Photo ID", "done": False}),
        ("Photo-ID copy - done", {"description": "Photo-ID copy", "done": True}),
        ("Signature sheet", {"description": "Signature sheet", "done": False}),
    ],
)
def test_paperwork_lines(line, expected):
    assert parse_paperwork_line(line) == expected


@pytest.mark.parametrize(
    "line,expected",
    [
        ("NetApp FAS2750 SN-001", {"make": "NetApp", "model": "FAS2750", "serial": "SN-001"}),
        ("Cisco C9300", {"make": "Cisco", "model": "C9300"}),
        (
            "HPE ProLiant DL380, serial CZ123",
            {"make": "HPE", "model": "ProLiant DL380", "serial": "CZ123"},
        ),
        ("Dell R740 (S/N: ABC)", {"make": "Dell", "model": "R740", "serial": "ABC"}),
        (
            "Dell, R740, ABC, rack 4",
            {"make": "Dell", "model": "R740", "serial": "ABC", "description": "rack 4"},
        ),
    ],
)
def test_equipment_lines(line, expected):
    assert parse_equipment_line(line) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "〒100-0004 東京都千代田区大手町1-2-3 大手町タワー 5F",
            {
                "postal_code": "100-0004",
                "prefecture": "東京都",
                "city": "千代田区",
                "street": "大手町1-2-3",
                "building": "大手町タワー",
                "floor": "5",
            },
        ),
        (
            "神奈川県横浜市西区みなとみらい2-2-1 ランドマークタワー 10階",
            {
                "prefecture": "神奈川県",
                "city": "横浜市西区",
                "street": "みなとみらい2-2-1",
                "building": "ランドマークタワー",
                "floor": "10",
            },
        ),
        (
            "1-2-3 Otemachi, Chiyoda-ku, Tokyo 100-0004, Otemachi Tower 5F, Japan",
            {
                "postal_code": "100-0004",
                "prefecture": "Tokyo",
                "city": "Chiyoda-ku",
                "street": "1-2-3 Otemachi",
                "building": "Otemachi Tower",
                "floor": "5",
            },
        ),
    ],
)
def test_an_address_on_one_line_is_split(text, expected):
    assert parse_address(text) == expected
    assert parse(f"Site address / 住所: {text}\n").data["site"] == expected


def test_an_address_over_several_lines_and_a_part_given_on_its_own_wins():
    text = "住所:\n  〒100-0004\n  東京都千代田区大手町1-2-3\n  大手町タワー\n  Floor: 7\n"
    site = parse(text).data["site"]
    assert site["postal_code"] == "100-0004"
    assert site["city"] == "千代田区"
    assert site["street"] == "大手町1-2-3"
    assert site["building"] == "大手町タワー"
    assert site["floor"] == "7"


def test_a_data_center_reference_marks_the_site_as_a_data_center():
    assert parse("DC reference: X-1\n").data["site"] == {"is_datacenter": True}
    assert parse("DC reference: X-1\nData center: no\n").data["site"] == {"is_datacenter": False}


def test_the_result_is_always_a_valid_request_in_for_what_was_read():
    text = (
        "PO number: 1\nPlanned start: 2027-02-02 10:00\nReserved hours: 2\nLanguage: both\n"
        "Engineers: 3\nUrgency: 2\nSLA: yes\nPaperwork:\n  NDA - pending\n"
    )
    request = RequestIn.model_validate(parse(text).data)
    assert request.model_fields_set == {
        "reference",
        "visits",
        "languages",
        "engineers",
        "urgency",
        "sla_requested",
        "paperwork",
    }


def test_the_examples_in_the_docs_read_without_problems():
    doc = (Path(__file__).parents[2] / "docs" / "email-intake.md").read_text(encoding="utf-8")
    bilingual, japanese = re.findall(r"```\n(.*?)```", doc, re.DOTALL)[:2]
    assert bilingual == template.TEMPLATE_EN_JA
    english_order, japanese_order = parse(bilingual), parse(japanese)
    assert english_order.problems == [] and japanese_order.problems == []
    assert japanese_order.submit is True
    for name in ("reference", "visits", "languages", "skill_level", "equipment", "paperwork"):
        assert japanese_order.data[name] == english_order.data[name], name
    assert japanese_order.data["site"]["prefecture"] == "東京都"
    assert japanese_order.data["local_contact"] == {"name": "山田太郎", "phone": "03-1234-5678"}


def test_a_closing_line_ends_the_order_but_not_inside_an_indented_description():
    text = (
        "Work description:\n  swap the disk\n  Thanks to Ken for the port map\nUrgency: 2\n"
        "2026年11月30日(月) 9:00 Genba <support@genba.example>:\nUrgency: 4\n"
    )
    assert parse(text).data == {
        "work_description": "swap the disk\nThanks to Ken for the port map",
        "urgency": 2,
    }
    signed = parse("PO number: 1\nThanks,\nAlice\nTel: +81 3 1234 5678\n")
    assert signed.data == {"reference": "1"}
    assert signed.problems == []
