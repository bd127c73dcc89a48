from tests.factories import complete_order


def test_complete_order_has_no_findings(alice, api_as):
    api = api_as(alice)
    response = api.post("requests", complete_order())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["findings"] == [], body["findings"]
    assert body["status"] == "draft"
