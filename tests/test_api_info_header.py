"""The REST API's `_info` in every language carries field labels and descriptions, never the catalog header
(gettext of an empty string answers with the PO header: "Project-Id-Version: ...")."""
import json

import pytest

from tests.conftest import Browser

HEADER_MARKERS = ("Project-Id-Version", "Content-Type: text/plain", "Plural-Forms", "MIME-Version")


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_api_info_never_carries_the_catalog_header(app, make_user, language):
    from views.base import SanaripModelRestApi

    b = Browser(app.test_client())
    b.get(f"/lang/{language}")
    b.login(make_user())
    apis = [v for v in app.appbuilder.baseviews if isinstance(v, SanaripModelRestApi)]
    assert apis
    for api in apis:
        answer = b.get(f"/api/v1/{api.resource_name}/_info", headers={"Accept-Language": language})
        assert answer.status_code == 200, api
        text = json.dumps(answer.get_json(), ensure_ascii=False)
        assert not any(marker in text for marker in HEADER_MARKERS), (api, text[:300])
