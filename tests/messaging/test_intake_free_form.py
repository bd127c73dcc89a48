"""Orders as people write them, not only in our template (issue 12): label styles, closings,
unknown labels, addresses on several lines, equipment lines, things said in sentences."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from genba.messaging.intake.addresses import parse_address, parse_contact_inline
from genba.messaging.intake.template import TOKYO, parse
from genba.messaging.intake.values import parse_equipment_line

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    "line",
    [
        "【発注番号】ACME-J-3301",
        "【発注番号】：ACME-J-3301",
        "■発注番号：ACME-J-3301",
        "・発注番号：ACME-J-3301",
        "１．発注番号：ACME-J-3301",
        "（２）発注番号：ACME-J-3301",
        "発注番号\tACME-J-3301",
        "発注番号　ACME-J-3301",
        "PO number\nACME-J-3301",
        "■発注番号\nACME-J-3301",
        "PO No.： ACME-J-3301",
    ],
)
def test_a_label_as_people_write_it(line):
    assert parse(line).data["reference"] == "ACME-J-3301"


def test_a_label_alone_takes_the_lines_below_it():
    result = parse(
        "■作業日時\n2026年12月21日（月）18:00～22:00\n\n■作業場所\nアクメ名古屋営業所\n"
        "〒460-0008\n愛知県名古屋市中区栄3-15-33 栄ミナミビル 7階\n",
        today=TODAY,
    )
    [visit] = result.data["visits"]
    assert visit == {
        "scheduled_start": datetime(2026, 12, 21, 18, tzinfo=TOKYO),
        "reserved_hours": Decimal("4.00"),
    }
    assert result.data["site"] == {
        "name": "アクメ名古屋営業所",
        "postal_code": "460-0008",
        "prefecture": "愛知県",
        "city": "名古屋市中区",
        "street": "栄3-15-33",
        "building": "栄ミナミビル",
        "floor": "7",
    }


def test_an_unknown_label_after_an_address_is_reported_not_glued_to_the_street():
    result = parse(
        "Site address: 1-2-3 Otemachi, Chiyoda-ku, Tokyo\n"
        "Cost center: CC-1200\n"
        "Contact on site: Taro Yamada, 03-5555-1234\n"
    )
    assert result.data["site"]["street"] == "1-2-3 Otemachi"
    assert result.data["local_contact"] == {"name": "Taro Yamada", "phone": "03-5555-1234"}
    assert [p.label for p in result.problems] == ["Cost center"]
    assert "Cost center" in result.problems[0].message("en")


def test_a_closing_ends_the_order_even_right_after_a_list():
    result = parse("機器：\nCisco C9300-24T FOC2701Y0AA\n以上、よろしくお願いいたします。\n佐藤")
    assert len(result.data["equipment"]) == 1


def test_a_closing_before_the_order_does_not_end_it():
    result = parse("Thank you.\n\nPO number: PO-7\n\nThank you.\nPO number: PO-8")
    assert result.data["reference"] == "PO-7"


def test_a_one_line_description_ends_at_the_next_label_line():
    result = parse(
        "Work： Replace the controller battery.\nMachine： Dell PowerVault ME5024 (Service Tag: 7XK9PQ3)\n"
    )
    assert result.data["work_description"] == "Replace the controller battery."
    assert result.data["equipment"] == [
        {"make": "Dell", "model": "PowerVault ME5024", "serial": "7XK9PQ3"}
    ]


def test_a_description_keeps_its_indented_lines_even_when_they_look_like_labels():
    result = parse(
        "Work description:\n  Day 1: run the cables.\n  Day 2: move the uplinks.\n"
        "Planned start: 2026-12-07 10:00"
    )
    assert result.data["work_description"] == "Day 1: run the cables.\nDay 2: move the uplinks."
    assert len(result.data["visits"]) == 1


def test_a_section_heading_the_template_does_not_know_ends_a_description():
    result = parse("■ Work\nSet up three PCs.\n\n■ Requirements\nLanguage: English\n")
    assert result.data["work_description"] == "Set up three PCs."
    assert result.data["languages"] == ["en"]


def test_prose_after_a_list_is_not_an_item():
    result = parse(
        "Equipment:\nSynology RS2423+ 2350RQR012345\n\n"
        "The PO number is still being approved, I will send it later.\n"
    )
    assert len(result.data["equipment"]) == 1
    assert "reference" not in result.data  # "still" is not a number


@pytest.mark.parametrize(
    "sentence, reference",
    [
        ("Hi, the PO number is PO-88123.", "PO-88123"),
        ("Our purchase order number is 4500012345.", "4500012345"),
        ("発注番号はACME-3399です。", "ACME-3399"),
    ],
)
def test_a_reference_said_in_a_sentence(sentence, reference):
    assert parse(sentence + "\nFloor: 7").data["reference"] == reference


def test_a_language_said_in_a_sentence():
    assert parse("The engineer should speak English.\nFloor: 7").data["languages"] == ["en"]
    assert parse("英語が話せる方をお願いします。\n階：7").data["languages"] == ["en"]


@pytest.mark.parametrize(
    "text, submit",
    [
        ("Sounds good, please submit.\nPO: 1", True),
        ("確定でお願いします。\n発注番号：1", True),
        ("Please send an engineer.\nPO: 1", None),
        ("Please submit.\nSubmit: no", False),
    ],
)
def test_asking_to_submit_in_words(text, submit):
    assert parse(text).submit is submit


@pytest.mark.parametrize(
    "text, language",
    [
        ("お世話になっております。\n発注番号：1\n以上、よろしくお願いいたします。", "ja"),
        ("Hi team, please arrange the visit below.\nPO number / 発注番号: 1\nBest regards", "en"),
        ("Hi team,\n発注番号：1\n作業日時：2026-12-07 10:00\n住所：東京都\nBest regards", "ja"),
        ("PO number / 発注番号: 1\nFloor / 階: 5", None),
    ],
)
def test_the_language_a_mail_is_written_in(text, language):
    assert parse(text).language == language


def test_a_date_without_a_year_is_read_and_said_back():
    result = parse("Planned start: 12/7 14:00 JST\n", today=TODAY)
    assert result.data["visits"][0]["scheduled_start"] == datetime(2026, 12, 7, 14, tzinfo=TOKYO)
    [notice] = result.notices
    assert "Monday 7 December 2026, 14:00" in notice.message("en")
    assert "2026年12月7日（月）14:00" in notice.message("ja")


def test_a_wrong_weekday_is_asked_about():
    result = parse("訪問日時：12月8日(月)10:00\n予約時間：2", today=TODAY)
    assert result.data["visits"] == [{"reserved_hours": Decimal("2.00")}]
    assert "曜日" in result.problems[0].message("ja")


def test_each_visit_takes_the_hours_of_its_own_range():
    result = parse(
        "Planned start:\n  7 Dec 2026, 14:00-17:00 (JST)\n"
        "  2026-12-08T09:30:00+09:00 to 2026-12-08T11:30:00+09:00\n"
    )
    assert [v["reserved_hours"] for v in result.data["visits"]] == [
        Decimal("3.00"),
        Decimal("2.00"),
    ]


@pytest.mark.parametrize(
    "text, parts",
    [
        (
            "Globex Tokyo Office\nToyosu Harbor Tower 18F\n2-2-1 Toyosu, Koto-ku, Tokyo 135-0061",
            {
                "name": "Globex Tokyo Office",
                "building": "Toyosu Harbor Tower",
                "floor": "18",
                "street": "2-2-1 Toyosu",
                "city": "Koto-ku",
                "prefecture": "Tokyo",
                "postal_code": "135-0061",
            },
        ),
        (
            "Toyosu DC, Acme KK\n6-2-15 Toyosu, Koto-ku, Tokyo, Cage C-12",
            {
                "name": "Toyosu DC",
                "company_name": "Acme KK",
                "street": "6-2-15 Toyosu",
                "city": "Koto-ku",
                "prefecture": "Tokyo",
                "room": "Cage C-12",
            },
        ),
        (
            "〒135-0064 東京都江東区青海2-4-32 青海テクノパーク　データホールB",
            {
                "postal_code": "135-0064",
                "prefecture": "東京都",
                "city": "江東区",
                "street": "青海2-4-32",
                "building": "青海テクノパーク",
                "room": "データホールB",
            },
        ),
        (
            "〒１０５－００１１ 東京都港区芝公園４－２－８",
            {
                "postal_code": "105-0011",
                "prefecture": "東京都",
                "city": "港区",
                "street": "芝公園4-2-8",
            },
        ),
    ],
)
def test_an_address_on_several_lines(text, parts):
    assert parse_address(text) == parts


@pytest.mark.parametrize(
    "text, fields",
    [
        ("Raj Patel", {"name": "Raj Patel"}),
        ("Bob Stone (me)", {"name": "Bob Stone"}),
        ("加藤 大輔（090-5566-7788）", {"name": "加藤 大輔", "phone": "090-5566-7788"}),
        (
            "松本 直樹（TEL：０４－２９５５－７７８８）",
            {"name": "松本 直樹", "phone": "04-2955-7788"},
        ),
    ],
)
def test_a_contact_on_one_line(text, fields):
    assert parse_contact_inline(text) == (fields, [])


@pytest.mark.parametrize(
    "line, item",
    [
        ("Cisco C9120AXI-Q 4台", {"make": "Cisco", "model": "C9120AXI-Q", "quantity": 4}),
        ("2x Dell PowerEdge R660", {"make": "Dell", "model": "PowerEdge R660", "quantity": 2}),
        (
            "Cisco C9300-24T FOC2701Y0AA（新）",
            {"make": "Cisco", "model": "C9300-24T", "serial": "FOC2701Y0AA", "description": "新"},
        ),
        (
            "Dell PowerEdge R750 サービスタグ：5DQ7XK3",
            {"make": "Dell", "model": "PowerEdge R750", "serial": "5DQ7XK3"},
        ),
        ("NetApp FAS2750 SN-001", {"make": "NetApp", "model": "FAS2750", "serial": "SN-001"}),
    ],
)
def test_an_equipment_line(line, item):
    assert parse_equipment_line(line) == item


def test_a_label_of_several_fields_with_as_many_values():
    result = parse("Building / Floor / Room: Building 2 / 1F / Server room 1-05\n")
    assert result.data["site"] == {
        "building": "Building 2",
        "floor": "1",
        "room": "Server room 1-05",
    }


def test_bullets_after_a_description_are_its_siblings():
    result = parse(
        "  *   Work: Replace the firewall pair.\n"
        "  *   Skill level: specialist\n"
        "  *   Items to bring: USB console cable, laptop\n"
    )
    assert result.data["work_description"] == "Replace the firewall pair."
    assert result.data["skill_level"] == "specialist"
    assert result.data["items_to_bring"] == ["USB console cable", "laptop"]


def test_a_rule_line_ends_a_field():
    result = parse("[備考]          軽装でお越しください。\n" + "=" * 60 + "\nご不明な点は…\n")
    assert result.data["customer_notes"] == "軽装でお越しください。"


def test_a_date_and_its_time_on_separate_labels():
    result = parse("[作業日]        2027年01月09日(土)\n[開始時刻]      08:00\n", today=TODAY)
    assert result.data["visits"][0]["scheduled_start"] == datetime(2027, 1, 9, 8, tzinfo=TOKYO)
    assert not result.problems


def test_hours_said_with_the_start_and_a_night_until_the_next_day():
    result = parse(
        "（1）作業日時\n　2026年12月10日（木）午前9時30分から、4時間を予定しております。\n"
        "訪問日時：2026/12/22(火) 21:00～翌01:00\n",
        today=TODAY,
    )
    assert [v["reserved_hours"] for v in result.data["visits"]] == [
        Decimal("4.00"),
        Decimal("4.00"),
    ]


def test_a_date_said_in_a_sentence_is_read_and_said_back():
    result = parse(
        "Could you send one senior engineer on Tuesday, December 8, 2026, from 10:00 to 14:00 "
        "JST? Priya doesn’t speak Japanese, so the engineer must speak English.\nPO: 4500019876",
        today=TODAY,
    )
    [visit] = result.data["visits"]
    assert visit["scheduled_start"] == datetime(2026, 12, 8, 10, tzinfo=TOKYO)
    assert visit["reserved_hours"] == Decimal("4.00")
    assert result.data["skill_level"] == "senior"
    assert result.data["languages"] == ["en"]  # "doesn’t speak Japanese" asks for none
    assert "Tuesday 8 December 2026, 10:00–14:00" in result.notices[0].message("en")


def test_a_contact_with_a_department_and_a_messenger_handle():
    fields, leftovers = parse_contact_inline(
        "情報システム部 佐々木 亮  080-9901-3312  LINE ID: ryo_sasaki_acme"
    )
    assert fields == {"name": "佐々木 亮", "phone": "080-9901-3312", "line": "ryo_sasaki_acme"}
    assert leftovers == []
    assert parse_contact_inline("山田  太郎") == ({"name": "山田  太郎"}, [])


def test_paperwork_on_one_line():
    result = parse("書類：作業員名簿（提出済）、入館申請書（未提出）")
    assert result.data["paperwork"] == [
        {"description": "作業員名簿", "done": True},
        {"description": "入館申請書", "done": False},
    ]
