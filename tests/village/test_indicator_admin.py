"""The platform admin's indicator screens (Django admin): the catalogue is editable, values are not."""

from village.models import IndicatorDefinition, IndicatorValue

ADD = "/django-admin/village/indicatordefinition/add/"


def definition_form(**overrides) -> dict:
    data = {
        "code": "wifi_points", "name_vi": "Điểm wifi công cộng", "name_en": "Public wifi points",
        "unit": "count", "direction": "higher", "source": "manual", "computed_key": "",
        "periodicity": "quarterly", "method_vi": "", "method_en": "", "order": "200", "is_active": "on",
        "targets-TOTAL_FORMS": "1", "targets-INITIAL_FORMS": "0", "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000", "targets-0-year": "2030", "targets-0-value": "5",
        "targets-0-source_note": "Nghị quyết của tỉnh",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_platform_admin_adds_an_indicator_with_its_target(client, superuser, indicator_catalogue):
    client.force_login(superuser)
    response = client.post(ADD, definition_form())
    assert response.status_code == 302
    made = IndicatorDefinition.objects.get(code="wifi_points")
    assert [(t.year, t.value) for t in made.targets.all()] == [(2030, 5)]


def test_a_computed_indicator_must_name_a_registered_computation(client, superuser, indicator_catalogue):
    client.force_login(superuser)
    before = IndicatorDefinition.objects.count()
    response = client.post(ADD, definition_form(source="computed", computed_key="market.nothing_like_this"))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["computed_key"]
    response = client.post(ADD, definition_form(computed_key="market.products_online"))  # manual with a key
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["computed_key"]
    assert IndicatorDefinition.objects.count() == before


def test_values_are_shown_but_never_edited_in_the_admin(client, superuser, indicator_catalogue):
    client.force_login(superuser)
    assert client.get("/django-admin/village/indicatorvalue/").status_code == 200
    assert client.get("/django-admin/village/indicatorvalue/add/").status_code == 403
    assert not IndicatorValue.objects.exists()
