from pathlib import Path

import pytest

from local.cfn import Resolver, UnresolvableIntrinsic, load_template


def test_short_intrinsic_tags_load_as_their_long_forms(tmp_path: Path):
    # Given a template using !Ref, !GetAtt and !Sub
    path = tmp_path / "t.yaml"
    path.write_text("A: !Ref Table\nB: !GetAtt Fn.Arn\nC: !Sub '${Table}-x'\nD: !Sub ['${V}', {V: !Ref Table}]\n")
    # When loaded
    document = load_template(path)
    # Then each tag is its Fn:: form
    assert document == {
        "A": {"Ref": "Table"},
        "B": {"Fn::GetAtt": ["Fn", "Arn"]},
        "C": {"Fn::Sub": "${Table}-x"},
        "D": {"Fn::Sub": ["${V}", {"V": {"Ref": "Table"}}]},
    }


def test_the_resolver_fills_refs_attributes_and_subs():
    resolver = Resolver({"Table": "t1", "AWS::Region": "us-east-1"}, {("Fn", "Arn"): "arn:fn", ("Sm", "Name"): "sm"})
    value = {
        "a": {"Ref": "Table"},
        "b": [{"Fn::GetAtt": ["Fn", "Arn"]}],
        "c": {"Fn::Sub": "arn:${AWS::Region}:${Sm.Name}:${Table}"},
        "d": {"Fn::Sub": ["${X}!", {"X": {"Ref": "Table"}}]},
    }
    assert resolver.resolve(value) == {"a": "t1", "b": ["arn:fn"], "c": "arn:us-east-1:sm:t1", "d": "t1!"}


def test_an_unknown_reference_fails_loudly():
    with pytest.raises(UnresolvableIntrinsic):
        Resolver({}, {}).resolve({"Ref": "Nope"})


def test_an_alias_reference_resolves_to_the_alias_arn(tmp_path: Path):
    # Given a template whose Globals publish every function under an alias
    from local.deploy import _names
    from local.template import read_template

    (tmp_path / "template.yaml").write_text(
        "Globals:\n  Function:\n    AutoPublishAlias: live\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: fn/}\n"
    )
    template = read_template(tmp_path)
    # When `!Ref Fn.Alias` is resolved, as a state machine's substitution would be
    resolved = _names(template, "s").resolve({"Ref": "Fn.Alias"})
    # Then it is the alias ARN, which is also what the function's invokers call
    assert template.functions["Fn"].alias == "live"
    assert resolved == "arn:aws:lambda:us-east-1:123456789012:function:s-Fn:live"


def test_if_split_and_join_follow_the_templates_conditions():
    # Given conditions over parameters, as template.yaml states them
    conditions = {
        "HasOrigins": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Origins"}, ""]}]},
        "Either": {"Fn::Or": [{"Fn::Condition": "HasOrigins"}, {"Fn::Equals": ["a", "b"]}]},
    }
    value = {"Fn::If": ["Either", {"Fn::Split": [",", {"Fn::Sub": "x,${Origins}"}]}, ["x"]]}
    # When resolved with and without origins
    named = Resolver({"Origins": "https://a.example"}, {}, conditions).resolve(value)
    empty = Resolver({"Origins": ""}, {}, conditions).resolve(value)
    # Then the branch is the condition's, split as Fn::Split splits
    assert (named, empty) == (["x", "https://a.example"], ["x"])
    assert Resolver({}, {}).resolve({"Fn::Join": ["-", ["a", "b"]]}) == "a-b"


@pytest.mark.parametrize(
    ("origins", "allowed"),
    [("", ["http://127.0.0.1:3000"]), ("https://app.example", ["http://127.0.0.1:3000", "https://app.example"])],
)
def test_the_stream_urls_cors_allows_the_apis_origin_and_the_apis_cors_origins(origins: str, allowed: list[str]):
    # Given template.yaml, with or without CorsAllowOrigins, and the local gateway as the HTTP API
    from local.deploy import _names
    from local.function_url import resolved_config
    from local.template import read_template
    from tests.helpers import ROOT

    template = read_template(ROOT, {"CorsAllowOrigins": origins})
    # When the stream function's URL config is resolved
    cors = resolved_config(template, _names(template, "s"), "http://127.0.0.1:3000", "StreamAnswersFunction")["Cors"]
    # Then the console's origin (the API's) may stream, and so may the origins the API allows
    assert cors["AllowOrigins"] == allowed
    assert (cors["AllowMethods"], cors["AllowHeaders"]) == (["POST"], ["authorization", "content-type"])
