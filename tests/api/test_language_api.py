"""Errors in the caller's language: Accept-Language first, then the user's profile."""

from __future__ import annotations


def test_problem_titles_follow_accept_language(alice_api):
    response = alice_api.post("requests", {"skill_level": "guru"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 422
    body = response.json()
    assert body["title"] == "リクエストに不正な項目があります。"
    assert body["errors"][0]["field"] == "skill_level"
    assert body["errors"][0]["message"].startswith("次のいずれかを指定してください")


def test_problem_titles_follow_the_users_profile(alice, alice_api):
    alice.language = "ja"
    alice.save()
    response = alice_api.get("/api/v1/requests/req_doesnotexist0000")
    assert response.status_code == 404
    assert response.json()["title"] == "見つかりません。"


def test_english_by_default(alice_api):
    response = alice_api.get("/api/v1/requests/req_doesnotexist0000")
    assert response.json()["title"] == "Not found."
