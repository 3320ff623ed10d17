"""PATCH /v1/sources/{id} against moto's DynamoDB: a patch whose build settings are the ones in
place changes nothing else, and is not an error."""

from kb.sources.models import UpdateSourceRequest
from kb.sources.service import update_source


def test_a_patch_repeating_the_language_in_place_changes_nothing(sources, source):
    # Given a source whose language was set (settingsVersion went up once)
    once = update_source(sources, source, UpdateSourceRequest.model_validate({"language": "fr"}))
    # When the same language is patched again, alone
    again = update_source(sources, once, UpdateSourceRequest.model_validate({"language": "fr"}))
    # Then the source is answered as it was: same language, same settings version
    assert (again.language, again.settings_version) == ("fr", once.settings_version)
    assert again.name == source.name
