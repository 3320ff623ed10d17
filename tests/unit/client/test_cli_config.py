"""Where the CLI sends streamed answers: the flag, then KB_STREAM_URL, then the profile's stream_url."""

import pytest

from kb_client.cli import config


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ("KB_API_URL", "KB_API_KEY", "KB_STREAM_URL", "KB_PROFILE", "CHATBOT_API", "CHATBOT_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KB_CONFIG", str(tmp_path / "config.toml"))
    return tmp_path / "config.toml"


def test_the_profile_names_the_stream_url(clean_environment):
    # Given a profile with a stream URL
    clean_environment.write_text('[default]\nurl = "http://api.test/api"\nstream_url = "http://stream.test/"\n')
    # When the settings are loaded with nothing else
    settings = config.load(None, None, None)
    # Then streamed answers go there
    assert settings.stream_url == "http://stream.test"


def test_the_flag_beats_the_environment_which_beats_the_profile(clean_environment, monkeypatch):
    clean_environment.write_text('[default]\nstream_url = "http://profile.test"\n')
    monkeypatch.setenv("KB_STREAM_URL", "http://env.test")
    assert config.load(None, None, None).stream_url == "http://env.test"
    assert config.load(None, None, None, "http://flag.test").stream_url == "http://flag.test"


def test_without_one_there_is_no_stream_url(clean_environment):
    # Then the client sends streamed answers to the base URL (the events in one body)
    assert config.load("http://api.test/api", None, None).stream_url is None
